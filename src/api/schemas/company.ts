import { z } from '@hono/zod-openapi';
import type { Company } from '../../db/schema.js';

export const CompanySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    directorySync: z.boolean().openapi({ description: 'the paid add-on: directory sync enabled for this company' }),
    createdAt: z.string(),
  })
  .openapi('Company');

export function companyJson(c: Company) {
  return { id: c.id, name: c.name, directorySync: c.directory_sync_enabled, createdAt: c.created_at.toISOString() };
}

export const CustomerTypeSchema = z
  .object({ id: z.uuid(), name: z.string(), createdAt: z.string() })
  .openapi('CustomerType');
