import { Migrator, sql, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { Db } from './database.js';
import * as initialSchema from './migrations/2026_11_26_000000_initial_schema.js';
import * as syncEngine from './migrations/2026_11_26_010000_sync_engine.js';
import * as deltaSync from './migrations/2026_11_26_020000_delta_sync.js';
import * as stagingWithoutRunFk from './migrations/2026_11_26_030000_staging_without_run_fk.js';
import * as adminSessions from './migrations/2026_11_26_040000_admin_sessions.js';
import * as tenantAdminProof from './migrations/2026_12_01_100000_tenant_admin_proof.js';
import * as deltaReset from './migrations/2026_12_01_120000_delta_reset.js';
import * as eventsAndNotifications from './migrations/2026_12_01_140000_events_and_notifications.js';
import * as reasonDetail from './migrations/2026_12_01_160000_reason_detail.js';
import * as incrementalState from './migrations/2026_12_01_180000_incremental_state.js';
import * as statusReasonDetail from './migrations/2026_12_01_190000_status_reason_detail.js';
import * as ldapConnections from './migrations/2026_12_01_200000_ldap_connections.js';
import * as settledMembers from './migrations/2026_12_01_210000_settled_members.js';
import * as attributeMapping from './migrations/2026_12_01_220000_attribute_mapping.js';
import * as settledAttributes from './migrations/2026_12_01_230000_settled_attributes.js';
import * as nonMemberMarkers from './migrations/2026_12_01_240000_non_member_markers.js';
import * as stagedSettled from './migrations/2026_12_01_250000_staged_settled.js';
import * as unsettledStaging from './migrations/2026_12_01_260000_unsettled_staging.js';
import * as stagedSources from './migrations/2026_12_02_000000_staged_sources.js';
import * as auditRunCheck from './migrations/2026_12_02_010000_audit_run_check.js';

/**
 * Migrations are listed here rather than read from the folder at run time, so they work the same under tsx,
 * vitest and any bundler. Names are timestamps: kysely applies them in name order.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_26_000000_initial_schema': initialSchema,
  '2026_11_26_010000_sync_engine': syncEngine,
  '2026_11_26_020000_delta_sync': deltaSync,
  '2026_11_26_030000_staging_without_run_fk': stagingWithoutRunFk,
  '2026_11_26_040000_admin_sessions': adminSessions,
  '2026_12_01_100000_tenant_admin_proof': tenantAdminProof,
  '2026_12_01_120000_delta_reset': deltaReset,
  '2026_12_01_140000_events_and_notifications': eventsAndNotifications,
  '2026_12_01_160000_reason_detail': reasonDetail,
  '2026_12_01_180000_incremental_state': incrementalState,
  '2026_12_01_190000_status_reason_detail': statusReasonDetail,
  '2026_12_01_200000_ldap_connections': ldapConnections,
  '2026_12_01_210000_settled_members': settledMembers,
  '2026_12_01_220000_attribute_mapping': attributeMapping,
  '2026_12_01_230000_settled_attributes': settledAttributes,
  '2026_12_01_240000_non_member_markers': nonMemberMarkers,
  '2026_12_01_250000_staged_settled': stagedSettled,
  '2026_12_01_260000_unsettled_staging': unsettledStaging,
  '2026_12_02_000000_staged_sources': stagedSources,
  '2026_12_02_010000_audit_run_check': auditRunCheck,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export function createMigrator(db: Db): Migrator {
  return new Migrator({ db, provider });
}

function check(result: MigrationResultSet, what: string): string[] {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`${what} failed${failed ? ` at ${failed.migrationName}` : ''}: ${reason}`);
  }
  return (result.results ?? []).map((r) => r.migrationName);
}

export async function migrateToLatest(db: Db): Promise<string[]> {
  return check(await createMigrator(db).migrateToLatest(), 'migration');
}

export async function migrateDown(db: Db): Promise<string[]> {
  return check(await createMigrator(db).migrateDown(), 'migration down');
}

export async function migrateAllDown(db: Db): Promise<string[]> {
  const { NO_MIGRATIONS } = await import('kysely');
  return check(await createMigrator(db).migrateTo(NO_MIGRATIONS), 'migration down');
}

/** The newest applied migration's name, null before the first. */
export async function latestMigration(db: Db): Promise<string | null> {
  const result = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(db);
  return result.rows[0]?.name ?? null;
}
