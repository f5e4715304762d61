import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigrator, migrateToLatest, migrations } from '../../src/db/migrate.js';
import { openScratchDb, type ScratchDb } from './fixtures.js';

async function present(scratch: ScratchDb) {
  const tables = await sql<{
    name: string;
  }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_name in ('sync_run_batches', 'sync_run_members') order by 1`.execute(
    scratch.db,
  );
  const columns = await sql<{
    name: string;
  }>`select column_name as name from information_schema.columns where table_name = 'sync_runs' and column_name in ('members_read', 'pages_read') order by 1`.execute(
    scratch.db,
  );
  const indexes = await sql<{
    name: string;
  }>`select indexname as name from pg_indexes where indexname in ('users_company_external_id', 'users_managed_by_setup') order by 1`.execute(
    scratch.db,
  );
  const statistics = await sql<{
    name: string;
  }>`select stxname as name from pg_statistic_ext where stxname like 'users_%' order by 1`.execute(scratch.db);
  return [tables, columns, indexes, statistics].map((result) => result.rows.map((row) => row.name));
}

describe('the sync engine migration', () => {
  let scratch: ScratchDb;
  beforeAll(async () => {
    scratch = await openScratchDb();
  });
  afterAll(async () => scratch?.close());

  it('goes down and up again', async () => {
    const up = [
      ['sync_run_batches', 'sync_run_members'],
      ['members_read', 'pages_read'],
      ['users_company_external_id', 'users_managed_by_setup'],
      ['users_lower_email', 'users_upper_initials'],
    ];
    expect(await present(scratch)).toEqual(up);
    const later = Object.keys(migrations).filter((name) => name >= '2026_11_26_010000_sync_engine');
    const down = await createMigrator(scratch.db).migrateTo('2026_11_26_000000_initial_schema');
    expect(down.error).toBeUndefined();
    expect(down.results?.map((r) => r.migrationName)).toEqual([...later].reverse());
    expect(await present(scratch)).toEqual([[], [], [], []]);
    expect(await migrateToLatest(scratch.db)).toEqual(later);
    expect(await present(scratch)).toEqual(up);
  });
});
