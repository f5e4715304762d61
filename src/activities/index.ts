import type { ActivityDeps } from './deps.js';
import { createNotificationActivities } from './notifications.js';
import { createOnboardingActivities } from './onboarding.js';
import { createSelfCheckActivities } from './self-check.js';
import { createSyncRunActivities } from './sync-run.js';

/**
 * All activities, built from their dependencies (samples-typescript's createActivities pattern). Workflows
 * import only the *type* of this, so no I/O code ever enters the workflow bundle.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createSelfCheckActivities(deps),
    ...createOnboardingActivities(deps),
    ...createSyncRunActivities(deps),
    ...createNotificationActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps };
// Types the workflows need from the activities' inputs and results (workflows import only activity types).
export type { ChunkLoopResult } from '../engine/apply-chunks.js';
export type { RunTrigger } from '../db/schema.js';
