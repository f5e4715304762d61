import { createRoute } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import { countSetupsUsingConnection, deleteConnection } from '../../../db/repositories/connections.js';
import { onboardingWorkflowId } from '../../../workflows/onboarding-messages.js';
import type { App } from '../../context.js';
import { ApiError, errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { IdParams } from '../../schemas/common.js';
import { loadOwnConnection } from './load-connection.js';

const route = createRoute({
  method: 'delete',
  path: '/api/v1/connections/{id}',
  tags: ['connections'],
  summary: 'Delete a connection (refused while setups use it)',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: IdParams },
  responses: { 204: { description: 'deleted' }, ...errorResponses(400, 401, 403, 404, 409) },
});

export function registerDeleteConnection(app: App): void {
  app.openapi(route, async (c) => {
    const connection = await loadOwnConnection(c, c.req.valid('param').id);
    const { db, temporal } = c.get('deps');
    const setups = await countSetupsUsingConnection(db, connection.id);
    if (setups > 0) throw ApiError.conflict(`${setups} setup(s) use this connection; delete them first`, { setups });
    // An onboarding still waiting for consent has nothing left to wait for.
    await temporal.workflow
      .getHandle(onboardingWorkflowId(connection.id))
      .terminate('connection deleted')
      .catch((err) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      });
    await deleteConnection(db, connection.id);
    return c.body(null, 204);
  });
}
