import { createHash } from 'node:crypto';
import type { Db } from '../database.js';

function hashSessionId(sid: string): string {
  return createHash('sha256').update(sid).digest('hex');
}

export async function insertAdminSession(
  db: Db,
  input: { sid: string; companyId: string; apiKeyId: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('admin_sessions')
    .values({
      sid_hash: hashSessionId(input.sid),
      company_id: input.companyId,
      api_key_id: input.apiKeyId,
      expires_at: input.expiresAt,
    })
    .execute();
}

/** True while the session has neither ended nor expired and its API key is still active for its company. */
export async function isAdminSessionOpen(
  db: Db,
  input: { sid: string; companyId: string; apiKeyId: string },
): Promise<boolean> {
  const row = await db
    .selectFrom('admin_sessions as s')
    .innerJoin('api_keys as k', 'k.id', 's.api_key_id')
    .select('s.sid_hash')
    .where('s.sid_hash', '=', hashSessionId(input.sid))
    .where('s.company_id', '=', input.companyId)
    .where('s.api_key_id', '=', input.apiKeyId)
    .where('s.ended_at', 'is', null)
    .where('s.expires_at', '>', new Date())
    .where('k.company_id', '=', input.companyId)
    .where('k.revoked_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

export async function endAdminSession(db: Db, sid: string): Promise<void> {
  await db
    .updateTable('admin_sessions')
    .set({ ended_at: new Date() })
    .where('sid_hash', '=', hashSessionId(sid))
    .where('ended_at', 'is', null)
    .execute();
}
