import { createHash, randomBytes } from 'node:crypto';
import { WorkflowIdConflictPolicy, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { consumeConsentState, expireConsentStates, findConsentState, insertConsentState } from '../db/repositories/consent-states.js';
import { countSetupsUsingConnection, deleteConnection, findConnection, insertConnection, setConnectionStatus } from '../db/repositories/connections.js';
import type { DirectoryConnection } from '../db/schema.js';
import { CompanyIdAttribute, ConnectionIdAttribute, TenantIdAttribute } from '../temporal/search-attributes.js';
import { onboardingWorkflow } from '../workflows/onboarding.js';
import { consentDecisionSignal, onboardingWorkflowId, type ConsentDecision, type OnboardingInput } from '../workflows/onboarding-messages.js';
import { buildConsentUrl } from './consent-url.js';
import { isGuid } from './tenant-id.js';

export interface ConnectionDeps {
  db: Db;
  temporal: Client;
  config: Config;
}

/** Connections that may start a new consent attempt: every final state but `connected`. */
export const retryableStatuses = ['failed', 'consent_denied', 'consent_expired', 'consent_revoked'] as const;

function hashState(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

function onboardingInput(deps: ConnectionDeps, connection: DirectoryConnection): OnboardingInput {
  return { connectionId: connection.id, companyId: connection.company_id, tenantId: connection.tenant_id, consentTimeoutMs: deps.config.consentTimeoutMs };
}

/**
 * Starting it twice (a retried request, a callback) finds the running workflow instead of failing. A new consent
 * attempt passes TERMINATE_EXISTING instead: the connection already holds its final status, so a run still open
 * is only finishing up and must not receive the new attempt's decision.
 */
function workflowOptions(deps: ConnectionDeps, connection: DirectoryConnection, onConflict: WorkflowIdConflictPolicy = WorkflowIdConflictPolicy.USE_EXISTING) {
  return {
    workflowId: onboardingWorkflowId(connection.id),
    taskQueue: deps.config.temporal.taskQueue,
    args: [onboardingInput(deps, connection)] as [OnboardingInput],
    workflowIdConflictPolicy: onConflict,
    typedSearchAttributes: [
      { key: CompanyIdAttribute, value: connection.company_id },
      { key: ConnectionIdAttribute, value: connection.id },
      { key: TenantIdAttribute, value: connection.tenant_id },
    ],
  };
}

/**
 * A new one-time state (only its hash is stored) valid as long as the workflow waits, the workflow that waits
 * for it, and the URL of Microsoft's consent page carrying it.
 */
async function beginConsent(deps: ConnectionDeps, db: Db, connection: DirectoryConnection, onConflict?: WorkflowIdConflictPolicy): Promise<string> {
  const identity = deps.config.azure.identity;
  if (!identity) throw new Error('AZURE_CLIENT_ID is not configured');
  const state = randomBytes(24).toString('base64url');
  await insertConsentState(db, { stateHash: hashState(state), connectionId: connection.id, expiresAt: new Date(Date.now() + deps.config.consentTimeoutMs) });
  await deps.temporal.workflow.start(onboardingWorkflow, workflowOptions(deps, connection, onConflict));
  return buildConsentUrl({ authorityHost: deps.config.azure.authorityHost, tenantId: connection.tenant_id, clientId: identity.clientId, publicBaseUrl: deps.config.publicBaseUrl, state });
}

/** Creates the connection and its first consent attempt; nothing is kept if the workflow cannot start. */
export async function createConnection(deps: ConnectionDeps, input: { companyId: string; tenantId: string; designation: string | null }) {
  return deps.db.transaction().execute(async (trx) => {
    const connection = await insertConnection(trx, input);
    const consentUrl = await beginConsent(deps, trx, connection);
    return { connection, consentUrl };
  });
}

/** A new consent attempt for a connection that failed, expired, was denied or lost its consent. */
export async function restartConsent(deps: ConnectionDeps, connection: DirectoryConnection) {
  return deps.db.transaction().execute(async (trx) => {
    await expireConsentStates(trx, connection.id);
    const updated = await setConnectionStatus(trx, connection.id, 'pending_consent', null);
    const consentUrl = await beginConsent(deps, trx, updated!, WorkflowIdConflictPolicy.TERMINATE_EXISTING);
    return { connection: updated!, consentUrl };
  });
}

export type CallbackResult =
  | { ok: true; connectionId: string; decision: ConsentDecision }
  | { ok: false; status: 400; reason: string };

/**
 * The admin-consent redirect. The state must be one we issued, unused and unexpired; a tenant that differs from
 * the requested GUID is refused before anything changes. Only then is the state spent and the decision
 * signalled (signal-with-start: if the workflow was never started, it starts now).
 */
export async function acceptConsentCallback(deps: ConnectionDeps, query: Record<string, string | undefined>): Promise<CallbackResult> {
  const state = query.state;
  if (!state) return { ok: false, status: 400, reason: 'the consent response has no state; start the connection again from the admin page' };
  const stateHash = hashState(state);
  const stored = await findConsentState(deps.db, stateHash);
  if (!stored) return { ok: false, status: 400, reason: 'this consent response does not belong to any connection attempt (unknown state)' };
  if (stored.used_at) return { ok: false, status: 400, reason: 'this consent response was already used; start a new consent attempt if needed' };
  if (stored.expires_at.getTime() <= Date.now()) return { ok: false, status: 400, reason: 'this consent attempt has expired; start a new consent attempt' };
  const connection = await findConnection(deps.db, stored.connection_id);
  if (!connection) return { ok: false, status: 400, reason: 'the connection of this consent attempt no longer exists' };

  let decision: ConsentDecision;
  if (query.error) {
    decision = { granted: false, error: query.error, description: query.error_description ?? '' };
  } else if (query.admin_consent?.toLowerCase() === 'true') {
    const tenant = query.tenant?.trim().toLowerCase();
    if (!tenant || !isGuid(tenant)) return { ok: false, status: 400, reason: 'the consent response names no valid tenant' };
    if (isGuid(connection.tenant_id) && tenant !== connection.tenant_id.toLowerCase()) {
      return { ok: false, status: 400, reason: `consent was given in tenant ${tenant}, but this connection is for tenant ${connection.tenant_id}; sign in to the right tenant` };
    }
    decision = { granted: true, tenant };
  } else {
    return { ok: false, status: 400, reason: 'the consent response says neither admin_consent=True nor error' };
  }

  if (!(await consumeConsentState(deps.db, stateHash))) {
    return { ok: false, status: 400, reason: 'this consent response was already used or has expired' };
  }
  await deps.temporal.workflow.signalWithStart(onboardingWorkflow, {
    ...workflowOptions(deps, connection),
    signal: consentDecisionSignal,
    signalArgs: [decision],
  });
  return { ok: true, connectionId: connection.id, decision };
}

/** Waits up to `timeoutMs` for the onboarding outcome, so the admin lands on a page that says how it went. */
export async function awaitOnboardingOutcome(deps: ConnectionDeps, connectionId: string, timeoutMs: number) {
  const handle = deps.temporal.workflow.getHandle(onboardingWorkflowId(connectionId));
  const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeoutMs).unref());
  return Promise.race([handle.result().catch(() => undefined), timeout]);
}

/**
 * Deletes a connection unless setups use it; returns how many setups block it (0 = deleted). An onboarding still
 * waiting for consent has nothing left to wait for, so it is ended first.
 */
export async function removeConnection(deps: ConnectionDeps, connection: DirectoryConnection): Promise<{ blockingSetups: number }> {
  const blockingSetups = await countSetupsUsingConnection(deps.db, connection.id);
  if (blockingSetups > 0) return { blockingSetups };
  await deps.temporal.workflow
    .getHandle(onboardingWorkflowId(connection.id))
    .terminate('connection deleted')
    .catch((err) => {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    });
  await deleteConnection(deps.db, connection.id);
  return { blockingSetups: 0 };
}
