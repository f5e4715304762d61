import { Gauge, Registry } from 'prom-client';
import type { Db } from '../db/database.js';
import { countConnectionsByStatus, countFailingSetups } from '../db/repositories/health-counts.js';
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
  const [byStatus, failingCount] = await Promise.all([
    countConnectionsByStatus(db),
    countFailingSetups(db, failingStreakThreshold),
  ]);
  for (const status of statuses) connections.set({ status }, 0);
  for (const row of byStatus) connections.set({ status: row.status }, row.n);
  failing.set(failingCount);
  return registry.metrics();
}
