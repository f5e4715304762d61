import { z } from '@hono/zod-openapi';

export const IdParams = z.object({
  id: z
    .uuid({ message: 'must be a UUID' })
    .openapi({ param: { name: 'id', in: 'path' }, example: '0b6f1c7e-4b0a-4f4e-9c55-6d0f5d0f9a11' }),
});

export const jsonContent = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });

/** A JSON request body that must be present and valid. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({ required: true, ...jsonContent(schema) });

export const designation = z
  .string()
  .trim()
  .max(200, { message: 'must be at most 200 characters' })
  .nullish()
  .transform((v) => (v ? v : null));
