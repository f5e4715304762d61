import { Hono } from 'hono';
import { registerAdminConsent } from './admin-consent.js';
import type { SimulatorControl } from './control.js';
import { registerControlRoutes } from './control-routes.js';
import { registerTokenEndpoints } from './entra-token.js';
import { graphHandler, type GraphEnv } from './graph-api.js';
import { registerAuthorize, registerDelegatedMe } from './oidc-signin.js';
import type { SimulatorRuntime } from './runtime.js';
import { SimulatorError } from './simulator-error.js';

/** One Hono app answers as Entra ID (`/{tenant}/…`), as Graph (`/v1.0/…`) and as the control API (`/_sim/…`). */
export function createSimulatorApp(runtime: SimulatorRuntime, control: SimulatorControl): Hono<GraphEnv> {
  const app = new Hono<GraphEnv>();

  app.use('*', async (c, next) => {
    const started = performance.now();
    c.set('record', {});
    await next();
    const url = new URL(c.req.url);
    if (url.pathname.startsWith('/_sim/')) return;
    const record = {
      at: new Date().toISOString(),
      method: c.req.method,
      url: `${url.pathname}${url.search}`,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...c.get('record'),
      ...(c.req.header('x-simulator-batch') ? { batchRequestId: c.req.header('x-simulator-batch') } : {}),
    };
    runtime.requests.add(record);
    runtime.logger?.debug(record, 'simulator request');
  });

  app.onError((error, c) => {
    if (error instanceof SimulatorError) return c.json({ error: error.message }, error.status);
    runtime.logger?.error({ err: error }, 'simulator: unexpected error');
    return c.json({ error: 'internal simulator error' }, 500);
  });

  app.get('/', (c) =>
    c.text('directory-sync simulator of Microsoft Entra ID and Microsoft Graph. Control API under /_sim.\n'),
  );
  registerControlRoutes(app, control);
  registerDelegatedMe(app, runtime);
  app.all('/v1.0/*', graphHandler(runtime));
  registerTokenEndpoints(app, runtime);
  registerAdminConsent(app, runtime);
  registerAuthorize(app, runtime);
  app.notFound((c) =>
    c.json({ error: `no simulator endpoint for ${c.req.method} ${new URL(c.req.url).pathname}` }, 404),
  );
  return app;
}
