import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { ApiDeps, App, AppEnv } from './context.js';
import { isDomainError } from '../domain/errors.js';
import { registerDocs } from './docs.js';
import { apiErrorFor } from './domain-errors.js';
import { ApiError, codeForStatus, errorBody, problemsFromZod } from './errors.js';
import { requestLog } from './middleware/request-log.js';
import { registerRoutes } from './routes/index.js';

/** The largest JSON body the API reads. */
export const apiBodyLimitBytes = 1024 * 1024;

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
  // Bodies are limited before anything parses them (auth, validators, the admin pages' CSRF check): a declared
  // Content-Length over the limit is refused at once, and a chunked body is cut off as soon as it passes it.
  // The admin pages (forms) have a smaller limit of their own (src/api/admin/app.ts).
  const apiBodyLimit = bodyLimit({
    maxSize: apiBodyLimitBytes,
    onError: (c) => c.json(errorBody(ApiError.payloadTooLarge(apiBodyLimitBytes), c.get('requestId')), 413),
  });
  app.use('*', (c, next) =>
    c.req.path === '/admin' || c.req.path.startsWith('/admin/') ? next() : apiBodyLimit(c, next),
  );

  app.onError((err, c) => {
    const requestId = c.get('requestId');
    if (err instanceof ApiError) return c.json(errorBody(err, requestId), err.status);
    if (isDomainError(err)) {
      const mapped = apiErrorFor(err);
      return c.json(errorBody(mapped, requestId), mapped.status);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      const message = err.message || (status === 415 ? 'send the body as application/json' : 'request failed');
      return c.json(errorBody(new ApiError(status, codeForStatus(status), message), requestId), status);
    }
    deps.logger.error({ err, requestId, path: c.req.path }, 'unhandled error');
    return c.json(
      errorBody(new ApiError(500, 'internal_error', 'internal error; the request id is in the logs'), requestId),
      500,
    );
  });
  app.notFound((c) =>
    c.json(
      errorBody(new ApiError(404, 'not_found', `no route for ${c.req.method} ${c.req.path}`), c.get('requestId')),
      404,
    ),
  );

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key: the operator key (OPERATOR_API_KEY) or a company key from POST /api/v1/companies/{id}/api-keys',
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
  registerDocs(app);
  return app;
}
