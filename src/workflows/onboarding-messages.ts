import { defineQuery, defineSignal } from '@temporalio/workflow';

/** What the consent callback learned from Microsoft's redirect (already checked against our one-time state). */
export type ConsentDecision =
  | { granted: true; tenant: string }
  | { granted: false; error: string; description: string };

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
