import { OpenAPIHono } from '@hono/zod-openapi';
import { swaggerUI } from '@hono/swagger-ui';
import { HTTPException } from 'hono/http-exception';
import type { ApiDeps, App, AppEnv } from './context.js';
import { ApiError, errorBody, problemsFromZod } from './errors.js';
import { requestLog } from './middleware/request-log.js';
import { registerRoutes } from './routes/index.js';

export function createApp(deps: ApiDeps): App {
  const app: App = new OpenAPIHono<AppEnv>({
    // Invalid params, query or body: 400 with every offending field named, before the handler runs.
    defaultHook: (result, c) => {
      if (!result.success) {
        const err = ApiError.validation(problemsFromZod(result.error.issues));
        return c.json(errorBody(err, c.get('requestId')), 400);
      }
    },
  });

  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  app.use('*', requestLog);

  app.onError((err, c) => {
    const requestId = c.get('requestId');
    if (err instanceof ApiError) return c.json(errorBody(err, requestId), err.status);
    if (err instanceof HTTPException) {
      const status = err.status;
      const code = status === 400 ? 'validation_failed' : status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : 'internal_error';
      return c.json(errorBody(new ApiError(status, code, err.message || 'request failed'), requestId), status);
    }
    deps.logger.error({ err, requestId, path: c.req.path }, 'unhandled error');
    return c.json(errorBody(new ApiError(500, 'internal_error', 'internal error; the request id is in the logs'), requestId), 500);
  });
  app.notFound((c) => c.json(errorBody(new ApiError(404, 'not_found', `no route for ${c.req.method} ${c.req.path}`), c.get('requestId')), 404));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key: the operator key (OPERATOR_API_KEY) or a company key from POST /api/v1/companies/{id}/api-keys',
  });
  registerRoutes(app);

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'directory-sync',
      version: '0.1.0',
      description: "Keeps a SaaS product's users in step with its customers' Microsoft Entra ID groups.",
    },
  });
  app.get('/docs', swaggerUI({ url: '/openapi.json' }));
  return app;
}
