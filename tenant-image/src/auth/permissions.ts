// Who may change what, as one table: action → roles allowed. Today an identity is an owner or a
// member (identity.ts; an API token acts as a member). Until finer roles exist, owners may rename
// and drop tables, and everyone may edit cells, delete rows and keep saved queries. Extend the
// table (new roles, new actions); callers ask requirePermission and never compare roles.
import { BerthError } from '../errors.js';
import type { Identity, Role } from './identity.js';

export const PERMISSIONS = {
  'cell.edit': ['owner', 'member'],
  'rows.delete': ['owner', 'member'],
  'table.rename': ['owner'],
  'table.drop': ['owner'],
  'query.save': ['owner', 'member'],
  'query.delete': ['owner', 'member'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof PERMISSIONS;

const WORDS: Record<Action, string> = {
  'cell.edit': 'edit cells',
  'rows.delete': 'delete rows',
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
    throw new BerthError('FORBIDDEN', `a ${identity.role} may not ${WORDS[action]}; ask an owner of this instance`, { action, role: identity.role });
  }
}
