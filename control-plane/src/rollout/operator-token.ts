// The local operator's credential: a random token the control plane writes at every start to
// <state>/operator.token, readable by root only (0600). The CLI runs on the host as root,
// reads it and sends it as a bearer token; whoever can read the state directory can already
// read the database, so this grants nothing new. Rotated on every start.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { generateToken } from '../auth/tokens.js';

export function operatorTokenPath(stateDir: string): string {
  return join(stateDir, 'operator.token');
}

/** Writes a fresh token atomically with mode 0600 and returns it. */
export function writeOperatorToken(stateDir: string): string {
  mkdirSync(stateDir, { recursive: true });
  const token = generateToken();
  const path = operatorTokenPath(stateDir);
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, token + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return token;
}

/** The current token, or null when the control plane has not written one. */
export function readOperatorToken(stateDir: string): string | null {
  try {
    return readFileSync(operatorTokenPath(stateDir), 'utf8').trim() || null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
