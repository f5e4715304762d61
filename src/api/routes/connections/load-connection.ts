import type { Context } from 'hono';
import type { Db } from '../../../db/database.js';
import { findCompanyConnection, findConnection } from '../../../db/repositories/connections.js';
import { ldapSettingsByConnection } from '../../../db/repositories/ldap-connections.js';
import { reconcileCompanySchedules } from '../../../setups/schedules.js';
import { connectionCheckWorkflow } from '../../../workflows/onboarding.js';
import { connectionCheckWorkflowId } from '../../../workflows/onboarding-messages.js';
import type { ApiDeps, AppEnv } from '../../context.js';
import { connectionJson } from '../../schemas/connection.js';
import { ApiError } from '../../errors.js';
import { requireDirectorySync } from '../../module-gate.js';

/** The caller's connection by id: another company's id is 404, so existence never leaks. */
export async function loadOwnConnection(c: Context<AppEnv>, id: string) {
  const companyId = await requireDirectorySync(c);
  const connection = await findCompanyConnection(c.get('deps').db, companyId, id);
  if (!connection) throw ApiError.notFound('connection');
  return connection;
}

/** Runs the connection-check workflow to its end (the connection row holds the outcome) and follows schedules. */
export async function verifyConnectionNow(deps: ApiDeps, connectionId: string): Promise<void> {
  await deps.temporal.workflow.execute(connectionCheckWorkflow, {
    workflowId: connectionCheckWorkflowId(connectionId),
    taskQueue: deps.config.temporal.taskQueue,
    args: [{ connectionId }],
    workflowExecutionTimeout: '5 minutes',
  });
  await reconcileCompanySchedules(deps, { connectionId });
}

/** A connection as the API answers it, with an ldap connection's settings (never its password). */
export async function connectionBody(db: Db, connectionId: string) {
  const connection = (await findConnection(db, connectionId))!;
  return connectionJson(connection, (await ldapSettingsByConnection(db, [connection])).get(connection.id));
}
