import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { reconcileCompanySchedules } from '../setups/schedules.js';
import { connectionCheckWorkflow } from '../workflows/onboarding.js';
import { connectionCheckWorkflowId } from '../workflows/onboarding-messages.js';

/**
 * Runs the connection-check workflow to its end (the connection row then holds the outcome) and lets the
 * company's schedules follow it. An ldap connection is verified so right after it is created, and on demand.
 */
export async function checkConnectionNow(
  deps: { db: Db; temporal: Client; config: Config },
  connectionId: string,
): Promise<void> {
  await deps.temporal.workflow.execute(connectionCheckWorkflow, {
    workflowId: connectionCheckWorkflowId(connectionId),
    taskQueue: deps.config.temporal.taskQueue,
    args: [{ connectionId }],
    workflowExecutionTimeout: '5 minutes',
  });
  await reconcileCompanySchedules(deps, { connectionId });
}
