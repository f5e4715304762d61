import type { MiddlewareHandler } from 'hono';
import type { AdminEnv } from './env.js';

/**
 * Scripts and styles only from our own files (no inline script can run), no framing, and forms may post only
 * here — or lead to Microsoft's consent page, which the Create and Retry consent forms redirect to.
 */
export const securityHeaders: MiddlewareHandler<AdminEnv> = async (c, next) => {
  await next();
  const authority = new URL(c.get('deps').config.azure.authorityHost).origin;
  c.header(
    'Content-Security-Policy',
    `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self' ${authority}; frame-ancestors 'none'; base-uri 'none'; object-src 'none'`,
  );
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('X-Frame-Options', 'DENY');
  c.header('Referrer-Policy', 'same-origin');
};
