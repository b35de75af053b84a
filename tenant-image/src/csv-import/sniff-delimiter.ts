// Guesses the delimiter by parsing a sample with each candidate and keeping the one that splits
// the most rows into the same number (> 1) of fields; ties go to the earlier candidate.
import { countFieldsPerRecord } from './csv-record-parser.js';
import { DELIMITERS, type Delimiter } from './import-plan.js';

const SAMPLE_RECORDS = 50;

export function sniffDelimiter(sample: string, wholeFile: boolean): Delimiter {
  let best: Delimiter = ',';
  let bestScore = -1;
  for (const delimiter of DELIMITERS) {
    const score = scoreDelimiter(sample, wholeFile, delimiter);
    if (score > bestScore) {
      best = delimiter;
      bestScore = score;
    }
  }
  return best;
}

/** Consistency first (share of rows with the modal field count), then the field count itself. */
function scoreDelimiter(sample: string, wholeFile: boolean, delimiter: Delimiter): number {
  const counts = countFieldsPerRecord(sample, delimiter, SAMPLE_RECORDS, wholeFile);
  if (counts.length === 0) return -1;
  const freq = new Map<number, number>();
  for (const c of counts) freq.set(c, (freq.get(c) ?? 0) + 1);
  let mode = 0;
  let modeFreq = 0;
  for (const [c, f] of freq) {
    if (f > modeFreq || (f === modeFreq && c > mode)) {
      mode = c;
      modeFreq = f;
    }
  }
  if (mode < 2) return 0;
  return (modeFreq / counts.length) * 1_000_000 + Math.min(mode, 999_999);
}
