import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import { addPerson, connectNewTenant, createSetup, runSetup } from '../support/sync-fixtures.js';
import { AdminClient, textOf, type Company } from './support/admin-client.js';

describe('admin pages: sign-in, session cookie, CSRF and tenancy', () => {
  let stack: TestStack;
  let mine: Company;
  let theirs: Company;
  let theirConnectionId: string;
  let theirSetupId: string;
  let theirRunId: string;

  beforeAll(async () => {
    stack = await startTestStack();
    [mine, theirs] = await Promise.all([
      onboardCompany(stack, { name: 'Mine' }),
      onboardCompany(stack, { name: 'Theirs' }),
    ]);
    const { tenantId, connectionId } = await connectNewTenant(stack, theirs, 'Their Tenant');
    const group = stack.sim.control.addGroup(tenantId, {
      displayName: 'Staff',
      members: [addPerson(stack, tenantId).id],
    });
    theirConnectionId = connectionId;
    theirSetupId = (await createSetup(stack, theirs, connectionId, group.id)).id;
    theirRunId = (await runSetup(stack, theirs, theirSetupId)).id;
  });
  afterAll(() => stack?.close());

  const signedIn = async (company: Company = mine, headers: Record<string, string> = {}) => {
    const client = new AdminClient(stack.app, headers);
    await client.signIn(company.key);
    return client;
  };
  const connectionCount = async () =>
    Number(
      (
        await stack.db
          .selectFrom('directory_connections')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('sends a visitor without a session to sign-in, and back to the page afterwards', async () => {
    const anonymous = new AdminClient(stack.app);
    for (const path of [
      '/admin',
      '/admin/system',
      '/admin/setup/new',
      '/admin/users?q=x',
      `/admin/runs/${theirRunId}`,
    ]) {
      const response = await anonymous.request('GET', path);
      expect([302, 303], path).toContain(response.status);
      const location = response.headers.get('location')!;
      if (path !== '/admin') expect(location).toBe(`/admin/sign-in?next=${encodeURIComponent(path)}`);
    }
    await anonymous.page('/admin/sign-in?next=%2Fadmin%2Fusers');
    const response = await anonymous.post('/admin/sign-in', { apiKey: mine.key, next: '/admin/users' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/users');
  });

  it('refuses a wrong key and the operator key, and follows `next` only inside /admin', async () => {
    const client = new AdminClient(stack.app);
    await client.page('/admin/sign-in');
    const wrong = await client.post('/admin/sign-in', { apiKey: 'dsk_not-a-key' });
    expect(wrong.status).toBe(401);
    expect(textOf(await wrong.text())).toContain('The API key is not valid or has been revoked.');
    const operator = await client.post('/admin/sign-in', { apiKey: stack.operatorKey });
    expect(textOf(await operator.text())).toContain('This is the operator key; sign in with a company API key.');
    expect((await client.request('GET', '/admin/system')).status).toBe(303);

    const offsite = await client.post('/admin/sign-in', { apiKey: mine.key, next: 'https://evil.example/admin' });
    expect(offsite.headers.get('location')).toBe('/admin/system');
  });

  it('keeps the session in a signed, httpOnly, SameSite=Lax cookie with ids only; a tampered cookie is no session', async () => {
    const client = new AdminClient(stack.app);
    await client.page('/admin/sign-in');
    const response = await client.post('/admin/sign-in', { apiKey: mine.key });
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('ds_admin_session='))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\/admin/);
    expect(cookie).not.toMatch(/; Secure/); // PUBLIC_BASE_URL is http here
    const [payload, signature] = decodeURIComponent(client.cookies.get('ds_admin_session')!).split('.');
    const session = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    expect(session).toMatchObject({ companyId: mine.companyId, keyId: expect.any(String), sid: expect.any(String) });
    expect(JSON.stringify(session)).not.toContain(mine.key);
    expect((await client.page('/admin/system')).status).toBe(200);

    // The same signature over another company's id: the signature no longer matches.
    const forged = Buffer.from(JSON.stringify({ ...session, companyId: theirs.companyId })).toString('base64url');
    client.cookies.set('ds_admin_session', encodeURIComponent(`${forged}.${signature}`));
    const refused = await client.request('GET', '/admin/system');
    expect(refused.status).toBe(303);
    expect(refused.headers.get('location')).toMatch(/^\/admin\/sign-in/);
  });

  it('marks the cookie Secure when the service is reached over https', async () => {
    const https = stack.appWith({ PUBLIC_BASE_URL: 'https://sync.example.com' });
    const client = new AdminClient(https.app);
    await client.page('/admin/sign-in');
    const response = await client.post('/admin/sign-in', { apiKey: mine.key });
    expect(response.headers.getSetCookie().find((line) => line.startsWith('ds_admin_session='))).toMatch(/; Secure/);
  });

  it('refuses a POST without, with a wrong, or with another session’s CSRF token (403) and changes nothing', async () => {
    const client = await signedIn();
    const other = await signedIn(theirs);
    const before = await connectionCount();
    const form = { provider: 'azure', tenantId: 'fabrikam.onmicrosoft.com' };
    for (const csrf of [null, 'wrong-token', other.csrf]) {
      const response = await client.post('/admin/system/connections', form, { csrf });
      expect(response.status).toBe(403);
      expect(textOf(await response.text())).toContain('The form has expired or did not come from this site.');
    }
    expect(await connectionCount()).toBe(before);

    expect((await other.post(`/admin/setup/${theirSetupId}/delete`, {}, { csrf: 'wrong-token' })).status).toBe(403);
    expect(
      await stack.db.selectFrom('sync_setups').select('id').where('id', '=', theirSetupId).executeTakeFirst(),
    ).toBeDefined();

    const anonymous = new AdminClient(stack.app);
    expect((await anonymous.post('/admin/sign-in', { apiKey: mine.key }, { csrf: null })).status).toBe(403);
  });

  it('answers 404 for another company’s connections, setups and runs, and changes nothing', async () => {
    const client = await signedIn();
    for (const path of [
      `/admin/setup/${theirSetupId}/edit`,
      `/admin/setup/${theirSetupId}/runs`,
      `/admin/runs/${theirRunId}`,
      `/admin/runs/${theirRunId}/progress`,
      '/admin/runs/not-a-uuid',
    ]) {
      const { status, html } = await client.page(path);
      expect(status, path).toBe(404);
      expect(textOf(html)).toContain('There is nothing here, or it belongs to another company.');
    }
    for (const path of [
      `/admin/system/connections/${theirConnectionId}/delete`,
      `/admin/system/connections/${theirConnectionId}/consent`,
      `/admin/setup/${theirSetupId}/delete`,
      `/admin/setup/${theirSetupId}/pause`,
      `/admin/setup/${theirSetupId}/run`,
      `/admin/setup/${theirSetupId}/edit`,
      `/admin/runs/${theirRunId}/approve`,
    ]) {
      expect((await client.post(path)).status, path).toBe(404);
    }
    expect(
      await stack.db
        .selectFrom('directory_connections')
        .select('id')
        .where('id', '=', theirConnectionId)
        .executeTakeFirst(),
    ).toBeDefined();
    const setup = await stack.db
      .selectFrom('sync_setups')
      .select(['id', 'status'])
      .where('id', '=', theirSetupId)
      .executeTakeFirstOrThrow();
    expect(setup.status).toBe('active');
  });

  it('signs out by ending the session on the server and clearing the cookie; a revoked key ends the session', async () => {
    const client = await signedIn();
    const copied = new Map(client.cookies); // what a stolen or left-behind cookie would replay
    const out = await client.post('/admin/sign-out');
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie().find((line) => line.startsWith('ds_admin_session='))).toMatch(/Max-Age=0/);
    expect((await client.request('GET', '/admin/system')).status).toBe(303);
    expect(textOf((await client.page('/admin/sign-in?signed_out=1')).html)).toContain('You are signed out.');
    const replay = new AdminClient(stack.app);
    for (const [name, value] of copied) replay.cookies.set(name, value);
    const replayed = await replay.request('GET', '/admin/system');
    expect(replayed.status).toBe(303);
    expect(replayed.headers.get('location')).toMatch(/^\/admin\/sign-in\?next=/);
    // the server keeps the session as the hash of its id, now ended
    const signedValue = decodeURIComponent(copied.get('ds_admin_session')!);
    const { sid } = JSON.parse(
      Buffer.from(signedValue.slice(0, signedValue.lastIndexOf('.')), 'base64url').toString('utf8'),
    );
    const row = await stack.db
      .selectFrom('admin_sessions')
      .selectAll()
      .where('sid_hash', '=', createHash('sha256').update(sid).digest('hex'))
      .executeTakeFirstOrThrow();
    expect(row.ended_at).not.toBeNull();
    expect(
      await stack.db.selectFrom('admin_sessions').select('sid_hash').where('sid_hash', '=', sid).executeTakeFirst(),
    ).toBeUndefined();

    const company = await onboardCompany(stack, { name: 'Revoked' });
    const revoked = await signedIn(company);
    expect((await revoked.page('/admin/system')).status).toBe(200);
    await stack.db
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('company_id', '=', company.companyId)
      .execute();
    expect((await revoked.request('GET', '/admin/system')).status).toBe(303);
  });

  it('tells a company without the module so, in its language', async () => {
    const company = await onboardCompany(stack, { name: 'No Module Inc', directorySync: false });
    const english = await signedIn(company);
    const page = await english.page('/admin/system');
    expect(page.status).toBe(403);
    expect(textOf(page.html)).toContain(
      'No Module Inc does not have the directory sync module. Ask your provider to enable it.',
    );
    const danish = await signedIn(company, { 'accept-language': 'da-DK,da;q=0.9,en;q=0.5' });
    expect(textOf((await danish.page('/admin/setup')).html)).toContain(
      'No Module Inc har ikke modulet til katalogsynkronisering.',
    );
  });

  it('sends security headers: scripts and styles only from our files, forms only here or to the consent page', async () => {
    const client = await signedIn();
    const { response } = await client.page('/admin/system');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`form-action 'self' ${stack.sim.url}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
