import type { Client } from '@temporalio/client';
import type { z } from '@hono/zod-openapi';
import { ApiError } from '../api/errors.js';
import type { CreateSetupBody, UpdateSetupBody } from '../api/schemas/setup.js';
import { setupColumns } from '../api/schemas/setup.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { isUniqueViolation } from '../db/errors.js';
import { findCompanyConnection } from '../db/repositories/connections.js';
import { findCompanyCustomerType } from '../db/repositories/customer-types.js';
import { deleteSetup, insertSetup, updateSetup } from '../db/repositories/setups.js';
import { resetDeltaState } from '../db/repositories/sync-delta.js';
import { createRun, markRun, RunAlreadyActiveError, setRunWorkflowId } from '../db/repositories/sync-runs.js';
import type { RunTrigger, SyncSetup } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { syncRunWorkflow } from '../workflows/sync-run.js';
import { manualRunWorkflowId } from '../workflows/sync-run-messages.js';
import { CompanyIdAttribute, SetupIdAttribute } from '../temporal/search-attributes.js';
import { directoryProviderFor, type DirectoryProviders } from '../directory/factory.js';
import type { DirectoryConnection } from '../db/schema.js';
import { reconcileSchedule } from './schedules.js';
import { groupIdProblem, setupScopeProblems } from '../sync/setup-scope.js';

export interface SetupDeps {
  db: Db;
  temporal: Client;
  config: Config;
  logger: Logger;
  /** The directory providers to choose from (src/directory/factory.ts); the built-in ones when absent. */
  directoryProviders?: DirectoryProviders;
}

function unprocessable(field: string, reason: string): ApiError {
  return new ApiError(422, 'unprocessable', `${field}: ${reason}`, [{ field, reason }]);
}

async function connectedConnection(deps: SetupDeps, companyId: string, connectionId: string) {
  const connection = await findCompanyConnection(deps.db, companyId, connectionId);
  if (!connection) throw unprocessable('connectionId', 'no such connection in this company');
  if (connection.status !== 'connected')
    throw unprocessable(
      'connectionId',
      `the connection is ${connection.status}${connection.status_reason ? ` (${connection.status_reason})` : ''}; it must be connected`,
    );
  return connection;
}

async function checkCustomerType(deps: SetupDeps, companyId: string, customerTypeId: string) {
  if (!(await findCompanyCustomerType(deps.db, companyId, customerTypeId)))
    throw unprocessable('customerTypeId', 'no such customer type in this company');
}

/** The group must exist in the tenant: its display name and user count come back to the admin. */
async function checkGroup(deps: SetupDeps, connection: DirectoryConnection, groupId: string) {
  const group = await directoryProviderFor(deps, connection).lookupGroup(groupId);
  if (!group.found) {
    if (group.reason === 'not_found') throw unprocessable('groupId', `group ${groupId} was not found in the tenant`);
    throw new ApiError(
      502,
      'upstream_error',
      `the directory could not be asked about group ${groupId}: ${group.message}`,
    );
  }
  return group;
}

/** The LDAP path and filter must be usable by the connection's directory: refused on save, naming where. */
function checkScope(
  connection: DirectoryConnection,
  body: { groupId?: string; ldapPath?: string | null; ldapFilter?: string | null },
): void {
  const group = body.groupId === undefined ? null : groupIdProblem(connection.provider, body.groupId);
  const problems = [...(group ? [group] : []), ...setupScopeProblems(connection.provider, body)];
  if (problems.length > 0) throw ApiError.validation(problems.map((p) => ({ field: p.field, reason: p.message })));
}

function conflictOnDuplicate(err: unknown): never {
  if (isUniqueViolation(err, 'sync_setups_one_per_group')) {
    throw new ApiError(409, 'conflict', 'a setup for this group and customer type already exists on this connection', [
      { field: 'groupId', reason: 'already set up' },
    ]);
  }
  throw err;
}

export async function createSetup(deps: SetupDeps, companyId: string, body: z.infer<typeof CreateSetupBody>) {
  const connection = await connectedConnection(deps, companyId, body.connectionId);
  checkScope(connection, body);
  await checkCustomerType(deps, companyId, body.customerTypeId);
  const group = await checkGroup(deps, connection, body.groupId);
  let setup: SyncSetup;
  try {
    setup = await insertSetup(deps.db, {
      company_id: companyId,
      connection_id: connection.id,
      group_display_name: group.displayName,
      status_reason: null,
      designation: null,
      ldap_path: null,
      ldap_filter: null,
      group_id: body.groupId,
      customer_type_id: body.customerTypeId,
      // AD has no onPremisesSamAccountName/mailNickname: its initials are the account name
      ...(connection.provider === 'ldap' ? { initials_attributes: ['sAMAccountName'] } : {}),
      ...setupColumns(body),
    });
  } catch (err) {
    conflictOnDuplicate(err);
  }
  await reconcileSchedule(deps, setup.id);
  return { setup, group: { id: group.id, displayName: group.displayName, userCount: group.userCount } };
}

