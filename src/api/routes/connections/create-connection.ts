import { createRoute, z } from '@hono/zod-openapi';
import { entraKind } from '../../../directory/entra/kind.js';
import { createConnection } from '../../../connections/service.js';
import { parseTenantId } from '../../../connections/tenant-id.js';
import type { App } from '../../context.js';
import { errorResponses } from '../../errors.js';
import { authenticate } from '../../middleware/auth.js';
import { requireDirectorySync } from '../../module-gate.js';
import { designation, jsonBody, jsonContent } from '../../schemas/common.js';
import { ConnectionSchema, ConnectionWithConsentSchema, connectionJson } from '../../schemas/connection.js';
import { createLdapConnectionFrom, LdapConnectionBody } from './create-ldap-connection.js';

const AzureBody = z
  .object({
    provider: z.literal(entraKind),
    tenantId: z
      .string({ message: 'is required' })
      .transform((value, ctx) => {
        const parsed = parseTenantId(value);
        if ('error' in parsed) {
          ctx.addIssue({ code: 'custom', message: parsed.error });
          return z.NEVER;
        }
        return parsed.value;
      })
      .openapi({
        description: 'tenant ID (GUID) or a verified domain such as contoso.onmicrosoft.com',
        example: 'contoso.onmicrosoft.com',
      }),
    designation,
  })
  .strict();

const Body = z.discriminatedUnion('provider', [AzureBody, LdapConnectionBody], {
  message: "must be 'azure' (Microsoft Entra ID) or 'ldap' (Active Directory over LDAP)",
});

const route = createRoute({
  method: 'post',
  path: '/api/v1/connections',
  tags: ['connections'],
  summary: "Connect a company's Entra tenant (returns the admin consent URL) or its Active Directory over LDAP",
  description:
    '`ldap`: stores the connection (the bind password encrypted, never returned) and verifies it at once (TLS, bind, rootDSE, base DN, users under it); it answers `connected`, or `failed` with the reason (invalid credentials, certificate not trusted, host unreachable, base DN not found). `azure`: creates the connection in `pending_consent` and starts its onboarding workflow. Send the tenant admin to `consentUrl` (our page saying which tenant is connected to which company, then Microsoft): after admin consent (/consent/callback) the admin signs in (OpenID Connect, /consent/signin), and only a validated sign-in of an admin of that tenant makes the connection `connected` (or it says why not). A tenant connected to another company is refused (409) unless the operator shares it.',
  security: [{ bearer: [] }],
  middleware: [authenticate] as const,
  request: { body: jsonBody(Body) },
  responses: {
    201: {
      description: 'created',
      ...jsonContent(z.union([ConnectionWithConsentSchema, ConnectionSchema])),
    },
    ...errorResponses(400, 401, 403, 409, 503),
  },
});

export function registerCreateConnection(app: App): void {
  app.openapi(route, async (c) => {
    const companyId = await requireDirectorySync(c);
    const body = c.req.valid('json');
    if (body.provider === 'ldap') return c.json(await createLdapConnectionFrom(c, companyId, body), 201);
    const { connection, consentUrl } = await createConnection(c.get('deps'), {
      companyId,
      tenantId: body.tenantId,
      designation: body.designation,
    });
    return c.json({ ...connectionJson(connection), consentUrl }, 201);
  });
}
