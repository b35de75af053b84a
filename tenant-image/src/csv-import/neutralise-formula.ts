// Cells are stored exactly as uploaded; only CSV export neutralises cells a spreadsheet would run
// as a formula (CSV injection), by prefixing a single quote, as OWASP recommends.
const FORMULA_START = new Set(['=', '+', '-', '@', '\t', '\r']);

export function neutraliseFormula(cell: string): string {
  return cell.length > 0 && FORMULA_START.has(cell[0]!) ? `'${cell}` : cell;
}
