// Password hashing: the only import of argon2. argon2id with the OWASP minimum (19 MiB, t=2,
// p=1); the parameters live in the encoded hash, so raising them later only affects new hashes.
// argon2 is held at 0.44: 0.45 writes them as m,p,t (node-argon2 issue 559), not the PHC
// format's m,t,p that other verifiers (libargon2, libsodium) require; the unit test checks it.
import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

export const PASSWORD_HASH_PARAMS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id, ...PASSWORD_HASH_PARAMS });
}

export async function verifyPassword(encodedHash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(encodedHash, password);
  } catch {
    // A malformed stored hash never authenticates anyone.
    return false;
  }
}

let decoyHash: Promise<string> | null = null;

/**
 * Spends the same time as a real verification, for logins with an unknown email, so response
 * time does not reveal which emails have accounts.
 */
export async function verifyDecoyPassword(password: string): Promise<false> {
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(await decoyHash, password);
  return false;
}
