import { sql } from 'kysely';
import type { Db } from '../database.js';

export async function insertApiKey(db: Db, input: { companyId: string; name: string; prefix: string; hash: string }) {
  return db
    .insertInto('api_keys')
    .values({ company_id: input.companyId, name: input.name, prefix: input.prefix, key_hash: input.hash })
    .returning(['id', 'company_id', 'name', 'prefix', 'created_at'])
    .executeTakeFirstOrThrow();
}

/** last_used_at is written at most this often per key: a busy key costs no write per request. */
export const lastUsedResolutionMs = 60_000;

/**
 * The active key with this hash, if any; records its use, at most once a minute (one UPDATE that matches
 * nothing when the recorded use is recent, so a busy key is one indexed read per request).
 */
export async function findActiveApiKeyByHash(db: Db, hash: string) {
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'company_id', 'last_used_at'])
    .where('key_hash', '=', hash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() >= lastUsedResolutionMs) {
    await db
      .updateTable('api_keys')
      .set({ last_used_at: sql<Date>`now()` })
      .where('id', '=', row.id)
      .where((eb) =>
        eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]),
      )
      .execute();
  }
  return { id: row.id, company_id: row.company_id };
}

/** A company's keys, newest first: what a person needs to tell them apart. Never the hash. */
export async function listCompanyApiKeys(db: Db, companyId: string, options: { includeRevoked?: boolean } = {}) {
  let query = db
    .selectFrom('api_keys')
    .select(['id', 'company_id', 'name', 'prefix', 'created_at', 'last_used_at', 'revoked_at'])
    .where('company_id', '=', companyId);
  if (!options.includeRevoked) query = query.where('revoked_at', 'is', null);
  return query.orderBy('created_at', 'desc').orderBy('id').execute();
}

export async function findCompanyApiKey(db: Db, companyId: string, keyId: string) {
  return db
    .selectFrom('api_keys')
    .select(['id', 'company_id', 'name', 'prefix', 'created_at', 'last_used_at', 'revoked_at'])
    .where('company_id', '=', companyId)
    .where('id', '=', keyId)
    .executeTakeFirst();
}

/**
 * Revokes one of the company's keys at once: the API refuses it from the next request on, and so do the admin
 * sessions it signed in (they are checked against the key on every page). Returns false when the company has no
 * such key; revoking a revoked key changes nothing.
 */
export async function revokeCompanyApiKey(db: Db, companyId: string, keyId: string): Promise<boolean> {
  const key = await findCompanyApiKey(db, companyId, keyId);
  if (!key) return false;
  await db
    .updateTable('api_keys')
    .set({ revoked_at: sql<Date>`now()` })
    .where('id', '=', keyId)
    .where('company_id', '=', companyId)
    .where('revoked_at', 'is', null)
    .execute();
  return true;
}
