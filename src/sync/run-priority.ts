/**
 * Which sync work Temporal hands to a worker first when tasks wait in the task queue (Temporal's task-queue
 * priority and fairness; see the README, "Many companies at once"). Small runs go first: many of them finish in
 * the time one big run takes, so running them ahead of it costs the big one little and spares each small one
 * waiting behind the big one's batches. Within a priority, the fairness key (the company) shares dispatch
 * evenly between companies, so one company's many setups cannot crowd out the others.
 *
 * Shaped like Temporal's `Priority` (priorityKey 1 = first … 5 = last, 3 = the server's default) without
 * importing it: this module is part of the pure planner.
 */
export interface RunPriority {
  priorityKey: number;
  fairnessKey?: string;
}

/** The server's default priority key (the middle of 1…5): what a run gets when its size is unknown. */
export const defaultPriorityKey = 3;

/**
 * Member count → priority key, by decade: under 1,000 → 1, under 10,000 → 2, under 100,000 → 4, larger → 5.
 * Unknown (a setup's first run) → 3, between the small and the large ones: it may be either.
 */
export function priorityKeyForMembers(members: number | null | undefined): number {
  if (members === null || members === undefined || !Number.isFinite(members) || members < 0) return defaultPriorityKey;
  if (members < 1_000) return 1;
  if (members < 10_000) return 2;
  if (members < 100_000) return 4;
  return 5;
}

/** Temporal limits fairness keys to 64 bytes; company ids (UUIDs, 36) fit, anything longer is cut to fit. */
const maxFairnessKeyBytes = 64;

/** The priority of a run's tasks: by its expected member count, fair between companies. */
export function runPriority(members: number | null | undefined, companyId: string): RunPriority {
  return { priorityKey: priorityKeyForMembers(members), fairnessKey: fitFairnessKey(companyId) };
}

function fitFairnessKey(key: string): string {
  let fitted = key;
  while (new TextEncoder().encode(fitted).length > maxFairnessKeyBytes) fitted = fitted.slice(0, -1);
  return fitted;
}
