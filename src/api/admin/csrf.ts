import { createHmac, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AdminEnv } from './env.js';
import { csrfField } from './csrf-field.js';
import { renderMessage } from './render.js';

export { csrfField };

/** One token per session, derived from its random id: nothing to store, and a new session gets a new token. */
export function csrfTokenFor(secret: string, sid: string): string {
  return createHmac('sha256', secret).update(`csrf:${sid}`).digest('base64url');
}

function sameToken(expected: string, presented: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Every POST must carry the session's token in the form body; anything else is refused before a handler runs. */
export const requireCsrfToken: MiddlewareHandler<AdminEnv> = async (c, next) => {
  if (c.req.method !== 'POST') return next();
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const presented = body[csrfField];
  if (typeof presented !== 'string' || !sameToken(c.get('csrfToken'), presented)) {
    const t = c.get('t');
    c.get('deps').logger.warn(
      { requestId: c.get('requestId'), path: c.req.path },
      'admin form refused: missing or wrong CSRF token',
    );
    return renderMessage(c, 403, t.errors.csrfTitle, t.errors.csrf);
  }
  await next();
};
