/**
 * Graph's identity-and-access throttling, as learn.microsoft.com/graph/throttling-limits describes it: a token
 * bucket of resource units per application+tenant pair, S 3,500 / M 5,000 / L 8,000 per 10 seconds by the
 * tenant's size (S under 50 users, M 50–500, L above 500). Each request costs its base units (the route's
 * `cost`, which is what `x-ms-resource-unit` reports); one that finds too few units left is answered 429 with the
 * seconds until the bucket holds enough again as Retry-After. A throttled request is not charged: the limit
 * counts what Graph served. Off unless switched on (tests and the benchmark that measure pacing do).
 */

export interface ResourceUnitLimits {
  /** Every tenant gets this many units per 10 s; without it, the documented S/M/L limit by the tenant's users. */
  perTenSeconds?: number;
}

export const resourceUnitWindowMs = 10_000;

/** The application+tenant pair quota for a tenant of this many users (the throttling-limits table). */
export function documentedLimit(tenantUsers: number): number {
  if (tenantUsers < 50) return 3_500;
  if (tenantUsers <= 500) return 5_000;
  return 8_000;
}

interface Bucket {
  units: number;
  at: number;
}

export class ResourceUnitBudget {
  private limits: ResourceUnitLimits | null = null;
  private readonly buckets = new Map<string, Bucket>();
  private tally = { served: 0, throttled: 0 };

  /** Switches the limit on (with the documented or a fixed quota), or off with null; buckets start full. */
  enforce(limits: ResourceUnitLimits | null): void {
    this.limits = limits;
    this.buckets.clear();
    this.tally = { served: 0, throttled: 0 };
  }

  get enforced(): ResourceUnitLimits | null {
    return this.limits;
  }

  /** Requests charged and requests answered 429 since the limit was switched on. */
  get counts(): { served: number; throttled: number } {
    return { ...this.tally };
  }

  /**
   * Charges one request of `cost` units to the app+tenant pair: null when it may pass, else the Retry-After
   * seconds (fractional, as Graph sends them).
   */
  charge(
    pair: { tenantId: string; clientId: string; tenantUsers: number },
    cost: number,
    now = Date.now(),
  ): number | null {
    if (!this.limits) return null;
    const quota = this.limits.perTenSeconds ?? documentedLimit(pair.tenantUsers);
    const perMs = quota / resourceUnitWindowMs;
    const key = `${pair.clientId}/${pair.tenantId}`;
    const bucket = this.buckets.get(key) ?? { units: quota, at: now };
    bucket.units = Math.min(quota, bucket.units + (now - bucket.at) * perMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.units >= cost) {
      bucket.units -= cost;
      this.tally.served++;
      return null;
    }
    this.tally.throttled++;
    return Math.max(0.001, Math.ceil((cost - bucket.units) / perMs) / 1000);
  }
}
