import type { MiddlewareHandler } from 'hono';
import { findCompany } from '../../db/repositories/companies.js';
import type { Db } from '../../db/database.js';
import type { AdminEnv, AdminSession } from './env.js';
import { renderMessage } from './render.js';

/** The session's key must still be active and belong to the session's company: a revoked key ends the session. */
async function keyStillActive(db: Db, session: AdminSession): Promise<boolean> {
  const row = await db
    .selectFrom('api_keys')
    .select('id')
    .where('id', '=', session.keyId!)
    .where('company_id', '=', session.companyId!)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row !== undefined;
}

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
  const signedIn = session.keyId && session.companyId && (await keyStillActive(db, session));
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
