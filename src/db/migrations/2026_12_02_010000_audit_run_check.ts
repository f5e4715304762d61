import { sql, type Kysely } from 'kysely';

/**
 * Every audit row names a run that exists, checked once per statement instead of once per row. The foreign key
 * sync_changes.run_id → sync_runs made each of a first sync's 100,000 audit rows run its own check, each locking
 * the run's row — a row the parallel batches of the same run keep updating (counts, progress), so the locks
 * piled up as multixacts: ~3.5 of Postgres's ~17 CPU-seconds in the 100,000-member first sync (measured with the
 * key dropped). The statement-level trigger keeps what the key promised:
 *
 * - an insert naming a run that does not exist fails with foreign_key_violation (23503), as the key's did;
 * - it locks each run it names FOR KEY SHARE until its transaction ends, as the key's checks did, so the run
 *   cannot be deleted under rows that are about to commit;
 * - a run with audit rows cannot be deleted (the key's NO ACTION), by a row trigger on sync_runs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table sync_changes drop constraint sync_changes_run_id_fkey;

    create function sync_changes_run_exists() returns trigger language plpgsql as $$
    declare
      missing uuid;
    begin
      perform 1 from sync_runs r where r.id in (select distinct n.run_id from new_rows n) for key share of r;
      select n.run_id into missing from new_rows n
      where not exists (select 1 from sync_runs r where r.id = n.run_id) limit 1;
      if found then
        raise foreign_key_violation using
          message = format('audit rows name the run %s, which does not exist', missing),
          constraint = 'sync_changes_run_exists';
      end if;
      return null;
    end $$;
    create trigger sync_changes_run_exists after insert on sync_changes
      referencing new table as new_rows
      for each statement execute function sync_changes_run_exists();

    create function sync_runs_keep_audited() returns trigger language plpgsql as $$
    begin
      if exists (select 1 from sync_changes c where c.run_id = old.id) then
        raise foreign_key_violation using
          message = format('the run %s has audit rows (sync_changes) and cannot be deleted', old.id),
          constraint = 'sync_changes_run_exists';
      end if;
      return old;
    end $$;
    create trigger sync_runs_keep_audited before delete on sync_runs
      for each row execute function sync_runs_keep_audited();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger if exists sync_runs_keep_audited on sync_runs;
    drop function if exists sync_runs_keep_audited();
    drop trigger if exists sync_changes_run_exists on sync_changes;
    drop function if exists sync_changes_run_exists();
    alter table sync_changes add constraint sync_changes_run_id_fkey foreign key (run_id) references sync_runs(id);
  `.execute(db);
}
