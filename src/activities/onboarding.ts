import { ApplicationFailure } from '@temporalio/activity';
import { recordLdapVerification } from '../connections/ldap-connection.js';
import { directoryProviderFor } from '../directory/factory.js';
import type { ConnectionVerification } from '../directory/provider.js';
import { expireConsentStates } from '../db/repositories/consent-states.js';
import { findConnection, markConnectionConnected, setConnectionStatus } from '../db/repositories/connections.js';
import { pauseSetupsOfConnection } from '../db/repositories/setup-status.js';
import { recordAccessLostEvent } from '../db/repositories/events.js';
import { isUniqueViolation } from '../db/errors.js';
import type { ConnectionStatus } from '../db/schema.js';
import type { StoredReason } from '../db/stored-reason.js';
import { isReason, reasonText, type Reason } from '../sync/reasons.js';
import { statusBecause } from '../sync/status-reasons.js';
import type { ConsentingAdmin } from '../workflows/onboarding-messages.js';
import type { ActivityDeps } from './deps.js';

export interface ConnectionOutcome {
  status: ConnectionStatus;
  /** The English text of why (the workflow's result); the connection row holds it with its code. */
  reason: string | null;
  organizationName?: string;
}

/** The tenant a verification proved: what the connection is marked connected with. */
type VerifiedTenant = Parameters<typeof markConnectionConnected>[2];

type VerificationResult = { ok: true; tenant: VerifiedTenant } | Extract<ConnectionVerification, { ok: false }>;

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** What a verification proved, read back as the tenant a connection is marked connected with (checked, not cast). */
function verifiedTenantOf(facts: Record<string, unknown>): VerifiedTenant | null {
  const { tenantGuid, organizationName, verifiedDomains } = facts;
  if (!isText(tenantGuid) || !isText(organizationName)) return null;
  if (!Array.isArray(verifiedDomains) || !verifiedDomains.every(isText)) return null;
  return { tenantGuid, organizationName, verifiedDomains };
}

function textOf(reason: StoredReason): string | null {
  return isReason(reason) ? reasonText(reason) : reason;
}

/** A failed verification's reason as a code where the check said what failed (the tenant, consent, a permission). */
function verificationReason(result: Extract<VerificationResult, { ok: false }>, tenantId: string): Reason | string {
  const detail = result.detail ?? result.reason;
  switch (result.kind) {
    case 'tenant_not_found':
      return statusBecause.tenantNotFound(tenantId, detail);
    case 'consent_missing_or_revoked':
      return statusBecause.consentMissing(tenantId, detail);
    case 'invalid_client':
      return statusBecause.invalidClient(detail);
    case 'forbidden':
      return statusBecause.permissionMissing(detail);
    default:
      return result.reason;
  }
}

