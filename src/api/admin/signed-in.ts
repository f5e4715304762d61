import type { MiddlewareHandler } from 'hono';
import { isAdminSessionOpen } from '../../db/repositories/admin-sessions.js';
import { findCompany } from '../../db/repositories/companies.js';
import type { AdminEnv } from './env.js';
import { renderMessage } from './render.js';

/** Only paths inside the admin pages are followed after sign-in (no open redirect). */
export function safeNext(next: string | undefined): string {
  return next && /^\/admin(\/[\w\-./?=&%]*)?$/.test(next) && !next.startsWith('//') ? next : '/admin/system';
}

/**
 * The pages behind sign-in. Without a signed-in session: to the sign-in page, coming back here afterwards.
 * A company without the directory sync module sees a clear message instead of the pages.
 */
export const requireSignedIn: MiddlewareHandler<AdminEnv> = async (c, next) => {
  const session = c.get('session');
  const { db } = c.get('deps');
  // The cookie names the session; the server decides whether it is still open (not signed out, not expired,
  // its key not revoked).
  const signedIn =
    session.keyId &&
    session.companyId &&
    (await isAdminSessionOpen(db, { sid: session.sid, companyId: session.companyId, apiKeyId: session.keyId }));
  const company = signedIn ? await findCompany(db, session.companyId!) : undefined;
  if (!company) {
    const back = c.req.method === 'GET' ? `${c.req.path}${new URL(c.req.url).search}` : '/admin/system';
    return c.redirect(`/admin/sign-in?next=${encodeURIComponent(safeNext(back))}`, 303);
  }
  c.set('company', company);
  if (!company.directory_sync_enabled) {
    const t = c.get('t');
    return renderMessage(c, 403, t.errors.moduleTitle, t.errors.module(company.name));
  }
  await next();
};
