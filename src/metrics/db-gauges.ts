import { Gauge, Registry } from 'prom-client';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { failingStreakThreshold } from '../events/types.js';

/**
 * Gauges of shared state, read from Postgres when scraped (one registry per scrape, so nothing is cached between
 * processes or scrapes): connections by status, and setups whose last `failingStreakThreshold` finished real
 * runs all failed, or that are in error.
 */
export async function dbGaugeMetrics(db: Db): Promise<string> {
  const registry = new Registry();
  const connections = new Gauge({
    name: 'directory_sync_connections',
    help: 'Directory connections by status',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const failing = new Gauge({
    name: 'directory_sync_setups_failing',
    help: `Enabled setups in error, or whose last ${failingStreakThreshold} finished runs failed`,
    registers: [registry],
  });
  const statuses = [
    'pending_consent',
    'verifying',
    'connected',
    'consent_denied',
    'consent_expired',
    'consent_revoked',
    'failed',
  ];
  const [byStatus, failingRow] = await Promise.all([
    db
      .selectFrom('directory_connections')
      .select(['status', sql<number>`count(*)::int`.as('n')])
      .groupBy('status')
      .execute(),
    sql<{ n: number }>`
      select count(*)::int as n from sync_setups s
      where s.enabled and (s.status = 'error' or ${failingStreakThreshold} = (
        select count(*) filter (where r.status = 'failed') from (
          select status from sync_runs
          where setup_id = s.id and not dry_run and status in ('succeeded', 'failed')
          order by finished_at desc limit ${failingStreakThreshold}) r))`.execute(db),
  ]);
  for (const status of statuses) connections.set({ status }, 0);
  for (const row of byStatus) connections.set({ status: row.status }, row.n);
  failing.set(failingRow.rows[0]?.n ?? 0);
  return registry.metrics();
}
