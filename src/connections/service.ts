import { createHash, randomBytes } from 'node:crypto';
import { entraKind } from '../directory/entra/kind.js';
import { WorkflowIdConflictPolicy, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import {
  consumeConsentState,
  expireConsentStates,
  findConsentState,
  insertConsentState,
} from '../db/repositories/consent-states.js';
import {
  countSetupsUsingConnection,
  deleteConnection,
  findConnection,
  insertConnection,
  setConnectionStatus,
} from '../db/repositories/connections.js';
import type { DirectoryConnection } from '../db/schema.js';
import { CompanyIdAttribute, ConnectionIdAttribute, TenantIdAttribute } from '../temporal/search-attributes.js';
import { onboardingWorkflow } from '../workflows/onboarding.js';
import {
  consentDecisionSignal,
  onboardingWorkflowId,
  type ConsentDecision,
  type OnboardingInput,
} from '../workflows/onboarding-messages.js';
import type { Logger } from '../logger.js';
import { findCompany } from '../db/repositories/companies.js';
import { tenantHeldByAnotherCompany } from '../db/repositories/tenant-shares.js';
import {
  buildSignInUrl,
  hashSecret,
  newPkcePair,
  proveTenantAdmin,
  SignInRefused,
} from '../directory/entra/admin-sign-in.js';
import { buildConsentUrl } from './consent-url.js';
import { tenantTakenReason } from './ownership.js';
import { isGuid } from './tenant-id.js';

export interface ConnectionDeps {
  db: Db;
  temporal: Client;
  config: Config;
  logger?: Logger;
}

/** Connections that may start a new consent attempt: every final state but `connected`. */
export const retryableStatuses = ['failed', 'consent_denied', 'consent_expired', 'consent_revoked'] as const;

function hashState(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

function onboardingInput(deps: ConnectionDeps, connection: DirectoryConnection): OnboardingInput {
  return {
    connectionId: connection.id,
    companyId: connection.company_id,
    tenantId: connection.tenant_id,
    consentTimeoutMs: deps.config.consentTimeoutMs,
  };
}

/**
 * Starting it twice (a retried request, a callback) finds the running workflow instead of failing. A new consent
 * attempt passes TERMINATE_EXISTING instead: the connection already holds its final status, so a run still open
 * is only finishing up and must not receive the new attempt's decision.
 */
function workflowOptions(
  deps: ConnectionDeps,
  connection: DirectoryConnection,
  onConflict: WorkflowIdConflictPolicy = WorkflowIdConflictPolicy.USE_EXISTING,
) {
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

/** Where a connection attempt starts: our own page saying what is being connected, before Microsoft's. */
export function confirmPageUrl(publicBaseUrl: string, state: string): string {
  return `${publicBaseUrl}/consent/start?state=${encodeURIComponent(state)}`;
}

/**
 * A new one-time state (only its hash is stored, bound to the connection and its company) valid as long as the
 * workflow waits, the workflow that waits for it, and the URL of our confirm page carrying it.
 */
async function beginConsent(
  deps: ConnectionDeps,
  db: Db,
  connection: DirectoryConnection,
  onConflict?: WorkflowIdConflictPolicy,
): Promise<string> {
  if (!deps.config.azure.identity) throw new Error('AZURE_CLIENT_ID is not configured');
  const state = randomBytes(24).toString('base64url');
  await insertConsentState(db, {
    stateHash: hashState(state),
    connectionId: connection.id,
    companyId: connection.company_id,
    expiresAt: new Date(Date.now() + deps.config.consentTimeoutMs),
  });
  await deps.temporal.workflow.start(onboardingWorkflow, workflowOptions(deps, connection, onConflict));
  return confirmPageUrl(deps.config.publicBaseUrl, state);
}

/** Refused before anything is stored: the tenant (named by GUID) is connected to another company. */
export class TenantTakenError extends Error {
  constructor(readonly tenantGuid: string) {
    super(tenantTakenReason(tenantGuid));
    this.name = 'TenantTakenError';
  }
}

/** Creates the connection and its first consent attempt; nothing is kept if the workflow cannot start. */
export async function createConnection(
  deps: ConnectionDeps,
  input: { companyId: string; tenantId: string; designation: string | null },
) {
  if (
    isGuid(input.tenantId) &&
    (await tenantHeldByAnotherCompany(deps.db, input.tenantId.toLowerCase(), input.companyId))
  ) {
    throw new TenantTakenError(input.tenantId.toLowerCase());
  }
  return deps.db.transaction().execute(async (trx) => {
    // Connections made here go through Microsoft's admin consent: they are Entra's.
    const connection = await insertConnection(trx, { ...input, provider: entraKind });
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

type Refusal = { ok: false; status: 400; reason: string };

/** A state we issued for `purpose`, unused and unexpired, with its connection; or why not. */
async function usableState(deps: ConnectionDeps, state: string | undefined, purpose: 'consent' | 'sign_in') {
  if (!state)
    return {
      ok: false,
      status: 400,
      reason: 'the response has no state; start the connection again from the admin page',
    } as Refusal;
  const stateHash = hashState(state);
  const stored = await findConsentState(deps.db, stateHash);
  if (!stored || stored.purpose !== purpose || !stored.company_id) {
    return {
      ok: false,
      status: 400,
      reason: 'this response does not belong to any connection attempt (unknown state)',
    } as Refusal;
  }
  if (stored.used_at)
    return {
      ok: false,
      status: 400,
      reason: 'this response was already used; start a new consent attempt if needed',
    } as Refusal;
  if (stored.expires_at.getTime() <= Date.now())
    return {
      ok: false,
      status: 400,
      reason: 'this consent attempt has expired; start a new consent attempt',
    } as Refusal;
  const connection = await findConnection(deps.db, stored.connection_id);
  if (!connection || connection.company_id !== stored.company_id) {
    return { ok: false, status: 400, reason: 'the connection of this consent attempt no longer exists' } as Refusal;
  }
  if (connection.status !== 'pending_consent') {
    return {
      ok: false,
      status: 400,
      reason: `this connection is ${connection.status}, not waiting for consent; start a new consent attempt`,
    } as Refusal;
  }
  return { ok: true as const, stateHash, stored, connection };
}

/** What our confirm page shows: the tenant as requested, the company, and Microsoft's admin-consent URL. */
export async function describeConsentAttempt(deps: ConnectionDeps, state: string | undefined) {
  const found = await usableState(deps, state, 'consent');
  if (!found.ok) return found;
  const identity = deps.config.azure.identity;
  if (!identity)
    return {
      ok: false,
      status: 400,
      reason: 'the Azure app identity is not configured on this service (AZURE_CLIENT_ID)',
    } as Refusal;
  const company = await findCompany(deps.db, found.connection.company_id);
  const microsoftUrl = buildConsentUrl({
    authorityHost: deps.config.azure.authorityHost,
    tenantId: found.connection.tenant_id,
    clientId: identity.clientId,
    publicBaseUrl: deps.config.publicBaseUrl,
    state: state!,
  });
  return { ok: true as const, connection: found.connection, companyName: company?.name ?? '', microsoftUrl };
}

export type CallbackResult =
  | { ok: true; connectionId: string; decision: ConsentDecision }
  | { ok: true; connectionId: string; signInUrl: string }
  | Refusal;

async function signal(deps: ConnectionDeps, connection: DirectoryConnection, decision: ConsentDecision) {
  await deps.temporal.workflow.signalWithStart(onboardingWorkflow, {
    ...workflowOptions(deps, connection),
    signal: consentDecisionSignal,
    signalArgs: [decision],
  });
}

/**
 * The admin-consent redirect. Its query parameters prove nothing (anyone can call this URL with a state they
 * hold): a denial ends the attempt, but `admin_consent=True` only moves it on to the OpenID Connect sign-in of
 * the person who consented, with a new one-time state, nonce and PKCE verifier bound to the same attempt.
 */
export async function acceptConsentCallback(
  deps: ConnectionDeps,
  query: Record<string, string | undefined>,
): Promise<CallbackResult> {
  const found = await usableState(deps, query.state, 'consent');
  if (!found.ok) return found;
  const { stateHash, stored, connection } = found;

  if (query.error) {
    if (!(await consumeConsentState(deps.db, stateHash)))
      return { ok: false, status: 400, reason: 'this response was already used or has expired' };
    const decision: ConsentDecision = {
      granted: false,
      error: query.error,
      description: query.error_description ?? '',
    };
    await signal(deps, connection, decision);
    return { ok: true, connectionId: connection.id, decision };
  }
  if (query.admin_consent?.toLowerCase() !== 'true') {
    return { ok: false, status: 400, reason: 'the consent response says neither admin_consent=True nor error' };
  }
  const tenant = query.tenant?.trim().toLowerCase();
  if (!tenant || !isGuid(tenant))
    return { ok: false, status: 400, reason: 'the consent response names no valid tenant' };
  if (isGuid(connection.tenant_id) && tenant !== connection.tenant_id.toLowerCase()) {
    return {
      ok: false,
      status: 400,
      reason: `consent was given in tenant ${tenant}, but this connection is for tenant ${connection.tenant_id}; sign in to the right tenant`,
    };
  }
  if (!(await consumeConsentState(deps.db, stateHash)))
    return { ok: false, status: 400, reason: 'this response was already used or has expired' };

  const signInState = randomBytes(24).toString('base64url');
  const nonce = randomBytes(24).toString('base64url');
  const pkce = newPkcePair();
  await insertConsentState(deps.db, {
    stateHash: hashState(signInState),
    connectionId: connection.id,
    companyId: connection.company_id,
    expiresAt: stored.expires_at,
    purpose: 'sign_in',
    nonceHash: hashSecret(nonce),
    codeVerifier: pkce.verifier,
  });
  try {
    const signInUrl = await buildSignInUrl(deps.config, {
      tenantRef: connection.tenant_id,
      state: signInState,
      nonce,
      codeChallenge: pkce.challenge,
    });
    return { ok: true, connectionId: connection.id, signInUrl };
  } catch (err) {
    // MSAL reads the tenant's OpenID configuration first: an unknown tenant ends here
    const detail =
      err instanceof SignInRefused
        ? err.message
        : ((err as { errorMessage?: string }).errorMessage ?? (err as Error).message);
    const reason = /not found|invalid_tenant|90002|endpoints_resolution/i.test(detail)
      ? `tenant '${connection.tenant_id}' was not found in Microsoft Entra ID: check the tenant ID (${detail.split(/\r?\n/)[0]})`
      : `the sign-in could not be started: ${detail.split(/\r?\n/)[0]}`;
    await consumeConsentState(deps.db, hashState(signInState));
    const decision: ConsentDecision = {
      granted: false,
      error: 'sign_in_unavailable',
      description: reason,
      status: 'failed',
    };
    await signal(deps, connection, decision);
    return { ok: true, connectionId: connection.id, decision };
  }
}

/**
 * The sign-in redirect (`/consent/signin?code=…&state=…`). The code is redeemed by our server with the attempt's
 * PKCE verifier; the ID token must be valid for this tenant, our app and this attempt's nonce, and name a user
 * with a role that can grant admin consent. Only then is "granted" signalled, with who signed in.
 */
export async function acceptSignInCallback(
  deps: ConnectionDeps,
  query: Record<string, string | undefined>,
): Promise<CallbackResult> {
  const found = await usableState(deps, query.state, 'sign_in');
  if (!found.ok) return found;
  const { stateHash, stored, connection } = found;
  if (!(await consumeConsentState(deps.db, stateHash)))
    return { ok: false, status: 400, reason: 'this response was already used or has expired' };

  let decision: ConsentDecision;
  if (query.error || !query.code) {
    const description = query.error_description ?? query.error ?? 'the sign-in returned no code';
    decision = { granted: false, error: query.error ?? 'no_code', description, status: 'failed' };
  } else {
    try {
      const admin = await proveTenantAdmin(deps.config, {
        tenantRef: connection.tenant_id,
        code: query.code,
        codeVerifier: stored.code_verifier ?? '',
        nonceHash: stored.nonce_hash ?? '',
      });
      decision = {
        granted: true,
        tenant: admin.tenantGuid,
        admin: { upn: admin.upn, objectId: admin.objectId, tenantGuid: admin.tenantGuid },
      };
    } catch (err) {
      // the state is spent: whatever went wrong ends this attempt with a reason instead of leaving it pending
      const refused =
        err instanceof SignInRefused
          ? err
          : new SignInRefused(
              `the sign-in could not be verified (${(err as Error).message}); start a new consent attempt`,
              'unavailable',
            );
      deps.logger?.warn({ connectionId: connection.id, kind: refused.kind }, 'admin sign-in refused');
      decision = { granted: false, error: refused.kind, description: refused.message, status: 'failed' };
    }
  }
  await signal(deps, connection, decision);
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
export async function removeConnection(
  deps: ConnectionDeps,
  connection: DirectoryConnection,
): Promise<{ blockingSetups: number }> {
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
