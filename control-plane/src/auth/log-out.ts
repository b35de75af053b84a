// Logging out ends every credential the person holds, not only this browser's: every session
// (and by cascade every tenant session and unused SSO code, on every instance) and every API
// token. SECURITY.md's promise is that logging out ends all of a person's access to an instance
// within 60 s, tokens included; a token that outlived its holder's log-out would be exactly the
// credential a lost laptop or a leaked script keeps using. People who automate log in again and
// make a new token; tokens survive logging *in*, expiry sweeps and restarts.
import { writeAudit } from '../audit/audit-log.js';
import type { Db } from '../db/open-database.js';
import { writeTx } from '../db/open-database.js';
import { deleteUserTokens } from './api-tokens.js';
import type { User } from './users.js';

export function logOutEverywhere(db: Db, user: Pick<User, 'id' | 'email'>, now: number): { sessions: number; apiTokens: number } {
  return writeTx(db, () => {
    const sessions = db.prepare('DELETE FROM sessions WHERE user_id = ?').run(user.id).changes;
    const apiTokens = deleteUserTokens(db, user.id);
    writeAudit(db, now, user.email, 'logout', user.email, { sessions, apiTokens });
    return { sessions, apiTokens };
  });
}
