import { createRoute, z } from '@hono/zod-openapi';
import { testSetupScope } from '../../../setups/scope-test.js';
import type { App } from '../../context.js';
import { ApiError, errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { IdParams, jsonBody, jsonContent } from '../../schemas/common.js';
import { loadOwnConnection } from './load-connection.js';

const Body = z
  .object({
    groupId: z.string({ message: 'is required' }).trim().min(1, { message: 'is required' }).max(2000),
    ldapPath: z.string().trim().max(1000).nullish(),
    ldapFilter: z.string().trim().max(2000).nullish(),
  })
  .strict();

const SampleUser = z.object({
  id: z.string(),
  email: z.string().nullable(),
  displayName: z.string().nullable(),
  enabled: z.boolean().nullable(),
});

const route = createRoute({
  method: 'post',
  path: '/api/v1/connections/{id}/scope-test',
  tags: ['connections'],
  summary: 'Test an LDAP path and filter on a group: how many users match, and the first ten (nothing is saved)',
  description:
    'Active Directory: the group members under the path that match the filter, as the DC answers them. Azure: the group members whose onPremisesDistinguishedName ends with the path and whose data matches the filter (src/sync/azure-scope.ts). A malformed path or filter is refused (400) with where it is malformed.',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { params: IdParams, body: jsonBody(Body) },
  responses: {
    200: {
      description: 'the users in scope',
      ...jsonContent(z.object({ count: z.number().int(), first: z.array(SampleUser) })),
    },
    ...errorResponses(400, 401, 403, 404, 409, 422, 502),
  },
});

export function registerTestScope(app: App): void {
  app.openapi(route, async (c) => {
    const connection = await loadOwnConnection(c, c.req.valid('param').id);
    if (connection.status !== 'connected')
      throw ApiError.conflict(`the connection is ${connection.status}; a scope can be tested once it is connected`);
    const outcome = await testSetupScope(c.get('deps'), connection, c.req.valid('json'));
    switch (outcome.kind) {
      case 'invalid':
        throw ApiError.validation(outcome.problems.map((p) => ({ field: p.field, reason: p.message })));
      case 'group_not_found':
        throw new ApiError(422, 'unprocessable', outcome.message, [{ field: 'groupId', reason: 'not found' }]);
      case 'directory_error':
        throw new ApiError(502, 'upstream_error', `the directory: ${outcome.message}`);
      default:
        return c.json({ count: outcome.count, first: outcome.first }, 200);
    }
  });
}
