import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { isUniqueViolation } from '../db/errors.js';
import { reasonColumns, type StoredReason } from '../db/stored-reason.js';
import { statusBecause } from '../sync/status-reasons.js';
import { findCompanyConnection } from '../db/repositories/connections.js';
import { findCompanyCustomerType } from '../db/repositories/customer-types.js';
import { deleteSetup, insertSetup, updateSetup } from '../db/repositories/setups.js';
import { resetDeltaState } from '../db/repositories/sync-delta.js';
import {
  createRun,
  lastFullRunMembers,
  markRun,
  RunAlreadyActiveError,
  setRunWorkflowId,
} from '../db/repositories/sync-runs.js';
import { runPriority } from '../sync/run-priority.js';
import type { RunTrigger, SyncSetup } from '../db/schema.js';
import type { Logger } from '../logger.js';
import { syncRunWorkflow } from '../workflows/sync-run.js';
import { manualRunWorkflowId } from '../workflows/sync-run-messages.js';
import { CompanyIdAttribute, SetupIdAttribute } from '../temporal/search-attributes.js';
import { directoryProviderFor, type DirectoryProviders } from '../directory/factory.js';
import type { DirectoryConnection } from '../db/schema.js';
import {
  ConnectionNotConnected,
  DirectoryUnavailable,
  GroupNotFound,
  PreviewUnavailable,
  SettingsRefused,
  RunAlreadyActive,
  SetupExists,
  UnknownReference,
} from '../domain/errors.js';
import { setupColumns, type NewSetupInput, type SetupChange } from './input.js';
import { reconcileSchedule } from './schedules.js';
import { checkMappingSettings, mappingSettingsColumns, type MappingSettingsInput } from './mapping-settings.js';
import { previewMapping } from './mapping-preview.js';
import { sameMapping } from '../sync/product-mapping.js';
import { groupIdProblem, setupScopeProblems } from '../sync/setup-scope.js';

export interface SetupDeps {
  db: Db;
  temporal: Client;
  config: Config;
  logger: Logger;
  /** The directory providers to choose from (src/directory/factory.ts); the built-in ones when absent. */
  directoryProviders?: DirectoryProviders;
}

async function connectedConnection(deps: SetupDeps, companyId: string, connectionId: string) {
  const connection = await findCompanyConnection(deps.db, companyId, connectionId);
  if (!connection) throw new UnknownReference('connection');
  if (connection.status !== 'connected') throw new ConnectionNotConnected(connection.status, connection.status_reason);
  return connection;
}

async function checkCustomerType(deps: SetupDeps, companyId: string, customerTypeId: string) {
  if (!(await findCompanyCustomerType(deps.db, companyId, customerTypeId))) throw new UnknownReference('customer type');
}

/** The group must exist in the tenant: its display name and user count come back to the admin. */
async function checkGroup(deps: SetupDeps, connection: DirectoryConnection, groupId: string) {
  const group = await directoryProviderFor(deps, connection).lookupGroup(groupId);
  if (!group.found) {
    if (group.reason === 'not_found') throw new GroupNotFound(groupId);
    throw new DirectoryUnavailable(groupId, group.message);
  }
  return group;
}

/** The mapping and customer-type rules of a body, checked against the connection's directory (issue 16). */
async function checkedMappingSettings(deps: SetupDeps, connection: DirectoryConnection, body: MappingSettingsInput) {
  return checkMappingSettings(deps, {
    companyId: connection.company_id,
    provider: connection.provider,
    body,
    groupExists: async (groupId) => {
      try {
        await checkGroup(deps, connection, groupId);
        return true;
      } catch (err) {
        if (err instanceof GroupNotFound) return false;
        throw err;
      }
    },
  });
}

async function mappingColumns(deps: SetupDeps, connection: DirectoryConnection, body: MappingSettingsInput) {
  if (body.mapping === undefined && body.customerTypeRules === undefined) return {};
  return mappingSettingsColumns(await checkedMappingSettings(deps, connection, body));
}

/** Ten sample members under the saved and the proposed mapping and rules; checked as a save, nothing saved. */
export async function previewSetupMapping(deps: SetupDeps, setup: SyncSetup, body: MappingSettingsInput) {
  const connection = await connectedConnection(deps, setup.company_id, setup.connection_id);
  const proposal = await checkedMappingSettings(deps, connection, body);
  const provider = directoryProviderFor(deps, connection);
  try {
    return await previewMapping(provider, setup, connection, proposal);
  } catch (err) {
    throw new PreviewUnavailable(provider.classify(err).message);
  }
}

