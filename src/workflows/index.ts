// The workflow bundle's entry point: every workflow the worker can run.
export { selfCheckWorkflow } from './self-check.js';
export { onboardingWorkflow, connectionCheckWorkflow } from './onboarding.js';
export { syncRunWorkflow } from './sync-run.js';
export { notificationDeliveryWorkflow } from './notification-delivery.js';
