import { createHash, timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of a presented secret (an API key, a metrics token) with a configured one. */
export function keysEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
