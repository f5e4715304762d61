import type { App } from '../../src/api/context.js';

export interface CallOptions {
  key?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** HTTP to the in-process Hono app without a socket: JSON bodies, and the bearer key when given. */
export function requester(app: App) {
  return async (method: string, path: string, options: CallOptions = {}): Promise<Response> =>
    app.request(path, {
      method,
      headers: {
        ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
}
