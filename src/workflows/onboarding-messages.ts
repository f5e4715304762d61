import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { Reason } from '../sync/reasons.js';

/** What the consent callback learned from Microsoft's redirect (already checked against our one-time state). */
export type ConsentDecision =
  | { granted: true; tenant: string; admin?: ConsentingAdmin }
  /**
   * `status: 'failed'`: not a decision of the admin but a refusal of ours (not an admin, wrong tenant, bad token);
   * `detail` is the refusal as a code when it has one (src/sync/status-reasons.ts), `description` its English text.
   */
  | { granted: false; error: string; description: string; status?: 'failed'; detail?: Reason };

/** The tenant admin who signed in (ID token validated, admin role checked) before the decision was signalled. */
export interface ConsentingAdmin {
  upn: string;
  objectId: string;
  tenantGuid: string;
}

export const consentDecisionSignal = defineSignal<[ConsentDecision]>('consentDecision');

export type OnboardingPhase = 'awaiting_consent' | 'verifying' | 'done';
export const onboardingPhaseQuery = defineQuery<OnboardingPhase>('phase');

export interface OnboardingInput {
  connectionId: string;
  companyId: string;
  tenantId: string;
  consentTimeoutMs: number;
}

export function onboardingWorkflowId(connectionId: string): string {
  return `onboarding-${connectionId}`;
}

export function connectionCheckWorkflowId(connectionId: string): string {
  return `connection-check-${connectionId}`;
}
