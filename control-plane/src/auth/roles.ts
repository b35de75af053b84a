// What a person may do inside one instance, and how a tenant is referred to by the modules that
// write memberships and tokens. Its own module so that memberships and API tokens, which each
// end the other's rows, can share these names without importing each other.

/** owner: everything; member: reads and writes data; viewer: reads only (the table is in SECURITY.md). */
export type Role = 'owner' | 'member' | 'viewer';
/** Roles an owner may give; there is one owner, made when the tenant is. */
export const ASSIGNABLE_ROLES = ['member', 'viewer'] as const;

export interface TenantRef {
  readonly id: number;
  readonly slug: string;
}
