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
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'not_ready'
  | 'not_configured'
  | 'upstream_error'
  | 'internal_error';

export interface FieldProblem {
  field: string;
  reason: string;
  /** Where in the field's text the problem is (0-based), for a field holding an expression or a filter. */
  position?: number;
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
  static payloadTooLarge(limitBytes: number): ApiError {
    return new ApiError(
      413,
      'payload_too_large',
      `the request body is larger than ${formatBytes(limitBytes)}; send less`,
    );
  }
}

/** 1 MB, 64 KB: for messages about limits. */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0
    ? `${bytes / (1024 * 1024)} MB`
    : `${Math.round(bytes / 1024)} KB`;
}

/** The stable code of an HTTP status hono raises on its own (HTTPException), so none of them reads internal_error. */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'validation_failed';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 422:
      return 'unprocessable';
    default:
      return status >= 500 ? 'internal_error' : 'validation_failed';
  }
}

export const FieldProblemSchema = z
  .object({ field: z.string(), reason: z.string(), position: z.number().int().optional() })
  .openapi('FieldProblem');

export const ErrorSchema = z
  .object({
    error: z
      .object({
        code: z.string().openapi({ example: 'validation_failed' }),
        message: z.string().openapi({ example: 'the request is not valid' }),
        details: z.array(FieldProblemSchema).optional(),
        requestId: z.string().optional(),
      })
      .passthrough(),
  })
  .openapi('Error');

export function errorBody(err: ApiError, requestId?: string) {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.details ? { details: err.details } : {}),
      ...(err.extra ?? {}),
      requestId,
    },
  };
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
    statuses.map((s) => [
      s,
      { description: descriptions[s]!, content: { 'application/json': { schema: ErrorSchema } } },
    ]),
  ) as Record<number, { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } }>;
}

/** Turns zod issues into field problems: `path.to.field` and the reason. */
export function problemsFromZod(issues: readonly { path: PropertyKey[]; message: string }[]): FieldProblem[] {
  return issues.map((i) => ({ field: i.path.map(String).join('.') || '(body)', reason: i.message }));
}
