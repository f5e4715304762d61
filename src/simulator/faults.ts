import { SimulatorError } from './simulator-error.js';

/** Limits a fault to requests whose path and query contain this text (case-insensitive), e.g. `transitiveMembers`. */
interface Matching {
  match?: string;
}

export type ThrottleFault = Matching & { retryAfterSeconds?: number } & (
    | { mode: 'burst'; /** the next N requests */ count: number }
    | { mode: 'rate'; /** at most `limit` requests per window */ limit: number; windowMs: number }
  );

export interface FaultSettings {
  /** 429 TooManyRequests with Retry-After, as Graph throttles. */
  throttle?: ThrottleFault;
  /** 500/502/503/504 for the next N requests (503 and 504 are what Graph's retry handler retries). */
  serverErrors?: Matching & { status: 500 | 502 | 503 | 504; count: number; retryAfterSeconds?: number };
  /** Answer late; without `count` every request. */
  slow?: Matching & { delayMs: number; count?: number };
  /** Destroy the TCP connection instead of answering, for the next N requests. */
  dropConnections?: Matching & { count: number };
  /**
   * The next N member pages answer 200 with no members. `keepNextLink` keeps paging going (Graph may
   * send empty pages mid-list); without it the group looks empty, which a sync must not take as truth.
   */
  emptyMemberPages?: Matching & { count: number; keepNextLink?: boolean };
  /**
   * The next N answers that carry an `@odata.nextLink` or `@odata.deltaLink` point it somewhere else: the same
   * path and query under `url` (default `https://graph.attacker.example/v1.0/`). What a compromised proxy or
   * a tampered answer would do; a client must not follow (or store) it.
   */
  foreignNextLink?: Matching & { count: number; url?: string };
  /** Groups that answer 404 Request_ResourceNotFound as if deleted, until the fault is cleared. */
  vanishedGroups?: string[];
}

export type FaultDecision =
  | { action: 'pass'; delayMs: number }
  | { action: 'drop'; delayMs: number }
  | { action: 'throttle'; delayMs: number; retryAfterSeconds: number }
  | { action: 'error'; delayMs: number; status: number; retryAfterSeconds: number | undefined };

interface TenantFaults {
  settings: FaultSettings;
  rateWindow: { startedAt: number; count: number };
}

function matches(fault: Matching | undefined, target: string): boolean {
  return !!fault && (!fault.match || target.toLowerCase().includes(fault.match.toLowerCase()));
}

function validate(settings: FaultSettings): FaultSettings {
  const counts = [
    settings.throttle?.mode === 'burst' ? settings.throttle.count : 0,
    settings.serverErrors?.count,
    settings.dropConnections?.count,
    settings.emptyMemberPages?.count,
    settings.slow?.count,
    settings.foreignNextLink?.count,
  ];
  if (counts.some((n) => n !== undefined && (!Number.isInteger(n) || n < 0)))
    throw new SimulatorError('fault counts must be integers >= 0');
  if (settings.throttle?.mode === 'rate' && !(settings.throttle.limit >= 0 && settings.throttle.windowMs > 0)) {
    throw new SimulatorError('a rate throttle needs limit >= 0 and windowMs > 0');
  }
  return structuredClone(settings);
}

/**
 * Faults per tenant, switched on and off by tests while a client runs. Counted faults use themselves up;
 * the rate throttle counts requests in fixed real-time windows (clients wait out Retry-After in real time).
 */
export class FaultInjector {
  private readonly tenants = new Map<string, TenantFaults>();

  set(tenantId: string, settings: FaultSettings): void {
    this.tenants.set(tenantId, { settings: validate(settings), rateWindow: { startedAt: Date.now(), count: 0 } });
  }

  clear(tenantId?: string): void {
    if (tenantId) this.tenants.delete(tenantId);
    else this.tenants.clear();
  }

  /** What is left of the tenant's faults (counts go down as they fire). */
  get(tenantId: string): FaultSettings {
    return structuredClone(this.tenants.get(tenantId)?.settings ?? {});
  }

  /** Decides the fate of one Graph request before it is handled. */
  decide(tenantId: string, target: string): FaultDecision {
    const faults = this.tenants.get(tenantId);
    if (!faults) return { action: 'pass', delayMs: 0 };
    const { settings } = faults;
    let delayMs = 0;
    if (
      settings.slow &&
      matches(settings.slow, target) &&
      (settings.slow.count === undefined || settings.slow.count > 0)
    ) {
      delayMs = settings.slow.delayMs;
      if (settings.slow.count !== undefined) settings.slow.count--;
    }
    if (settings.dropConnections && matches(settings.dropConnections, target) && settings.dropConnections.count > 0) {
      settings.dropConnections.count--;
      return { action: 'drop', delayMs };
    }
    const throttle = settings.throttle;
    if (throttle && matches(throttle, target)) {
      const retryAfter = this.throttled(faults, throttle);
      if (retryAfter !== null) return { action: 'throttle', delayMs, retryAfterSeconds: retryAfter };
    }
    const errors = settings.serverErrors;
    if (errors && matches(errors, target) && errors.count > 0) {
      errors.count--;
      return { action: 'error', delayMs, status: errors.status, retryAfterSeconds: errors.retryAfterSeconds };
    }
    return { action: 'pass', delayMs };
  }

  /** Returns the Retry-After to send, or null when this request may pass. */
  private throttled(faults: TenantFaults, throttle: ThrottleFault): number | null {
    if (throttle.mode === 'burst') {
      if (throttle.count <= 0) return null;
      throttle.count--;
      return throttle.retryAfterSeconds ?? 1;
    }
    const now = Date.now();
    const window = faults.rateWindow;
    if (now - window.startedAt >= throttle.windowMs) {
      window.startedAt = now;
      window.count = 0;
    }
    window.count++;
    if (window.count <= throttle.limit) return null;
    return throttle.retryAfterSeconds ?? Math.max(0.001, (window.startedAt + throttle.windowMs - now) / 1000);
  }

  /** Uses up one empty member page, if the tenant has any left for this request. */
  takeEmptyMemberPage(tenantId: string, target: string): { keepNextLink: boolean } | null {
    const fault = this.tenants.get(tenantId)?.settings.emptyMemberPages;
    if (!fault || !matches(fault, target) || fault.count <= 0) return null;
    fault.count--;
    return { keepNextLink: fault.keepNextLink ?? false };
  }

  /** Rewrites the answer's paging links to the foreign URL, if the tenant has a foreignNextLink fault left. */
  rewriteLinks(tenantId: string, target: string, body: unknown, origin: string): void {
    const fault = this.tenants.get(tenantId)?.settings.foreignNextLink;
    if (!fault || !matches(fault, target) || fault.count <= 0 || typeof body !== 'object' || body === null) return;
    const record = body as Record<string, unknown>;
    const own = `${origin}/v1.0/`;
    let rewritten = false;
    for (const name of ['@odata.nextLink', '@odata.deltaLink']) {
      const link = record[name];
      if (typeof link === 'string' && link.startsWith(own)) {
        record[name] = `${fault.url ?? 'https://graph.attacker.example/v1.0/'}${link.slice(own.length)}`;
        rewritten = true;
      }
    }
    if (rewritten) fault.count--;
  }

  isVanished(tenantId: string, groupId: string): boolean {
    return (
      this.tenants.get(tenantId)?.settings.vanishedGroups?.some((id) => id.toLowerCase() === groupId.toLowerCase()) ??
      false
    );
  }
}
