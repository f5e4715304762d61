import { limits, ruleMessages } from '../../domain/rules.js';
import { z } from '@hono/zod-openapi';

export const IdParams = z.object({
  id: z
    .uuid({ message: 'must be a UUID' })
    .openapi({ param: { name: 'id', in: 'path' }, example: '0b6f1c7e-4b0a-4f4e-9c55-6d0f5d0f9a11' }),
});

export const jsonContent = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } } });

/** A JSON request body that must be present and valid. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({ required: true, ...jsonContent(schema) });

/** An optional text: trimmed, at most `max` characters, empty or absent as null. */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: ruleMessages.tooLong(max) })
    .nullish()
    .transform((v) => (v ? v : null));

export const designation = optionalText(limits.designation);
