// Who may change what, as one table: action → roles allowed. Roles come from the control plane
// (owner, member, viewer; an API token's read scope makes its holder a viewer for that request).
// Reading (tables, rows, SQL, exports, charts, activity, imports history) needs only an identity.
// Callers ask requirePermission and never compare roles; SECURITY.md and the README show this
// table, and test/unit/roles.test.ts checks each cell against the real routes.
import { BerthError } from '../errors.js';
import type { Identity, Role } from './identity.js';

export const PERMISSIONS = {
  'rows.append': ['owner', 'member'],
  'cell.edit': ['owner', 'member'],
  'rows.delete': ['owner', 'member'],
  'import.run': ['owner', 'member'],
  'import.replace': ['owner'],
  'table.rename': ['owner'],
  'table.drop': ['owner'],
  'query.save': ['owner', 'member'],
  'query.delete': ['owner', 'member'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof PERMISSIONS;

const WORDS: Record<Action, string> = {
  'rows.append': 'append rows',
  'cell.edit': 'edit cells',
  'rows.delete': 'delete rows',
  'import.run': 'upload files or import them (new tables, appends)',
  'import.replace': 'replace a table by importing',
  'table.rename': 'rename tables',
  'table.drop': 'drop tables',
  'query.save': 'save queries',
  'query.delete': 'delete saved queries',
};

export function can(role: Role, action: Action): boolean {
  return (PERMISSIONS[action] as readonly Role[]).includes(role);
}

export function requirePermission(identity: Identity, action: Action): void {
  if (!can(identity.role, action)) {
    const why = identity.scope === 'read' ? 'this API token has the read scope' : `a ${identity.role} may not ${WORDS[action]}`;
    throw new BerthError('FORBIDDEN', `${why}; ask an owner of this instance`, { action, role: identity.role });
  }
}
