import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who wants to hear that a directory request is being retried inside a provider's client (Graph's retry handler on
 * 429, 503, 504 waits and tries again on its own). A run's activity listens while it reads, so the run can say it is
 * waiting instead of looking stuck: `progress.retrying = { attempt, reason, nextAttemptAt }`. Provider-neutral: any
 * provider under src/directory/ may report here.
 */
export interface DirectoryRetry {
  /** 1 for the first retry of this request. */
  attempt: number;
  /** e.g. "Microsoft Graph answered 503 to GET /v1.0/groups/…" */
  reason: string;
  nextAttemptAt: Date;
}

export type DirectoryRetryListener = (retry: DirectoryRetry) => void;

const listeners = new AsyncLocalStorage<DirectoryRetryListener>();

/** Runs `work` with `listener` told about every retry of a directory request made inside it. */
export function observeDirectoryRetries<T>(listener: DirectoryRetryListener, work: () => Promise<T>): Promise<T> {
  return listeners.run(listener, work);
}

export function reportDirectoryRetry(retry: DirectoryRetry): void {
  try {
    listeners.getStore()?.(retry);
  } catch {
    // a listener's failure never breaks the request it listens to
  }
}
