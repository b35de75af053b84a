// First line of defence of the read-only SQL page (pure): a single statement that starts as a
// read (SELECT, WITH, VALUES, EXPLAIN), no ATTACH/DETACH/PRAGMA statement, no mention of the
// API token table, and the list of its named parameters. The query process then also requires
// better-sqlite3's stmt.reader and stmt.readonly on a connection opened read-only, so this scan
// is not the only thing standing between a user and a write.
import { BerthError } from '../errors.js';

export interface SqlShape {
  /** Named parameters in order of first appearance, without their sigil (:name, @name, $name). */
  readonly params: string[];
}

const READ_STARTS = new Set(['SELECT', 'WITH', 'VALUES', 'EXPLAIN']);
const FORBIDDEN_WORDS = new Set(['ATTACH', 'DETACH', 'PRAGMA', 'VACUUM', 'REINDEX', 'ANALYZE']);

interface Token {
  kind: 'word' | 'param' | 'punct';
  text: string;
  quoted?: boolean;
}

/** Tokenizes just enough SQL to see words and parameters outside strings and comments. */
export function scanSql(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl === -1 ? sql.length : nl + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (c === "'" || c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === close) {
          if (close !== ']' && sql[j + 1] === close) j += 2;
          else break;
        } else j++;
      }
      // Quoted identifiers count as words for the token-table check; string literals do not.
      if (c !== "'") out.push({ kind: 'word', text: sql.slice(i + 1, j).replaceAll(close + close, close), quoted: true });
      i = j + 1;
    } else if ((c === ':' || c === '@' || c === '$') && /[\p{L}_]/u.test(sql[i + 1] ?? '')) {
      let j = i + 1;
      while (j < sql.length && /[\p{L}\p{N}_]/u.test(sql[j]!)) j++;
      out.push({ kind: 'param', text: sql.slice(i + 1, j) });
      i = j;
    } else if (/[\p{L}_]/u.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[\p{L}\p{N}_$]/u.test(sql[j]!)) j++;
      out.push({ kind: 'word', text: sql.slice(i, j) });
      i = j;
    } else if (/\s/.test(c)) {
      i++;
    } else {
      out.push({ kind: 'punct', text: c });
      i++;
    }
  }
  return out;
}

export function checkReadOnlySql(sql: string): SqlShape {
  const tokens = scanSql(sql);
  const first = tokens.find((t) => t.kind !== 'punct' || t.text !== '(');
  if (!first) throw new BerthError('SQL_REJECTED', 'the query is empty');
  if (first.kind !== 'word' || !READ_STARTS.has(first.text.toUpperCase())) {
    throw new BerthError('SQL_REJECTED', 'only read queries are allowed (SELECT, WITH, VALUES, EXPLAIN)', { starts: first.text });
  }
  for (const t of tokens) {
    if (t.kind !== 'word') continue;
    const upper = t.text.toUpperCase();
    if (!t.quoted && FORBIDDEN_WORDS.has(upper)) throw new BerthError('SQL_REJECTED', `${upper} is not allowed on the SQL page`, { word: upper });
    if (t.text.toLowerCase() === '_berth_api_tokens') throw new BerthError('SQL_REJECTED', 'the API token table cannot be queried');
    if (upper === 'LOAD_EXTENSION') throw new BerthError('SQL_REJECTED', 'load_extension is not allowed');
  }
  // Statements after the first ';' are refused by SQLite's prepare as well; say so clearly.
  const semi = tokens.findIndex((t) => t.kind === 'punct' && t.text === ';');
  if (semi !== -1 && semi < tokens.length - 1) throw new BerthError('SQL_REJECTED', 'only one statement at a time');
  const params: string[] = [];
  for (const t of tokens) if (t.kind === 'param' && !params.includes(t.text)) params.push(t.text);
  return { params };
}
