import type { Context } from 'hono';
import { z } from '@hono/zod-openapi';
import { createLdapConnection } from '../../../connections/ldap-connection.js';
import type { AppEnv } from '../../context.js';
import { designation } from '../../schemas/common.js';
import { connectionBody } from './load-connection.js';

const text = (max: number, example: string, description: string) =>
  z
    .string({ message: 'is required' })
    .trim()
    .min(1, { message: 'is required' })
    .max(max, { message: `must be at most ${max} characters` })
    .openapi({ example, description });

/** The ldap variant of POST /api/v1/connections (the route's body is a union on `provider`). */
export const LdapConnectionBody = z
  .object({
    provider: z.literal('ldap'),
    url: text(500, 'ldaps://dc01.contoso.com', 'ldaps://host[:port], or ldap://host[:port] (StartTLS)'),
    bindDn: text(1000, 'CN=svc-sync,OU=Service,DC=contoso,DC=com', 'the bind DN, a UPN or DOMAIN\\user'),
    bindPassword: z
      .string({ message: 'is required' })
      .min(1, { message: 'is required' })
      .max(1000, { message: 'must be at most 1000 characters' })
      .openapi({ description: 'stored encrypted (SECRETS_KEY); never returned or logged', format: 'password' }),
    caCertificatePem: z
      .string()
      .max(100_000, { message: 'must be at most 100000 characters' })
      .nullish()
      .transform((v) => (v?.trim() ? v.trim() : null))
      .openapi({ description: "PEM of the CA that issued the DC's certificate, when the system CAs do not trust it" }),
    baseDn: text(2000, 'DC=contoso,DC=com', 'the DN the users are under'),
    allowUnencrypted: z.boolean({ message: 'must be true or false' }).default(false).openapi({
      description:
        'allow plain ldap:// without StartTLS (the password crosses the network in clear): test directories only',
    }),
    designation,
  })
  .strict();

/** Stores the connection, verifies it through the connection-check workflow, and answers what it became. */
export async function createLdapConnectionFrom(
  c: Context<AppEnv>,
  companyId: string,
  body: z.infer<typeof LdapConnectionBody>,
) {
  const deps = c.get('deps');
  const connection = await createLdapConnection(deps, { companyId, ...body });
  return connectionBody(deps.db, connection.id);
}
