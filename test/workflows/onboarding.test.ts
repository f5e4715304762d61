import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities/index.js';
import { reasonText } from '../../src/sync/reasons.js';
import { statusBecause } from '../../src/sync/status-reasons.js';
import { onboardingPhaseQuery } from '../../src/workflows/onboarding-messages.js';
import { onboardingWorkflow } from '../../src/workflows/onboarding.js';
import { startStubWorker, type StubWorker } from './stub-worker.js';

/**
 * The onboarding workflow alone with stub activities: the consent timeout comes from the input (consentTimeoutMs),
 * so the expiry path takes a second instead of the configured hour.
 */
const outcomes: Parameters<Activities['recordConsentOutcome']>[0][] = [];
const unexpected: string[] = [];

const stubs: Partial<Activities> = {
  async recordConsentOutcome(input) {
    outcomes.push(input);
    return { status: input.status, reason: typeof input.reason === 'string' ? input.reason : reasonText(input.reason) };
  },
  async markVerifying(connectionId) {
    unexpected.push(`markVerifying ${connectionId}`);
  },
  async verifyConnection(input) {
    unexpected.push(`verifyConnection ${input.connectionId}`);
    return { status: 'connected', reason: null };
  },
};

let stub: StubWorker;

beforeAll(async () => {
  stub = await startStubWorker(stubs);
});

afterAll(async () => {
  await stub?.close();
});

describe('onboarding workflow with stub activities', () => {
  it('expires the connection when no consent decision arrives within consentTimeoutMs', async () => {
    const connectionId = `connection-${Date.now()}`;
    const handle = await stub.env.client.workflow.start(onboardingWorkflow, {
      workflowId: `onboarding-test-${connectionId}`,
      taskQueue: stub.taskQueue,
      args: [
        {
          connectionId,
          companyId: 'company-1',
          tenantId: '00000000-0000-0000-0000-000000000001',
          consentTimeoutMs: 1000,
        },
      ],
    });
    expect(await handle.query(onboardingPhaseQuery)).toBe('awaiting_consent');
    const outcome = await handle.result();

    expect(outcome).toEqual({
      status: 'consent_expired',
      reason: expect.stringContaining('no admin consent arrived in time'),
    });
    expect(outcomes).toEqual([{ connectionId, status: 'consent_expired', reason: statusBecause.consentTimedOut }]);
    expect(unexpected).toEqual([]); // nothing was verified
    expect(await handle.query(onboardingPhaseQuery)).toBe('done');
  });
});
