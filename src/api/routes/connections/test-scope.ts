import { createRoute, z } from '@hono/zod-openapi';
import { directoryProviderFor } from '../../../directory/factory.js';
import type { DirectoryUser } from '../../../sync/directory-user.js';
import { compileAzureScope, isInAzureScope } from '../../../sync/azure-scope.js';
import { groupIdProblem, setupScopeProblems } from '../../../sync/setup-scope.js';
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

const SAMPLE = 10;

export function registerTestScope(app: App): void {
  app.openapi(route, async (c) => {
    const connection = await loadOwnConnection(c, c.req.valid('param').id);
    if (connection.status !== 'connected')
      throw ApiError.conflict(`the connection is ${connection.status}; a scope can be tested once it is connected`);
    const body = c.req.valid('json');
    const group = groupIdProblem(connection.provider, body.groupId);
    const problems = [...(group ? [group] : []), ...setupScopeProblems(connection.provider, body)];
    if (problems.length > 0) throw ApiError.validation(problems.map((p) => ({ field: p.field, reason: p.message })));

    const directory = directoryProviderFor(c.get('deps'), connection);
    // Azure: the provider reads the group, the pure scope decides; AD: the DC applies path and filter itself.
    const azure = connection.provider === 'ldap' ? null : compileAzureScope(body);
    const inScope = (user: DirectoryUser) =>
      azure === null || !azure.ok || isInAzureScope(azure.scope, user.attributes);
    const scope = { groupId: body.groupId, ldapPath: body.ldapPath ?? null, ldapFilter: body.ldapFilter ?? null };
    let count = 0;
    const first: z.infer<typeof SampleUser>[] = [];
    try {
      for await (const page of directory.pageMembers(scope, { pageSize: c.get('deps').config.sync.pageSize })) {
        for (const user of page.users.filter(inScope)) {
          count += 1;
          if (first.length < SAMPLE)
            first.push({ id: user.id, email: user.email, displayName: user.displayName, enabled: user.enabled });
        }
      }
    } catch (err) {
      const failure = directory.classify(err);
      if (failure.kind === 'not_found' && failure.about === 'group')
        throw new ApiError(422, 'unprocessable', failure.message, [{ field: 'groupId', reason: 'not found' }]);
      throw new ApiError(502, 'upstream_error', `the directory: ${failure.message}`);
    }
    return c.json({ count, first }, 200);
  });
}
