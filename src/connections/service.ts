import { createHash, randomBytes } from 'node:crypto';
import { entraKind } from '../directory/entra/kind.js';
import { WorkflowIdConflictPolicy, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { isUniqueViolation } from '../db/errors.js';
import { NotConfigured, TenantAlreadyConnected, TenantTaken } from '../domain/errors.js';
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
import { reasonText, type Reason } from '../sync/reasons.js';
import { statusBecause } from '../sync/status-reasons.js';
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

/**
 * Creates the connection and its first consent attempt; nothing is kept if the workflow cannot start. Refused
 * before anything is stored: no Azure app identity (NotConfigured), a tenant (named by GUID) connected to another
 * company (TenantTaken), a tenant this company has already connected (TenantAlreadyConnected).
 */
export async function createConnection(
  deps: ConnectionDeps,
  input: { companyId: string; tenantId: string; designation: string | null },
) {
  if (!deps.config.azure.identity)
    throw new NotConfigured('the Azure app identity is not configured on this service (AZURE_CLIENT_ID)');
  const tenantGuid = input.tenantId.toLowerCase();
  if (isGuid(input.tenantId) && (await tenantHeldByAnotherCompany(deps.db, tenantGuid, input.companyId))) {
    throw new TenantTaken(tenantGuid, reasonText(statusBecause.tenantTaken(tenantGuid)));
  }
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const connection = await insertConnection(trx, { ...input, provider: entraKind });
      const consentUrl = await beginConsent(deps, trx, connection);
      return { connection, consentUrl };
    });
  } catch (err) {
    if (isUniqueViolation(err, 'directory_connections_one_per_tenant'))
      throw new TenantAlreadyConnected(input.tenantId);
    throw err;
  }
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

/** A consent or sign-in response we refuse: its English text (logs) and its code (the page in the reader's language). */
type Refusal = { ok: false; status: 400; reason: string; detail: Reason };

function refuse(detail: Reason): Refusal {
  return { ok: false, status: 400, reason: reasonText(detail), detail };
}

/** A state we issued for `purpose`, unused and unexpired, with its connection; or why not. */
async function usableState(deps: ConnectionDeps, state: string | undefined, purpose: 'consent' | 'sign_in') {
  if (!state) return refuse(statusBecause.stateMissing);
  const stateHash = hashState(state);
  const stored = await findConsentState(deps.db, stateHash);
  if (!stored || stored.purpose !== purpose || !stored.company_id) {
    return refuse(statusBecause.stateUnknown);
  }
  if (stored.used_at) return refuse(statusBecause.stateUsed);
  if (stored.expires_at.getTime() <= Date.now()) return refuse(statusBecause.stateExpired);
  const connection = await findConnection(deps.db, stored.connection_id);
  if (!connection || connection.company_id !== stored.company_id) {
    return refuse(statusBecause.attemptConnectionGone);
  }
  if (connection.status !== 'pending_consent') {
    return refuse(statusBecause.notAwaitingConsent(connection.status));
  }
  return { ok: true as const, stateHash, stored, connection };
}

/** What our confirm page shows: the tenant as requested, the company, and Microsoft's admin-consent URL. */
export async function describeConsentAttempt(deps: ConnectionDeps, state: string | undefined) {
  const found = await usableState(deps, state, 'consent');
  if (!found.ok) return found;
  const identity = deps.config.azure.identity;
  if (!identity) return refuse(statusBecause.appIdentityMissing);
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
    if (!(await consumeConsentState(deps.db, stateHash))) return refuse(statusBecause.responseSpent);
    const decision: ConsentDecision = {
      granted: false,
      error: query.error,
      description: query.error_description ?? '',
    };
    await signal(deps, connection, decision);
    return { ok: true, connectionId: connection.id, decision };
  }
  if (query.admin_consent?.toLowerCase() !== 'true') {
    return refuse(statusBecause.consentResponseUnclear);
  }
  const tenant = query.tenant?.trim().toLowerCase();
  if (!tenant || !isGuid(tenant)) return refuse(statusBecause.consentTenantMissing);
  if (isGuid(connection.tenant_id) && tenant !== connection.tenant_id.toLowerCase()) {
    return refuse(statusBecause.consentWrongTenant(tenant, connection.tenant_id));
  }
  if (!(await consumeConsentState(deps.db, stateHash))) return refuse(statusBecause.responseSpent);

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
    const firstLine = detail.split(/\r?\n/)[0] ?? '';
    const coded = /not found|invalid_tenant|90002|endpoints_resolution/i.test(detail)
      ? statusBecause.tenantNotFoundAtSignIn(connection.tenant_id, firstLine)
      : undefined;
    await consumeConsentState(deps.db, hashState(signInState));
    const decision: ConsentDecision = {
      granted: false,
      error: 'sign_in_unavailable',
      description: coded ? reasonText(coded) : `the sign-in could not be started: ${firstLine}`,
      status: 'failed',
      ...(coded ? { detail: coded } : {}),
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
  if (!(await consumeConsentState(deps.db, stateHash))) return refuse(statusBecause.responseSpent);

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
      decision = {
        granted: false,
        error: refused.kind,
        description: refused.message,
        status: 'failed',
        ...(refused.detail ? { detail: refused.detail } : {}),
      };
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
