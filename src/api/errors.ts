import { z } from '@hono/zod-openapi';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * One error class and one JSON error shape for every error the API returns:
 *   { "error": { "code": "validation_failed", "message": "…", "details": [{ "field": "tenantId", "reason": "…" }], "requestId": "…" } }
 * `code` is stable and machine-readable; `message` is for people; `details` names fields where input was wrong.
 */
export type ErrorCode =
  | 'validation_failed'
  | 'unauthorized'
  | 'invalid_api_key'
  | 'forbidden'
  | 'module_not_enabled'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'not_ready'
  | 'not_configured'
  | 'upstream_error'
  | 'internal_error';

export interface FieldProblem {
  field: string;
  reason: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldProblem[],
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static validation(details: FieldProblem[], message = 'the request is not valid'): ApiError {
    return new ApiError(400, 'validation_failed', message, details);
  }
  static notFound(what: string): ApiError {
    return new ApiError(404, 'not_found', `${what} not found`);
  }
  static conflict(message: string, extra?: Record<string, unknown>): ApiError {
    return new ApiError(409, 'conflict', message, undefined, extra);
  }
}

export const FieldProblemSchema = z.object({ field: z.string(), reason: z.string() }).openapi('FieldProblem');

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string().openapi({ example: 'the request is not valid' }),
      details: z.array(FieldProblemSchema).optional(),
      requestId: z.string().optional(),
    }).passthrough(),
  })
  .openapi('Error');

export function errorBody(err: ApiError, requestId?: string) {
  return { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}), ...(err.extra ?? {}), requestId } };
}

/** Error responses every authenticated route documents, for the OpenAPI document. */
export function errorResponses(...statuses: (400 | 401 | 403 | 404 | 409 | 422 | 502 | 503)[]) {
  const descriptions: Record<number, string> = {
    400: 'invalid input; `details` names each field and why',
    401: 'missing or invalid API key',
    403: 'the key may not do this, or the module is not enabled',
    404: 'not found (also for another company’s objects)',
    409: 'conflicts with the current state',
    422: 'valid input that the directory or current state cannot satisfy',
    502: 'Microsoft Graph or Entra ID answered with an error',
    503: 'a dependency is unavailable',
  };
  return Object.fromEntries(
    statuses.map((s) => [s, { description: descriptions[s]!, content: { 'application/json': { schema: ErrorSchema } } }]),
  ) as Record<number, { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } }>;
}

/** Turns zod issues into field problems: `path.to.field` and the reason. */
export function problemsFromZod(issues: readonly { path: PropertyKey[]; message: string }[]): FieldProblem[] {
  return issues.map((i) => ({ field: i.path.map(String).join('.') || '(body)', reason: i.message }));
}
