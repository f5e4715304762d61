import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

const { latestMigration } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3 },
});

/** Runs one activity on a worker and returns what it found: proof that Temporal, a worker and Postgres work together. */
export async function selfCheckWorkflow(): Promise<{ latestMigration: string | null }> {
  return { latestMigration: await latestMigration() };
}
