/**
 * The simulator's directory time. Tests move it forward to age delta tokens (7 days) without waiting;
 * it never goes back. Access tokens and throttling windows deliberately use real time instead, because
 * the clients that hold them (MSAL's token cache, the Graph retry handler) live in real time too.
 */
export class SimulatedClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the clock only moves forward: ms must be a number >= 0');
    this.offsetMs += ms;
    return this.now();
  }

  reset(): void {
    this.offsetMs = 0;
  }
}

/** Graph's own timestamp forms: `2021-03-12T10:36:14Z` on resources, `2021-05-18T19:03:10` in innerError. */
export function graphDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function innerErrorDate(ms: number): string {
  return graphDateTime(ms).slice(0, -1);
}

export const dayMs = 24 * 60 * 60 * 1000;
