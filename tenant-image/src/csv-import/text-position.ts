// Where in the file the text fed so far ends: the physical line, and the field position on it
// (counting delimiters, so approximate inside a quoted field). On the decoding path (UTF-16,
// Windows-1252) NUL bytes and invalid bytes are found in the text before csv-parse sees it, so
// their location comes from here; the UTF-8 path locates them only when one is found (locate-byte.ts).
export class TextPosition {
  /** 1-based physical line (LF-separated) that the next character is on. */
  line: number;
  private delimitersOnLine = 0;

  constructor(
    private readonly delimiter: string,
    firstLine = 1,
  ) {
    this.line = firstLine;
  }

  advance(text: string): void {
    let lastLf = -1;
    for (let k = text.indexOf('\n'); k !== -1; k = text.indexOf('\n', k + 1)) {
      this.line++;
      lastLf = k;
    }
    if (lastLf !== -1) this.delimitersOnLine = 0;
    this.delimitersOnLine += this.countDelimiters(text, lastLf + 1);
  }

  /** The 1-based field position the next character is in. */
  get column(): number {
    return this.delimitersOnLine + 1;
  }

  private countDelimiters(text: string, from: number): number {
    let n = 0;
    for (let k = text.indexOf(this.delimiter, from); k !== -1; k = text.indexOf(this.delimiter, k + 1)) n++;
    return n;
  }
}
