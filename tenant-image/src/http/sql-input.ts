// The query and its named parameters, as the SQL page, the SQL API and the query exports take them.
import { BerthError } from '../errors.js';

export interface SqlInput {
  readonly sql: string;
  readonly params: Record<string, string>;
}

/** From a query string (sql=…&p.name=…) or a JSON body ({sql, params: {name: value}}). */
export function sqlInputOf(source: unknown): SqlInput {
  const o = (source ?? {}) as Record<string, unknown>;
  if (typeof o.sql !== 'string' || o.sql.trim() === '') throw new BerthError('BAD_REQUEST', 'give the query as "sql"');
  const params: Record<string, string> = {};
  const fromObject = (o.params ?? {}) as Record<string, unknown>;
  if (typeof fromObject !== 'object' || fromObject === null || Array.isArray(fromObject)) throw new BerthError('BAD_REQUEST', '"params" must be an object');
  for (const [k, v] of Object.entries(fromObject)) if (v !== null && v !== undefined) params[k] = String(v);
  for (const [k, v] of Object.entries(o)) if (k.startsWith('p.')) params[k.slice(2)] = String(Array.isArray(v) ? v[0] : v);
  return { sql: o.sql, params };
}
