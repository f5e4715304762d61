import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who wants to hear that a Graph request is being retried (429, 503, 504 — the Graph client's retry handler waits
 * and tries again on its own). A run's activity listens while it reads, so the run can say it is waiting instead of
 * looking stuck: `progress.retrying = { attempt, reason, nextAttemptAt }`.
 */
export interface GraphRetry {
  /** 1 for the first retry of this request. */
  attempt: number;
  /** e.g. "Microsoft Graph answered 503 to GET /v1.0/groups/…" */
  reason: string;
  nextAttemptAt: Date;
}

export type GraphRetryListener = (retry: GraphRetry) => void;

const listeners = new AsyncLocalStorage<GraphRetryListener>();

/** Runs `work` with `listener` told about every retry of a Graph request made inside it. */
export function observeGraphRetries<T>(listener: GraphRetryListener, work: () => Promise<T>): Promise<T> {
  return listeners.run(listener, work);
}

export function reportGraphRetry(retry: GraphRetry): void {
  try {
    listeners.getStore()?.(retry);
  } catch {
    // a listener's failure never breaks the request it listens to
  }
}
