import { sql, type Kysely } from 'kysely';

/**
 * Signed-in admin sessions, so that signing out ends a session on the server too: a copied cookie is worth
 * nothing once its session has ended. Only the hash of the session id is kept, like API keys.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table admin_sessions (
      sid_hash text primary key,
      company_id uuid not null references companies(id) on delete cascade,
      api_key_id uuid not null references api_keys(id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      ended_at timestamptz
    );
    create index admin_sessions_api_key on admin_sessions (api_key_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists admin_sessions`.execute(db);
}
