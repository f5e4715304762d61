import { z } from '@hono/zod-openapi';

/** A key as it is listed: enough to tell keys apart and see whether one is used; never the key or its hash. */
export const ApiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string().openapi({ description: 'first characters of the key' }),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable().openapi({ description: 'last use, to the minute' }),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiKey');

export function apiKeyJson(row: {
  id: string;
  name: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}
