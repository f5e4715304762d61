import { createRoute, z } from '@hono/zod-openapi';
import { pingDb } from '../../db/database.js';
import { pingTemporal } from '../../temporal/connection.js';
import type { App } from '../context.js';
import { ErrorSchema } from '../errors.js';

const HealthSchema = z.object({ status: z.literal('ok') }).openapi('Health');
const ReadinessSchema = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    checks: z.object({ postgres: z.enum(['ok', 'unreachable']), temporal: z.enum(['ok', 'unreachable']) }),
  })
  .openapi('Readiness');

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  summary: 'The process is up',
  responses: { 200: { description: 'up', content: { 'application/json': { schema: HealthSchema } } } },
});

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['health'],
  summary: 'Postgres and Temporal are reachable',
  responses: {
    200: { description: 'ready', content: { 'application/json': { schema: ReadinessSchema } } },
    503: {
      description: 'a dependency is unreachable; the body names which',
      content: { 'application/json': { schema: ErrorSchema } },
    },
  },
});

export function registerHealthRoutes(app: App): void {
  app.openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200));

  app.openapi(readyz, async (c) => {
    const { db, temporal } = c.get('deps');
    const [postgresOk, temporalOk] = await Promise.all([pingDb(db), pingTemporal(temporal)]);
    const checks = {
      postgres: postgresOk ? ('ok' as const) : ('unreachable' as const),
      temporal: temporalOk ? ('ok' as const) : ('unreachable' as const),
    };
    if (postgresOk && temporalOk) return c.json({ status: 'ready' as const, checks }, 200);
    const down = Object.entries(checks)
      .filter(([, v]) => v !== 'ok')
      .map(([k]) => k);
    return c.json(
      {
        error: {
          code: 'not_ready',
          message: `not ready: ${down.join(' and ')} unreachable`,
          requestId: c.get('requestId'),
          checks,
        },
      },
      503,
    );
  });
}
