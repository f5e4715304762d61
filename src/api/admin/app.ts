import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requireCsrfToken } from './csrf.js';
import type { AdminEnv } from './env.js';
import { adminErrorPage } from './errors.js';
import { chooseLanguage } from './i18n/language.js';
import { renderMessage } from './render.js';
import { registerApiKeys } from './routes/api-keys.js';
import { registerAssets } from './routes/assets.js';
import { registerConnectionConsent } from './routes/connection-consent.js';
import { registerConnectionCreate } from './routes/connection-create.js';
import { registerLdapConnectionCreate } from './routes/ldap-connection-create.js';
import { registerConnectionDelete } from './routes/connection-delete.js';
import { registerCustomerTypeCreate } from './routes/customer-type-create.js';
import { registerRunDecision } from './routes/run-decision.js';
import { registerRunPage } from './routes/run.js';
import { registerRunProgress } from './routes/run-progress.js';
import { registerSetupActions } from './routes/setup-actions.js';
import { registerSetupCreate } from './routes/setup-create.js';
import { registerSetupEdit } from './routes/setup-edit.js';
import { registerSetupRuns } from './routes/setup-runs.js';
import { registerSetupsTab } from './routes/setups.js';
import { registerSignIn } from './routes/sign-in.js';
import { registerSystemTab } from './routes/system.js';
import { registerUsersPage } from './routes/users.js';
import { registerNotificationsTab } from './routes/notifications.js';
import { securityHeaders } from './security-headers.js';
import { loadSession } from './session.js';
import { requireSignedIn } from './signed-in.js';

/** The largest form body the admin pages read. */
export const adminFormLimitBytes = 64 * 1024;

/**
 * The admin pages, mounted at /admin. Hono runs the handlers that match a request in the order they were
 * registered, and the first to answer ends it; that order is the access policy:
 *   1. assets: public, before any session;
 *   2. headers, language, session, and the CSRF check of every POST;
 *   3. sign-in and sign-out: answer before the sign-in guard;
 *   4. the sign-in guard; every page registered after it needs a signed-in company with the module.
 */
export function createAdminPages(): Hono<AdminEnv> {
  const admin = new Hono<AdminEnv>();
  admin.onError(adminErrorPage);

  registerAssets(admin);
  // Forms are small: a body over the limit is refused before the session or the CSRF check reads it.
  const formLimit = bodyLimit({
    maxSize: adminFormLimitBytes,
    onError: (c) => renderMessage(c, 413, c.get('t').errors.tooLargeTitle, c.get('t').errors.tooLarge),
  });
  admin.use('*', securityHeaders, chooseLanguage, formLimit, loadSession, requireCsrfToken);
  registerSignIn(admin);
  admin.use('*', requireSignedIn);

  admin.get('/', (c) => c.redirect('/admin/system', 302));
  registerSystemTab(admin);
  registerConnectionCreate(admin);
  registerLdapConnectionCreate(admin);
  registerConnectionConsent(admin);
  registerConnectionDelete(admin);
  registerApiKeys(admin);
  registerSetupsTab(admin);
  registerCustomerTypeCreate(admin);
  registerSetupCreate(admin);
  registerSetupEdit(admin);
  registerSetupActions(admin);
  registerSetupRuns(admin);
  registerRunPage(admin);
  registerRunProgress(admin);
  registerRunDecision(admin);
  registerUsersPage(admin);
  registerNotificationsTab(admin);

  admin.all('*', (c) => renderMessage(c, 404, c.get('t').errors.notFoundTitle, c.get('t').errors.notFound));
  return admin;
}
