import type { Hono } from 'hono';
import { z } from 'zod';
import { findCompanyApiKey, listCompanyApiKeys, revokeCompanyApiKey } from '../../../db/repositories/api-keys.js';
import { ApiError } from '../../errors.js';
import type { AdminEnv } from '../env.js';
import { ApiKeysPage } from '../pages/api-keys.js';
import { ConfirmDeletePage, deleteConfirmed } from '../pages/confirm-delete.js';
import { pageContext, redirectTo, render } from '../render.js';

/**
 * The company's API keys: listed (name, prefix, created, last used) and revoked after a confirmation page.
 * A revoked key stops working at once, for the API and for every admin session it signed in (this one too).
 */
export function registerApiKeys(admin: Hono<AdminEnv>): void {
  admin.get('/system/api-keys', async (c) => {
    const t = c.get('t');
    const keys = await listCompanyApiKeys(c.get('deps').db, c.get('company').id);
    const notice = c.req.query('notice') === 'api_key_revoked' ? t.apiKeys.revoked : undefined;
    return render(
      c,
      <ApiKeysPage page={pageContext(c)} keys={keys} currentKeyId={c.get('session').keyId} notice={notice} />,
    );
  });

  admin.post('/system/api-keys/:id/revoke', async (c) => {
    const id = c.req.param('id');
    const companyId = c.get('company').id;
    const { db, logger } = c.get('deps');
    const key = z.uuid().safeParse(id).success ? await findCompanyApiKey(db, companyId, id) : undefined;
    if (!key || key.revoked_at) throw ApiError.notFound('API key');
    const t = c.get('t');
    const own = key.id === c.get('session').keyId;
    if (!(await deleteConfirmed(c.req))) {
      return render(
        c,
        <ConfirmDeletePage
          page={pageContext(c)}
          tab="system"
          title={t.apiKeys.confirmTitle(key.name, key.prefix)}
          body={own ? `${t.apiKeys.confirmBody} ${t.apiKeys.confirmOwn}` : t.apiKeys.confirmBody}
          action={`/admin/system/api-keys/${key.id}/revoke`}
          cancelHref="/admin/system/api-keys"
          confirmLabel={t.apiKeys.confirm}
        />,
      );
    }
    await revokeCompanyApiKey(db, companyId, key.id);
    logger.info({ companyId, apiKeyId: key.id, requestId: c.get('requestId'), via: 'admin' }, 'API key revoked');
    // Revoking the key this session signed in with ends the session: the next page asks to sign in again.
    return redirectTo(c, own ? '/admin/sign-in' : '/admin/system/api-keys', own ? {} : { notice: 'api_key_revoked' });
  });
}
