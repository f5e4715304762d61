import { z } from '@hono/zod-openapi';

export const TenantParams = z.object({
  tenantId: z
    .uuid({ message: 'must be the tenant ID (a GUID)' })
    .transform((v) => v.toLowerCase())
    .openapi({ param: { name: 'tenantId', in: 'path' }, example: '72f988bf-86f1-41af-91ab-2d7cd011db47' }),
});

export const TenantShareSchema = z
  .object({
    tenantId: z.string(),
    companyIds: z
      .array(z.string())
      .openapi({ description: 'the companies allowed to connect this tenant at the same time' }),
    audit: z.array(
      z.object({
        action: z.enum(['set', 'delete']),
        companyIds: z.array(z.string()),
        actor: z.string(),
        at: z.string(),
      }),
    ),
  })
  .openapi('TenantShare');

export function tenantShareJson(
  tenantId: string,
  companyIds: string[],
  audit: { action: 'set' | 'delete'; company_ids: string[]; actor: string; at: Date }[],
) {
  return {
    tenantId,
    companyIds,
    audit: audit.map((a) => ({ action: a.action, companyIds: a.company_ids, actor: a.actor, at: a.at.toISOString() })),
  };
}
