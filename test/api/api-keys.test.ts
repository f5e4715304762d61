import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/api/keys.js';
import { createTestApi, createTestCompany, type TestApi } from '../support/api.js';
import { AdminClient, textOf } from '../admin/support/admin-client.js';

describe('API keys: listed and revoked by the operator and on the admin pages', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api?.close());

  async function newKey(companyId: string, name: string) {
    const res = await api.call('POST', `/api/v1/companies/${companyId}/api-keys`, {
      key: api.operatorKey,
      body: { name },
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; key: string; prefix: string };
  }

  it('lists a company’s keys with prefix, name, created and last used — never the key or its hash', async () => {
    const { company, key: firstKey } = await createTestCompany(api.db);
    const second = await newKey(company.id, 'ci pipeline');
    const res = await api.call('GET', `/api/v1/companies/${company.id}/api-keys`, { key: api.operatorKey });
    expect(res.status).toBe(200);
    const text = await res.clone().text();
    const { items } = await res.json();
    expect(items).toHaveLength(2);
    expect(items[0]).toEqual({
      id: second.id,
      name: 'ci pipeline',
      prefix: second.prefix,
      createdAt: expect.any(String),
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(Object.keys(items[1]).sort()).toEqual(['createdAt', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt']);
    for (const secret of [firstKey, second.key, hashApiKey(firstKey), hashApiKey(second.key)])
      expect(text).not.toContain(secret);

    // Only the operator; another company's key sees nothing, and an unknown company is 404.
    expect((await api.call('GET', `/api/v1/companies/${company.id}/api-keys`, { key: firstKey })).status).toBe(403);
    expect(
      (
        await api.call('GET', '/api/v1/companies/00000000-0000-4000-8000-000000000000/api-keys', {
          key: api.operatorKey,
        })
      ).status,
    ).toBe(404);
  });

  it('records the last use, at most once a minute', async () => {
    const { company } = await createTestCompany(api.db);
    const key = await newKey(company.id, 'used');
    expect((await api.call('GET', '/api/v1/me', { key: key.key })).status).toBe(200);
    const first = (
      await api.db.selectFrom('api_keys').select('last_used_at').where('id', '=', key.id).executeTakeFirstOrThrow()
    ).last_used_at;
    expect(first).toBeInstanceOf(Date);
    expect((await api.call('GET', '/api/v1/me', { key: key.key })).status).toBe(200);
    const again = (
      await api.db.selectFrom('api_keys').select('last_used_at').where('id', '=', key.id).executeTakeFirstOrThrow()
    ).last_used_at;
    expect(again!.getTime()).toBe(first!.getTime()); // within the minute: no write
    // Two minutes later (moved back in the database), the next use writes again.
    await api.db
      .updateTable('api_keys')
      .set({ last_used_at: new Date(Date.now() - 120_000) })
      .where('id', '=', key.id)
      .execute();
    expect((await api.call('GET', '/api/v1/me', { key: key.key })).status).toBe(200);
    const later = (
      await api.db.selectFrom('api_keys').select('last_used_at').where('id', '=', key.id).executeTakeFirstOrThrow()
    ).last_used_at;
    expect(Date.now() - later!.getTime()).toBeLessThan(30_000);
    const listed = (
      await (await api.call('GET', `/api/v1/companies/${company.id}/api-keys`, { key: api.operatorKey })).json()
    ).items;
    expect(listed.find((k: { id: string }) => k.id === key.id).lastUsedAt).toBe(later!.toISOString());
  });

  it('the operator revokes a key: the API refuses it and its admin session ends at once; other keys keep working', async () => {
    const { company, key: keep } = await createTestCompany(api.db);
    const doomed = await newKey(company.id, 'laptop');
    const admin = new AdminClient(api.app);
    await admin.signIn(doomed.key);
    expect((await admin.page('/admin/system')).status).toBe(200);

    // Another company's key id through this company is 404, and changes nothing.
    const other = await createTestCompany(api.db);
    expect(
      (
        await api.call('DELETE', `/api/v1/companies/${other.company.id}/api-keys/${doomed.id}`, {
          key: api.operatorKey,
        })
      ).status,
    ).toBe(404);
    expect(
      (await api.call('DELETE', `/api/v1/companies/${company.id}/api-keys/${doomed.id}`, { key: keep })).status,
    ).toBe(403);
    expect((await api.call('GET', '/api/v1/me', { key: doomed.key })).status).toBe(200);

    expect(
      (await api.call('DELETE', `/api/v1/companies/${company.id}/api-keys/${doomed.id}`, { key: api.operatorKey }))
        .status,
    ).toBe(204);
    const refused = await api.call('GET', '/api/v1/me', { key: doomed.key });
    expect(refused.status).toBe(401);
    expect((await refused.json()).error.code).toBe('invalid_api_key');
    expect((await admin.request('GET', '/admin/system')).status).toBe(303);
    expect((await api.call('GET', '/api/v1/me', { key: keep })).status).toBe(200);
    // Again: still revoked, still 204; listed as revoked only when asked.
    expect(
      (await api.call('DELETE', `/api/v1/companies/${company.id}/api-keys/${doomed.id}`, { key: api.operatorKey }))
        .status,
    ).toBe(204);
    const active = (
      await (await api.call('GET', `/api/v1/companies/${company.id}/api-keys`, { key: api.operatorKey })).json()
    ).items;
    expect(active.map((k: { id: string }) => k.id)).not.toContain(doomed.id);
    const all = (
      await (
        await api.call('GET', `/api/v1/companies/${company.id}/api-keys?includeRevoked=true`, { key: api.operatorKey })
      ).json()
    ).items;
    expect(all.find((k: { id: string }) => k.id === doomed.id).revokedAt).toEqual(expect.any(String));
  });

  it('admin pages: the company lists its keys and revokes one after a confirmation page, with CSRF', async () => {
    const { company, key: mine } = await createTestCompany(api.db);
    const laptop = await newKey(company.id, 'laptop');
    const theirs = await createTestCompany(api.db);
    const theirKeyId = (
      await api.db
        .selectFrom('api_keys')
        .select('id')
        .where('company_id', '=', theirs.company.id)
        .executeTakeFirstOrThrow()
    ).id;
    const admin = new AdminClient(api.app);
    await admin.signIn(mine);
    expect((await admin.page('/admin/system')).html).toContain('href="/admin/system/api-keys"');

    const list = await admin.page('/admin/system/api-keys');
    expect(list.status).toBe(200);
    const text = textOf(list.html);
    expect(text).toContain('laptop');
    expect(text).toContain(`${laptop.prefix}…`);
    expect(text).toContain('(this session)');
    expect(list.html).not.toContain(laptop.key);
    expect(list.html).not.toContain(hashApiKey(laptop.key));

    // Without the CSRF token: refused, nothing revoked.
    expect(
      (await admin.post(`/admin/system/api-keys/${laptop.id}/revoke`, { confirm: 'yes' }, { csrf: null })).status,
    ).toBe(403);
    expect((await api.call('GET', '/api/v1/me', { key: laptop.key })).status).toBe(200);
    // Another company's key: 404.
    expect((await admin.post(`/admin/system/api-keys/${theirKeyId}/revoke`, { confirm: 'yes' })).status).toBe(404);
    expect((await api.call('GET', '/api/v1/me', { key: theirs.key })).status).toBe(200);

    // The row's button asks first; nothing is revoked yet.
    const confirm = await admin.post(`/admin/system/api-keys/${laptop.id}/revoke`);
    expect(confirm.status).toBe(200);
    expect(textOf(await confirm.text())).toContain(`Revoke the API key “laptop” (${laptop.prefix}…)?`);
    expect((await api.call('GET', '/api/v1/me', { key: laptop.key })).status).toBe(200);
    const done = await admin.post(`/admin/system/api-keys/${laptop.id}/revoke`, { confirm: 'yes' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/admin/system/api-keys?notice=api_key_revoked');
    expect((await api.call('GET', '/api/v1/me', { key: laptop.key })).status).toBe(401);
    const after = textOf((await admin.page('/admin/system/api-keys?notice=api_key_revoked')).html);
    expect(after).toContain('The API key was revoked.');
    expect(after).not.toContain('laptop');

    // Revoking the key this session signed in with signs it out.
    const ownId = (
      await api.db
        .selectFrom('api_keys')
        .select('id')
        .where('key_hash', '=', hashApiKey(mine))
        .executeTakeFirstOrThrow()
    ).id;
    const own = await admin.post(`/admin/system/api-keys/${ownId}/revoke`, { confirm: 'yes' });
    expect(own.headers.get('location')).toBe('/admin/sign-in');
    expect((await admin.request('GET', '/admin/system/api-keys')).status).toBe(303);
  });

  it('admin pages in Danish', async () => {
    const { company, key } = await createTestCompany(api.db);
    const laptop = await newKey(company.id, 'bærbar');
    const admin = new AdminClient(api.app, { 'accept-language': 'da' });
    await admin.signIn(key);
    const text = textOf((await admin.page('/admin/system/api-keys')).html);
    expect(text).toContain('API-nøgler');
    expect(text).toContain('Sidst brugt');
    expect(text).toContain('Tilbagekald');
    const confirm = textOf(await (await admin.post(`/admin/system/api-keys/${laptop.id}/revoke`)).text());
    expect(confirm).toContain('Tilbagekald API-nøglen “bærbar”');
    expect(confirm).toContain('Ja, tilbagekald');
  });
});
