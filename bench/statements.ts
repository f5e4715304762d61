/**
 * Where Postgres spends a case's time, from pg_stat_statements (`npm run bench -- --profile DIR`, which starts
 * the embedded Postgres with the extension preloaded): reset before the case, the top statements after it.
 */
import { sql } from 'kysely';
import type { Db } from '../src/db/database.js';

export async function resetStatementStats(db: Db): Promise<void> {
  await sql`create extension if not exists pg_stat_statements`.execute(db);
  await sql`select pg_stat_statements_reset()`.execute(db);
}

export async function topStatements(db: Db, limit = 20): Promise<string> {
  const result = await sql<{ total_ms: number; calls: number; mean_ms: number; rows: number; query: string }>`
    select round(total_exec_time::numeric, 1)::float as total_ms, calls::int, round(mean_exec_time::numeric, 2)::float as mean_ms,
      rows::int, regexp_replace(query, '\\s+', ' ', 'g') as query
    from pg_stat_statements
    where dbid = (select oid from pg_database where datname = current_database())
    order by total_exec_time desc limit ${limit}`.execute(db);
  return result.rows
    .map(
      (r) => `${r.total_ms} ms total, ${r.calls} calls, ${r.mean_ms} ms mean, ${r.rows} rows: ${r.query.slice(0, 400)}`,
    )
    .join('\n');
}
