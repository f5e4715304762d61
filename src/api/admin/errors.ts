import type { Context } from 'hono';
import { ApiError } from '../errors.js';
import type { AdminEnv } from './env.js';
import { messagesFor } from './i18n/language.js';
import { renderMessage } from './render.js';

/** Errors on the admin pages answer with a page, not the API's JSON: not found, or a failure with its request id. */
export function adminErrorPage(err: Error, c: Context<AdminEnv>) {
  const t = c.get('t') ?? messagesFor('en');
  if (err instanceof ApiError && err.status === 404)
    return renderMessage(c, 404, t.errors.notFoundTitle, t.errors.notFound);
  const requestId = c.get('requestId') ?? '?';
  c.get('deps').logger.error({ err, requestId, path: c.req.path }, 'admin page failed');
  return renderMessage(c, 500, t.errors.internalTitle, t.errors.internal(requestId));
}
