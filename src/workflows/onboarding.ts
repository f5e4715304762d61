import { condition, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ConnectionOutcome } from '../activities/onboarding.js';
import { statusBecause } from '../sync/status-reasons.js';
import { ConnectionStatusAttribute } from '../temporal/search-attributes.js';
import {
  consentDecisionSignal,
  onboardingPhaseQuery,
  type ConsentDecision,
  type OnboardingInput,
  type OnboardingPhase,
} from './onboarding-messages.js';

const { recordConsentOutcome, markVerifying } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

// Verification talks to Entra ID and Graph: transient failures (503, throttling, network) retry with backoff;
// answers a person must act on come back as a 'failed' outcome, not as an exception.
const { verifyConnection, checkConnection } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2s', maximumInterval: '1 minute', maximumAttempts: 10 },
});

/**
 * One per connection attempt: waits for the admin's consent decision (signalled by the consent callback) for at
 * most the configured timeout, then verifies the tenant. The connection row is the source of truth; the
 * workflow also carries the status as a search attribute for the Web UI.
 */
export async function onboardingWorkflow(input: OnboardingInput): Promise<ConnectionOutcome> {
  let decision: ConsentDecision | undefined;
  let phase: OnboardingPhase = 'awaiting_consent';
  setHandler(consentDecisionSignal, (d) => {
    decision ??= d; // the first decision counts; a replayed callback cannot change it
  });
  setHandler(onboardingPhaseQuery, () => phase);
  const publish = (status: string) => upsertSearchAttributes([{ key: ConnectionStatusAttribute, value: status }]);
  publish('pending_consent');

  const arrived = await condition(() => decision !== undefined, input.consentTimeoutMs);
  let outcome: ConnectionOutcome;
  if (!arrived || !decision) {
    outcome = await recordConsentOutcome({
      connectionId: input.connectionId,
      status: 'consent_expired',
      reason: statusBecause.consentTimedOut,
    });
  } else if (!decision.granted) {
    outcome = await recordConsentOutcome(
      decision.status === 'failed'
        ? {
            connectionId: input.connectionId,
            status: 'failed',
            reason: statusBecause.signInRefused(decision.detail ?? decision.description),
          }
        : {
            connectionId: input.connectionId,
            status: 'consent_denied',
            reason: statusBecause.consentNotGranted(decision.description || decision.error),
          },
    );
  } else {
    phase = 'verifying';
    publish('verifying');
    await markVerifying(input.connectionId);
    outcome = await verifyConnection({
      connectionId: input.connectionId,
      consentedTenant: decision.tenant,
      admin: decision.admin,
    });
  }
  phase = 'done';
  publish(outcome.status);
  return outcome;
}

/** Re-checks an established connection on demand (the API's "test connection"). */
export async function connectionCheckWorkflow(input: { connectionId: string }): Promise<ConnectionOutcome> {
  const outcome = await checkConnection(input);
  upsertSearchAttributes([{ key: ConnectionStatusAttribute, value: outcome.status }]);
  return outcome;
}
