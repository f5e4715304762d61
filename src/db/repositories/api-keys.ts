import type { Db } from '../database.js';

export async function insertApiKey(db: Db, input: { companyId: string; name: string; prefix: string; hash: string }) {
  return db
    .insertInto('api_keys')
    .values({ company_id: input.companyId, name: input.name, prefix: input.prefix, key_hash: input.hash })
    .returning(['id', 'company_id', 'name', 'prefix', 'created_at'])
    .executeTakeFirstOrThrow();
}

/** The active key with this hash, if any; records its use. */
export async function findActiveApiKeyByHash(db: Db, hash: string) {
  return db
    .updateTable('api_keys')
    .set({ last_used_at: new Date() })
    .where('key_hash', '=', hash)
    .where('revoked_at', 'is', null)
    .returning(['id', 'company_id'])
    .executeTakeFirst();
}
