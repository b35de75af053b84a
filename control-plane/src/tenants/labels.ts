// Ownership labels: the vocabulary berth uses to recognise what it owns in Docker. Anything
// without berth.instance=<this installation> is a bystander and is never touched.
export const LABEL = {
  instance: 'berth.instance',
  tenant: 'berth.tenant',
  tenantId: 'berth.tenant-id',
  generation: 'berth.generation',
  specHash: 'berth.spec-hash',
  imageVersion: 'berth.image-version',
  /**
   * The image reference a container was made from (berth/tenant:v2). Containers are created
   * from the image's ID (docker/container-options.ts), so Docker's own Image field is that ID.
   */
  image: 'berth.image',
  role: 'berth.role',
} as const;

/** What a managed object is for. Unknown roles found in Docker are left alone. */
export type ManagedRole = 'tenant' | 'data' | 'network';

export type Labels = Readonly<Record<string, string>>;
