import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../context.js';

/**
 * One structured log line per request: method, path (without query: it may carry consent state), status,
 * duration and request id. Headers are never logged, so API keys and cookies cannot leak.
 */
export const requestLog: MiddlewareHandler<AppEnv> = async (c, next) => {
  const requestId = c.req.header('x-request-id')?.slice(0, 100) || randomUUID();
  c.set('requestId', requestId);
  c.header('x-request-id', requestId);
  const started = performance.now();
  await next();
  const logger = c.get('deps').logger;
  const principal = c.get('principal');
  logger.info(
    {
      requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
      ...(principal ? { principal: principal.kind === 'company' ? `company:${principal.companyId}` : 'operator' } : {}),
    },
    'request',
  );
};
