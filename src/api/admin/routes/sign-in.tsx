import type { Hono } from 'hono';
import { endAdminSession, insertAdminSession } from '../../../db/repositories/admin-sessions.js';
import { findActiveApiKeyByHash } from '../../../db/repositories/api-keys.js';
import { hashApiKey, keysEqual } from '../../keys.js';
import type { AdminEnv } from '../env.js';
import { formText } from '../form.js';
import { SignInPage } from '../pages/sign-in.js';
import { pageContext, render } from '../render.js';
import { endSession, newSession, sessionLifetimeMs, startSession } from '../session.js';
import { safeNext } from '../signed-in.js';

/** Sign-in with a company API key (looked up by its hash), and sign-out. */
export function registerSignIn(admin: Hono<AdminEnv>): void {
  admin.get('/sign-in', (c) =>
    render(
      c,
      <SignInPage
        page={pageContext(c)}
        next={safeNext(c.req.query('next'))}
        errors={{}}
        signedOut={c.req.query('signed_out') === '1'}
      />,
    ),
  );

  admin.post('/sign-in', async (c) => {
    const form = await c.req.parseBody();
    const key = formText(form, 'apiKey');
    const next = safeNext(formText(form, 'next'));
    const t = c.get('t');
    const { config, db } = c.get('deps');
    const refuse = (message: string) =>
      render(c, <SignInPage page={pageContext(c)} next={next} errors={{ apiKey: message }} />, 401);
    if (!key) return refuse(t.signIn.required);
    if (config.operatorApiKey && keysEqual(key, config.operatorApiKey)) return refuse(t.signIn.operatorKey);
    const row = await findActiveApiKeyByHash(db, hashApiKey(key));
    if (!row) return refuse(t.signIn.invalidKey);
    // A new session id on sign-in: a session id planted before sign-in is worth nothing after it.
    const session = newSession({ keyId: row.id, companyId: row.company_id });
    await insertAdminSession(db, {
      sid: session.sid,
      companyId: row.company_id,
      apiKeyId: row.id,
      expiresAt: new Date(session.issuedAt + sessionLifetimeMs),
    });
    await startSession(c, session);
    return c.redirect(next, 303);
  });

  admin.post('/sign-out', async (c) => {
    await endAdminSession(c.get('deps').db, c.get('session').sid);
    endSession(c);
    return c.redirect('/admin/sign-in?signed_out=1', 303);
  });
}