export async function changeSetup(deps: SetupDeps, current: SyncSetup, body: z.infer<typeof UpdateSetupBody>) {
  if (body.customerTypeId) await checkCustomerType(deps, current.company_id, body.customerTypeId);
  if (body.groupId !== undefined || body.ldapPath !== undefined || body.ldapFilter !== undefined) {
    const connection = await findCompanyConnection(deps.db, current.company_id, current.connection_id);
    if (connection)
      checkScope(connection, {
        groupId: body.groupId,
        ldapPath: body.ldapPath === undefined ? current.ldap_path : body.ldapPath,
        ldapFilter: body.ldapFilter === undefined ? current.ldap_filter : body.ldapFilter,
      });
  }
  let groupDisplayName: string | undefined;
  if (body.groupId && body.groupId !== current.group_id) {
    const connection = await connectedConnection(deps, current.company_id, current.connection_id);
    groupDisplayName = (await checkGroup(deps, connection, body.groupId)).displayName;
  }
  let setup: SyncSetup;
  try {
    setup = await updateSetup(deps.db, current.id, {
      ...setupColumns(body),
      ...(groupDisplayName ? { group_display_name: groupDisplayName } : {}),
    });
  } catch (err) {
    conflictOnDuplicate(err);
  }
  const reset = deltaResetReason(current, setup);
  if (reset) await resetDeltaState(deps.db, setup.id, reset);
  await reconcileSchedule(deps, setup.id);
  return setup;
}

/** What a setup change did that the delta links cannot follow: they describe the old group, keys and scope. */
function deltaResetReason(before: SyncSetup, after: SyncSetup): string | null {
  const changed: string[] = [];
  if (before.group_id.toLowerCase() !== after.group_id.toLowerCase())
    changed.push(`groupId ${before.group_id} → ${after.group_id}`);
  if (before.match_on !== after.match_on) changed.push(`matchOn ${before.match_on} → ${after.match_on}`);
  if (JSON.stringify(before.initials_attributes) !== JSON.stringify(after.initials_attributes))
    changed.push('initialsAttributes');
  if (before.ldap_path !== after.ldap_path || before.ldap_filter !== after.ldap_filter) changed.push('scoping');
  return changed.length ? changed.join(', ') : null;
}

export async function setSetupPaused(deps: SetupDeps, current: SyncSetup, paused: boolean) {
  const setup = await updateSetup(
    deps.db,
    current.id,
    paused
      ? { status: 'paused', status_reason: 'paused by an administrator' }
      : { status: 'active', status_reason: null },
  );
  await reconcileSchedule(deps, setup.id);
  return setup;
}

export async function removeSetup(deps: SetupDeps, setup: SyncSetup) {
  await deleteSetup(deps.db, setup.id);
  await reconcileSchedule(deps, setup.id); // the setup is gone: its schedule is deleted
}

/**
 * Starts a run now. The run row is created first: the database's one-active-run index answers "already
 * running" (409 with that run's id) for API, admin pages and schedule alike.
 */
export async function startRun(
  deps: SetupDeps,
  setup: SyncSetup,
  options: { dryRun: boolean; fullSync?: boolean; trigger: RunTrigger },
) {
  let runId: string;
  try {
    runId = (
      await createRun(deps.db, {
        setupId: setup.id,
        companyId: setup.company_id,
        trigger: options.trigger,
        mode: 'full',
        dryRun: options.dryRun,
        workflowId: null,
      })
    ).id;
  } catch (err) {
    if (err instanceof RunAlreadyActiveError)
      throw new ApiError(
        409,
        'conflict',
        `a run of this setup is already in progress (${err.activeRunId})`,
        undefined,
        { runId: err.activeRunId },
      );
    throw err;
  }
  const workflowId = manualRunWorkflowId(setup.id, runId);
  try {
    await deps.temporal.workflow.start(syncRunWorkflow, {
      workflowId,
      taskQueue: deps.config.temporal.taskQueue,
      args: [
        {
          setupId: setup.id,
          runId,
          trigger: options.trigger,
          dryRun: options.dryRun,
          fullSync: options.fullSync,
          heartbeatTimeoutMs: deps.config.sync.heartbeatTimeoutMs,
          approvalTimeoutMs: deps.config.approvalTimeoutMs,
        },
      ],
      typedSearchAttributes: [
        { key: SetupIdAttribute, value: setup.id },
        { key: CompanyIdAttribute, value: setup.company_id },
      ],
    });
    await setRunWorkflowId(deps.db, runId, workflowId);
  } catch (err) {
    await markRun(deps.db, runId, {
      status: 'failed',
      error: `could not start the run: ${err instanceof Error ? err.message : String(err)}`,
      finishedAt: new Date(),
      phase: 'done',
    });
    throw err;
  }
  return runId;
}
