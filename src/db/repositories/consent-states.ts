import { sql } from 'kysely';
import type { Db } from '../database.js';

export async function insertConsentState(
  db: Db,
  input: {
    stateHash: string;
    connectionId: string;
    companyId: string;
    expiresAt: Date;
    purpose?: 'consent' | 'sign_in';
    nonceHash?: string;
    codeVerifier?: string;
  },
) {
  await db
    .insertInto('consent_states')
    .values({
      state_hash: input.stateHash,
      connection_id: input.connectionId,
      company_id: input.companyId,
      expires_at: input.expiresAt,
      used_at: null,
      purpose: input.purpose ?? 'consent',
      nonce_hash: input.nonceHash ?? null,
      code_verifier: input.codeVerifier ?? null,
    })
    .execute();
}

export async function findConsentState(db: Db, stateHash: string) {
  return db.selectFrom('consent_states').selectAll().where('state_hash', '=', stateHash).executeTakeFirst();
}

/**
 * Marks the state used if it is still usable. Returns false when another request used it first or it expired
 * meanwhile: the single UPDATE makes "use once" hold even for two callbacks racing.
 */
export async function consumeConsentState(db: Db, stateHash: string): Promise<boolean> {
  const row = await db
    .updateTable('consent_states')
    // the PKCE verifier is needed exactly once, read before this: it does not outlive its use
    .set({ used_at: sql`now()`, code_verifier: null })
    .where('state_hash', '=', stateHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('state_hash')
    .executeTakeFirst();
  return row !== undefined;
}

/** Ends every open state of a connection (a new consent attempt, or the wait timed out). */
export async function expireConsentStates(db: Db, connectionId: string) {
  await db
    .updateTable('consent_states')
    .set({ expires_at: sql`least(expires_at, now())` })
    .where('connection_id', '=', connectionId)
    .where('used_at', 'is', null)
    .execute();
}