export function createOnboardingActivities(deps: ActivityDeps) {
  const { db, logger } = deps;
  async function verify(
    connectionId: string,
    consentedTenant?: string,
  ): Promise<{ connection: NonNullable<Awaited<ReturnType<typeof findConnection>>>; result: VerificationResult }> {
    const connection = await findConnection(db, connectionId);
    if (!connection)
      throw ApplicationFailure.nonRetryable(`connection ${connectionId} no longer exists`, 'ConnectionGone');
    const verification = await directoryProviderFor(deps, connection).verify({ consentedTenant });
    if (!verification.ok) return { connection, result: verification };
    const tenant = verifiedTenantOf(verification.facts);
    if (!tenant)
      return { connection, result: { ok: false, kind: 'unknown', reason: 'the directory verified no tenant' } };
    return { connection, result: { ok: true, tenant } };
  }

  /** Marks it connected unless the tenant is another company's (the database refuses that too, race-safe). */
  async function connect(
    connectionId: string,
    tenant: VerifiedTenant,
    admin?: ConsentingAdmin,
  ): Promise<ConnectionOutcome> {
    try {
      const row = await markConnectionConnected(db, connectionId, tenant, admin);
      if (!row) return { status: 'failed', reason: textOf(statusBecause.neverConnected) };
      logger.info({ connectionId, tenant: tenant.tenantGuid, admin: admin?.upn }, 'connection established');
      return { status: 'connected', reason: null, organizationName: row.organization_name ?? undefined };
    } catch (err) {
      let reason: Reason;
      if (isUniqueViolation(err, 'directory_connections_one_per_verified_tenant')) {
        reason = statusBecause.tenantConnectedTwice(tenant.tenantGuid, tenant.organizationName);
      } else if (isUniqueViolation(err, 'directory_connections_one_company_per_tenant')) {
        reason = statusBecause.tenantTaken(tenant.tenantGuid);
      } else {
        throw err;
      }
      await setConnectionStatus(db, connectionId, 'failed', reason);
      return { status: 'failed', reason: textOf(reason) };
    }
  }

  return {
    /** Moves a connection waiting for consent to a final consent state (denied or expired). */
    async recordConsentOutcome(input: {
      connectionId: string;
      status: 'consent_denied' | 'consent_expired' | 'failed';
      reason: Reason | string;
    }): Promise<ConnectionOutcome> {
      await expireConsentStates(db, input.connectionId);
      const row = await setConnectionStatus(db, input.connectionId, input.status, input.reason, {
        onlyFrom: ['pending_consent'],
      });
      logger.info({ connectionId: input.connectionId, status: input.status }, 'connection consent outcome');
      return { status: row?.status ?? input.status, reason: textOf(input.reason) };
    },

    async markVerifying(connectionId: string): Promise<void> {
      await setConnectionStatus(db, connectionId, 'verifying', null, { onlyFrom: ['pending_consent', 'verifying'] });
    },

    /**
     * After consent and the admin's sign-in: proves the tenant (the one the admin signed in to) and the grants,
     * then marks the connection connected or failed. Without a proven admin nothing is connected.
     */
    async verifyConnection(input: {
      connectionId: string;
      consentedTenant?: string;
      admin?: ConsentingAdmin;
    }): Promise<ConnectionOutcome> {
      if (!input.admin) {
        const reason = statusBecause.noAdminSignIn;
        await setConnectionStatus(db, input.connectionId, 'failed', reason);
        return { status: 'failed', reason: textOf(reason) };
      }
      const { connection, result } = await verify(input.connectionId, input.admin.tenantGuid);
      if (!result.ok) {
        const reason = verificationReason(result, connection.tenant_id);
        await setConnectionStatus(db, input.connectionId, 'failed', reason);
        logger.warn({ connectionId: input.connectionId, kind: result.kind }, 'connection verification failed');
        return { status: 'failed', reason: textOf(reason) };
      }
      return connect(input.connectionId, result.tenant, input.admin);
    },

    /**
     * Re-checks an established connection. Lost consent (revoked, or the app deleted from the tenant) moves it
     * to consent_revoked and pauses its setups, with the reason, instead of letting syncs fail silently.
     */
    async checkConnection(input: { connectionId: string }): Promise<ConnectionOutcome> {
      const current = await findConnection(db, input.connectionId);
      // An ldap connection has no consent or admin sign-in: each check is its whole verification.
      if (current?.provider === 'ldap')
        return recordLdapVerification(deps, current, await directoryProviderFor(deps, current).verify());
      if (current && !current.admin_verified_at) {
        // only a completed admin sign-in connects; a re-check never turns a never-connected connection into one
        return { status: current.status, reason: current.status_reason ?? textOf(statusBecause.neverConnected) };
      }
      const { connection, result } = await verify(input.connectionId);
      if (result.ok) return connect(input.connectionId, result.tenant);
      // Revoked consent shows either at the token endpoint (app removed from the tenant) or as 403 on reads that
      // worked before (the app is still there, its permissions are not): both mean the consent is gone.
      if (result.kind === 'consent_missing_or_revoked' || result.kind === 'forbidden') {
        const checked = verificationReason(result, connection.tenant_id);
        const reason = result.kind === 'forbidden' ? statusBecause.consentRevoked(checked) : checked;
        await recordAccessLost({ db, logger }, connection.id, reason);
        return { status: 'consent_revoked', reason: textOf(reason) };
      }
      const reason = verificationReason(result, connection.tenant_id);
      await setConnectionStatus(db, input.connectionId, 'failed', reason);
      return { status: 'failed', reason: textOf(reason) };
    },
  };
}

/** Lost access: the connection says why, and its setups pause until someone fixes the consent. */
export async function recordAccessLost(
  deps: Pick<ActivityDeps, 'db' | 'logger'>,
  connectionId: string,
  reason: Reason | string,
): Promise<void> {
  // one transaction: nobody sees a revoked connection whose setups still look active
  const paused = await deps.db.transaction().execute(async (tx) => {
    await recordAccessLostEvent(tx, connectionId, textOf(reason) ?? ''); // feed/outbox row, once per loss
    await setConnectionStatus(tx, connectionId, 'consent_revoked', reason);
    return pauseSetupsOfConnection(tx, connectionId, statusBecause.pausedWithConnection(reason));
  });
  deps.logger.warn({ connectionId, pausedSetups: paused }, 'directory access lost; setups paused');
}
