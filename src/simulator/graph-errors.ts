import { innerErrorDate } from './clock.js';

/** Graph's error answers: `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`. */
export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphHttpError';
  }
}

export interface RequestIds {
  requestId: string;
  clientRequestId: string;
}

export function graphErrorBody(code: string, message: string, ids: RequestIds, nowMs: number): object {
  return {
    error: {
      code,
      message,
      innerError: {
        date: innerErrorDate(nowMs),
        'request-id': ids.requestId,
        'client-request-id': ids.clientRequestId,
      },
    },
  };
}

/** Graph's 429 body has its own innerError shape (throttling.md sample). */
export function throttledBody(ids: RequestIds, nowMs: number): object {
  return {
    error: {
      code: 'TooManyRequests',
      innerError: {
        code: '429',
        date: innerErrorDate(nowMs),
        message: 'Please retry after',
        'request-id': ids.requestId,
        status: '429',
      },
      message: 'Please retry again later.',
    },
  };
}

export const graphErrors = {
  notFound: (id: string) =>
    new GraphHttpError(
      404,
      'Request_ResourceNotFound',
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    ),
  invalidId: (id: string) => new GraphHttpError(400, 'Request_BadRequest', `Invalid object identifier '${id}'.`),
  badRequest: (message: string) => new GraphHttpError(400, 'Request_BadRequest', message),
  unsupportedQuery: (message: string) => new GraphHttpError(400, 'Request_UnsupportedQuery', message),
  denied: () =>
    new GraphHttpError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
  countNotSupported: () => new GraphHttpError(400, 'Request_BadRequest', '$count is not currently supported.'),
  searchNeedsEventual: () =>
    new GraphHttpError(
      400,
      'Request_UnsupportedQuery',
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    ),
  noSegment: (segment: string) =>
    new GraphHttpError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`),
};