/** The LDAP path and filter must be usable by the connection's directory: refused on save, naming where. */
function checkScope(
  connection: DirectoryConnection,
  body: { groupId?: string; ldapPath?: string | null; ldapFilter?: string | null },
): void {
  const group = body.groupId === undefined ? null : groupIdProblem(connection.provider, body.groupId);
  const problems = [...(group ? [group] : []), ...setupScopeProblems(connection.provider, body)];
  if (problems.length > 0)
    throw new SettingsRefused(
      true,
      problems.map((p) => ({
        field: p.field,
        reason: p.message,
        ...('offset' in p && typeof p.offset === 'number' ? { position: p.offset } : {}),
      })),
    );
}

/** The one place a setup's unique violation becomes the domain's refusal. */
function conflictOnDuplicate(err: unknown): never {
  if (isUniqueViolation(err, 'sync_setups_one_per_group')) throw new SetupExists();
  throw err;
}

export async function createSetup(deps: SetupDeps, companyId: string, input: NewSetupInput) {
  const connection = await connectedConnection(deps, companyId, input.connectionId);
  await checkCustomerType(deps, companyId, input.customerTypeId);
  checkScope(connection, input);
  const group = await checkGroup(deps, connection, input.groupId);
  const mapping = await mappingColumns(deps, connection, input);
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
      group_id: input.groupId,
      customer_type_id: input.customerTypeId,
      // AD has no onPremisesSamAccountName/mailNickname: its initials are the account name
      ...(connection.provider === 'ldap' ? { initials_attributes: ['sAMAccountName'] } : {}),
      ...setupColumns(input),
      ...mapping,
    });
  } catch (err) {
    conflictOnDuplicate(err);
  }
  await reconcileSchedule(deps, setup.id);
  return { setup, group: { id: group.id, displayName: group.displayName, userCount: group.userCount } };
}

export async function changeSetup(deps: SetupDeps, current: SyncSetup, change: SetupChange) {
  if (change.customerTypeId) await checkCustomerType(deps, current.company_id, change.customerTypeId);
  if (change.groupId !== undefined || change.ldapPath !== undefined || change.ldapFilter !== undefined) {
    const connection = await findCompanyConnection(deps.db, current.company_id, current.connection_id);
    if (connection)
      checkScope(connection, {
        groupId: change.groupId,
        ldapPath: change.ldapPath === undefined ? current.ldap_path : change.ldapPath,
        ldapFilter: change.ldapFilter === undefined ? current.ldap_filter : change.ldapFilter,
      });
  }
  let groupDisplayName: string | undefined;
  if (change.groupId && change.groupId !== current.group_id) {
    const connection = await connectedConnection(deps, current.company_id, current.connection_id);
    groupDisplayName = (await checkGroup(deps, connection, change.groupId)).displayName;
  }
  const mapping =
    change.mapping !== undefined || change.customerTypeRules !== undefined
      ? await mappingColumns(deps, await connectedConnection(deps, current.company_id, current.connection_id), change)
      : {};
  let setup: SyncSetup;
  try {
    setup = await updateSetup(deps.db, current.id, {
      ...setupColumns(change),
      ...mapping,
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
  // issue 16: a delta run plans only users that changed in the directory; a new mapping or new rules concern all
  if (!sameMapping(before.mapping, after.mapping)) changed.push('mapping');
  if (JSON.stringify(before.customer_type_rules) !== JSON.stringify(after.customer_type_rules))
    changed.push('customerTypeRules');
  return changed.length ? changed.join(', ') : null;
}

function statusReasonColumns(reason: StoredReason) {
  const { text, detail } = reasonColumns(reason);
  return { status_reason: text, status_reason_detail: detail };
}

export async function setSetupPaused(deps: SetupDeps, current: SyncSetup, paused: boolean) {
  const setup = await updateSetup(
    deps.db,
    current.id,
    paused
      ? { status: 'paused', ...statusReasonColumns(statusBecause.pausedByAdmin) }
      : { status: 'active', ...statusReasonColumns(null) },
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
 * running" (RunAlreadyActive naming that run) for API, admin pages and schedule alike.
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
    if (err instanceof RunAlreadyActiveError) throw new RunAlreadyActive(err.activeRunId);
    throw err;
  }
  const workflowId = manualRunWorkflowId(setup.id, runId);
  try {
    await deps.temporal.workflow.start(syncRunWorkflow, {
      workflowId,
      taskQueue: deps.config.temporal.taskQueue,
      // small setups' tasks first, fair between companies (the workflow refines it once it has read the members)
      priority: runPriority(await lastFullRunMembers(deps.db, setup.id), setup.company_id),
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
      error: statusBecause.runStartFailed(err instanceof Error ? err.message : String(err)),
      finishedAt: new Date(),
      phase: 'done',
    });
    throw err;
  }
  return runId;
}
