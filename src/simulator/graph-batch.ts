import type { GraphCall, GraphResult } from './graph-call.js';
import { GraphHttpError } from './graph-errors.js';

interface BatchRequest {
  id: string;
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  dependsOn?: string[];
}

interface BatchResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

const maxBatchRequests = 20;

function parseBatch(body: unknown): BatchRequest[] {
  const requests = (body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests)) throw new GraphHttpError(400, 'BadRequest', 'Invalid batch payload format.');
  if (requests.length > maxBatchRequests) {
    throw new GraphHttpError(
      400,
      'BadRequest',
      `The number of requests in the batch (${requests.length}) exceeds the limit of ${maxBatchRequests}.`,
    );
  }
  const ids = new Set<string>();
  for (const request of requests as BatchRequest[]) {
    if (typeof request?.id !== 'string' || typeof request.method !== 'string' || typeof request.url !== 'string') {
      throw new GraphHttpError(
        400,
        'BadRequest',
        'Invalid batch payload format: each request needs id, method and url.',
      );
    }
    if (ids.has(request.id))
      throw new GraphHttpError(400, 'BadRequest', `Batch request ids must be unique; '${request.id}' is repeated.`);
    ids.add(request.id);
  }
  return requests as BatchRequest[];
}

/**
 * `POST /$batch`: up to 20 requests with relative urls, each run through the full Graph pipeline (auth,
 * faults, permissions) with its own headers, so an inner request can be throttled on its own. The outer
 * answer is 200 whatever the inner statuses; a request whose dependency failed gets 424.
 */
export async function batch(call: GraphCall): Promise<GraphResult> {
  const requests = parseBatch(await call.body());
  const statuses = new Map<string, number>();
  const responses: BatchResponse[] = [];
  for (const request of requests) {
    const failedDependency = (request.dependsOn ?? []).find((id) => (statuses.get(id) ?? 424) >= 400);
    const response = failedDependency
      ? failed(
          request.id,
          424,
          'FailedDependency',
          `The request depends on request '${failedDependency}', which failed.`,
        )
      : /^https?:/i.test(request.url)
        ? failed(
            request.id,
            400,
            'BadRequest',
            'Batch request urls must be relative to the version, e.g. /groups/{id}.',
          )
        : await runInner(call, request);
    statuses.set(request.id, response.status);
    responses.push(response);
  }
  return { body: { responses } };
}

function failed(id: string, status: number, code: string, message: string): BatchResponse {
  return { id, status, headers: { 'Content-Type': 'application/json' }, body: { error: { code, message } } };
}

async function runInner(call: GraphCall, request: BatchRequest): Promise<BatchResponse> {
  const headers = new Headers(request.headers ?? {});
  headers.set('authorization', call.header('authorization') ?? '');
  const hasBody = request.body !== undefined && request.method.toUpperCase() !== 'GET';
  if (hasBody && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const url = `${call.origin}/v1.0/${request.url.replace(/^\/+/, '').replace(/^v1\.0\//i, '')}`;
  const response = await call.dispatch(
    new Request(url, {
      method: request.method.toUpperCase(),
      headers,
      body: hasBody ? JSON.stringify(request.body) : undefined,
    }),
  );
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  const responseHeaders: Record<string, string> = {};
  for (const name of [
    'Cache-Control',
    'Content-Type',
    'Retry-After',
    'Location',
    'OData-Version',
    'x-ms-resource-unit',
  ]) {
    const value = response.headers.get(name);
    if (value !== null) responseHeaders[name] = value;
  }
  const body = text === '' ? undefined : contentType.includes('json') ? (JSON.parse(text) as unknown) : text;
  return { id: request.id, status: response.status, headers: responseHeaders, ...(body === undefined ? {} : { body }) };
}
