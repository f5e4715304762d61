import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

/**
 * Pacing on Graph's identity-and-access limit instead of bouncing off it. Graph meters each application+tenant
 * pair with a token bucket of resource units (learn.microsoft.com/graph/throttling-limits): 3,500 per 10 s for a
 * small tenant, 5,000 or 8,000 for larger ones. We do not know a tenant's size class, so we pace every tenant as
 * a small one (a 999-member page costs 4 units: even the smallest quota allows ~875 pages per 10 s, far more
 * than a sync reads), at 90 % of it so a request in flight never tips the server's bucket over.
 *
 * One bucket per app+tenant pair for the whole process: every client the worker creates for a tenant (one per
 * activity, several runs side by side) draws on the same units, as Graph counts them.
 */
export const defaultResourceUnitsPer10s = 3_500;
const windowMs = 10_000;
const headroom = 0.9;

/** A request's resource units by the documented table (base cost, then $select −1, $expand +1, $top < 20 −1, ≥ 1). */
export function estimateResourceUnits(method: string, url: string, body?: unknown): number {
  const parsed = new URL(url, 'https://graph.invalid');
  const segments = parsed.pathname
    .replace(/^\/(v1\.0|beta)\//i, '/')
    .split('/')
    .filter(Boolean)
    .map((s) => decodeURIComponent(s).toLowerCase());
  const verb = method.toUpperCase();
  if (verb === 'POST' && segments[0] === '$batch') return 1 + batchUnits(body);
  if (segments.at(-1) === '$count') return 1;
  let base = 1;
  if (verb === 'GET' && segments[0] === 'groups' && segments[2] === 'transitivemembers') base = 5;
  else if (verb === 'GET' && segments[0] === 'groups' && segments[2] === 'members') base = 3;
  else if (verb === 'GET' && segments.length === 1 && segments[0] === 'users') base = 2;
  else if (verb === 'POST' && /^(microsoft\.graph\.)?checkmembergroups$/.test(segments.at(-1) ?? '')) base = 4;
  else if (verb === 'POST' && segments.join('/') === 'directoryobjects/getbyids') base = 5;
  const query = parsed.searchParams;
  const top = Number(query.get('$top'));
  const adjustment =
    (query.has('$select') ? -1 : 0) + (query.has('$expand') ? 1 : 0) + (query.has('$top') && top < 20 ? -1 : 0);
  return Math.max(1, base + adjustment);
}

/** Each request inside a JSON batch is metered on its own. */
function batchUnits(body: unknown): number {
  try {
    const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as {
      requests?: { method?: string; url?: string }[];
    };
    return (parsed?.requests ?? []).reduce((sum, r) => sum + estimateResourceUnits(r.method ?? 'GET', r.url ?? ''), 0);
  } catch {
    return 0;
  }
}

/**
 * A resource-unit bucket: a request takes its units when it is sent, waiting first while the bucket is short
 * (reservations may run the balance below zero, so waiters queue in order without a lock), and after a 429 every
 * request of the pair waits out the Retry-After Graph gave, not only the one the retry handler repeats.
 */
export class ResourceUnitPacer {
  private units: number;
  private at = Date.now();
  private pausedUntil = 0;
  private readonly capacity: number;
  private readonly perMs: number;

  constructor(unitsPer10s: number) {
    this.capacity = unitsPer10s * headroom;
    this.perMs = this.capacity / windowMs;
    this.units = this.capacity;
  }

  /** How long to wait before sending a request of `cost` units (its units are reserved now). */
  reserve(cost: number, now = Date.now()): number {
    this.units = Math.min(this.capacity, this.units + (now - this.at) * this.perMs);
    this.at = now;
    this.units -= cost;
    const deficitMs = this.units < 0 ? -this.units / this.perMs : 0;
    return Math.max(deficitMs, this.pausedUntil - now);
  }

  /** Graph charged a different amount than estimated (`x-ms-resource-unit`): settle the difference. */
  settle(estimated: number, charged: number): void {
    this.units += estimated - charged;
  }

  /** Graph answered 429: hold the pair until Retry-After has passed, and spend what the bucket had left. */
  throttled(retryAfterMs: number, now = Date.now()): void {
    this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    this.units = Math.min(this.units, 0);
  }
}

const pacers = new Map<string, ResourceUnitPacer>();

/** The process-wide pacer of one app+tenant pair at one Graph host. */
export function pacerFor(key: { graphBaseUrl: string; clientId: string; tenantId: string }, unitsPer10s: number) {
  const id = `${key.graphBaseUrl} ${key.clientId} ${key.tenantId.toLowerCase()} ${unitsPer10s}`;
  let pacer = pacers.get(id);
  if (!pacer) pacers.set(id, (pacer = new ResourceUnitPacer(unitsPer10s)));
  return pacer;
}

function retryAfterMs(value: string | null): number {
  if (value === null) return 1000;
  const seconds = Number(value);
  if (!Number.isNaN(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? 1000 : Math.max(0, date - Date.now());
}

/**
 * The Graph middleware, behind the SDK's retry handler so every attempt (a retry too) is paced and charged.
 */
export class ResourceUnitPacing implements Middleware {
  private next?: Middleware;

  constructor(private readonly pacer: ResourceUnitPacer) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const options = context.options as { method?: string; body?: unknown } | undefined;
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const method = options?.method ?? (typeof context.request === 'string' ? 'GET' : context.request.method);
    const cost = estimateResourceUnits(method, url, options?.body);
    const waitMs = this.pacer.reserve(cost);
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    await this.next!.execute(context);
    const response = context.response;
    if (!response) return;
    if (response.status === 429) {
      this.pacer.settle(cost, 0); // a throttled request is not charged
      this.pacer.throttled(retryAfterMs(response.headers.get('retry-after')));
      return;
    }
    // A $batch's own header counts the envelope only (each inner request carries its own units), so it keeps
    // its estimate: settling it refunded the inner requests' units and let the next batches run into 429s.
    if (/\/\$batch(\?|$)/i.test(url)) return;
    const charged = Number(response.headers.get('x-ms-resource-unit'));
    if (Number.isInteger(charged) && charged > 0) this.pacer.settle(cost, charged);
  }
}
