import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardCompany, startTestStack, waitFor, type TestStack } from '../support/stack.js';
import { addPerson, connectNewTenant, waitForRun } from '../support/sync-fixtures.js';
import { AdminClient, textOf, type Company } from './support/admin-client.js';

/** The pages' answers that a browser test would only show slowly: the service's refusals and the run guard. */
describe('admin pages: forms and actions', () => {
  let stack: TestStack;
  let company: Company;
  let admin: AdminClient;
  let tenantId: string;
  let connectionId: string;
  let groupId: string;

  const setupForm = (overrides: Record<string, string> = {}) => ({
    connectionId,
    customerTypeId: company.customerTypeId,
    resourceType: 'users',
    designation: 'Staff',
    groupId,
    updateExisting: 'on',
    deleteRemoved: 'on',
    matchOn: 'email',
    intervalMinutes: '60',
    'deletionThreshold.count': '0',
    'deletionThreshold.percent': '100',
    intent: 'save',
    ...overrides,
  });
  const errorOf = (html: string, field: string) =>
    textOf(new RegExp(`id="${field}-error"[^>]*>([^<]*)<`).exec(html)?.[1] ?? '');

  beforeAll(async () => {
    stack = await startTestStack();
    company = await onboardCompany(stack, { name: 'Forms Co' });
    ({ tenantId, connectionId } = await connectNewTenant(stack, company, 'Forms Tenant'));
    groupId = stack.sim.control.addGroup(tenantId, {
      displayName: 'Team',
      members: [addPerson(stack, tenantId).id, addPerson(stack, tenantId).id],
    }).id;
    admin = new AdminClient(stack.app);
    await admin.signIn(company.key);
  });
  afterAll(() => stack?.close());

  it('refuses a tenant ID that is not one, beside the field, keeping the designation', async () => {
    await admin.page('/admin/system/new');
    const response = await admin.post('/admin/system/connections', {
      provider: 'azure',
      designation: 'HQ',
      tenantId: 'common',
    });
    const html = await response.text();
    expect(response.status).toBe(400);
    expect(errorOf(html, 'tenantId')).toBe(
      'Enter the tenant ID (a GUID) or a verified domain such as contoso.onmicrosoft.com.',
    );
    expect(html).toContain('value="HQ"');
  });

  it('refuses a tenant that is already connected', async () => {
    const response = await admin.post('/admin/system/connections', { provider: 'azure', tenantId });
    expect(response.status).toBe(409);
    expect(errorOf(await response.text(), 'tenantId')).toBe('This tenant is already connected.');
  });

  it('shows the service’s refusals beside the fields: a group not in the tenant, a duplicate setup', async () => {
    await admin.page('/admin/setup/new');
    const missing = await admin.post('/admin/setup', setupForm({ groupId: randomUUID() }));
    expect(missing.status).toBe(422);
    expect(errorOf(await missing.text(), 'groupId')).toBe('There is no group with this id in the tenant.');

    const created = await admin.post('/admin/setup', setupForm());
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toMatch(
      /^\/admin\/setup\?notice=setup_created&setup=[0-9a-f-]{36}&users=2$/,
    );
    expect(textOf((await admin.page(created.headers.get('location')!)).html)).toContain(
      'The setup was created for Team (2 users in the group).',
    );

    const duplicate = await admin.post('/admin/setup', setupForm());
    expect(duplicate.status).toBe(409);
    expect(errorOf(await duplicate.text(), 'groupId')).toBe('This group already has a setup with this customer type.');
  });

  it('finds groups by name without JavaScript: Search and Use re-render the form with what was typed', async () => {
    stack.sim.control.addGroup(tenantId, { displayName: 'Team Alpha', members: [] });
    const searched = await admin.post(
      '/admin/setup',
      setupForm({ groupId: '', designation: 'Kept', groupSearch: 'Team', intent: 'search' }),
    );
    const html = await searched.text();
    expect(searched.status).toBe(200);
    expect((html.match(/name="pickGroup"/g) ?? []).length).toBe(2);
    expect(html).toContain('value="Kept"');
    const picked = await admin.post(
      '/admin/setup',
      setupForm({ groupId: '', groupSearch: 'Team', pickGroup: groupId, intent: '' }),
    );
    const pickedHtml = await picked.text();
    expect(pickedHtml).toContain(`id="groupId" name="groupId" value="${groupId}"`);
    expect(textOf(pickedHtml)).toContain('Chosen: Team');
  });

  it('refuses to delete a connection that setups use', async () => {
    const response = await admin.post(`/admin/system/connections/${connectionId}/delete`);
    expect(response.status).toBe(409);
    expect(textOf(await response.text())).toContain('1 setup(s) use this connection; delete them first.');
  });

  it('holds a removal for approval; Run now shows the held run; rejecting keeps everyone', async () => {
    const setup = await stack.db
      .selectFrom('sync_setups')
      .selectAll()
      .where('company_id', '=', company.companyId)
      .executeTakeFirstOrThrow();
    const first = await admin.post(`/admin/setup/${setup.id}/run`);
    const firstRunId = first.headers.get('location')!.split('/').at(-1)!;
    expect((await waitForRun(stack, company, firstRunId)).counts.created).toBe(2);
    // a create's reason names the customer type by its name, in either language, never by its id
    const createdPage = textOf((await admin.page(`/admin/runs/${firstRunId}?action=create`)).html);
    expect(createdPage).toContain('created in customer type Employees');
    expect(createdPage).not.toContain(company.customerTypeId);

    const [leaving] = stack.sim.control.transitiveUserIds(tenantId, groupId);
    stack.sim.control.removeMember(tenantId, groupId, leaving!);
    const held = await admin.post(`/admin/setup/${setup.id}/run`);
    const heldRunId = held.headers.get('location')!.split('/').at(-1)!;
    expect((await waitForRun(stack, company, heldRunId, 'awaiting_approval')).status).toBe('awaiting_approval');

    const again = await admin.post(`/admin/setup/${setup.id}/run`);
    expect(again.headers.get('location')).toBe(`/admin/runs/${heldRunId}?notice=already_active`);
    const prompt = textOf((await admin.page(again.headers.get('location')!)).html);
    expect(prompt).toContain('A run of this setup is already in progress; here it is.');
    expect(prompt).toContain('it would remove 1 users');

    const rejected = await admin.post(`/admin/runs/${heldRunId}/reject`);
    expect(rejected.headers.get('location')).toBe(`/admin/runs/${heldRunId}?notice=rejected`);
    const done = await waitForRun(stack, company, heldRunId);
    expect(done.counts).toMatchObject({ deleted: 0, skipped: 1 });
    const late = await admin.post(`/admin/runs/${heldRunId}/approve`);
    expect(late.headers.get('location')).toBe(`/admin/runs/${heldRunId}?notice=not_awaiting`);
    expect(textOf((await admin.page(`/admin/runs/${heldRunId}?action=skip`)).html)).toContain('removals rejected');
    // the same stored reason on the Danish page, in Danish
    const danish = new AdminClient(stack.app, { 'accept-language': 'da' });
    await danish.signIn(company.key);
    const danishChanges = textOf((await danish.page(`/admin/runs/${heldRunId}?action=skip`)).html);
    expect(danishChanges).toContain('fjernelserne blev afvist: 1 fjernelse er flere end grænsen på 0');
    expect(danishChanges).not.toContain('removals rejected');
  });

  it('answers the live progress as JSON in the page’s language', async () => {
    const run = await stack.db
      .selectFrom('sync_runs')
      .select('id')
      .where('company_id', '=', company.companyId)
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    const danish = new AdminClient(stack.app, { 'accept-language': 'da' });
    await danish.signIn(company.key);
    const progress = await waitFor(async () => {
      const body = await (await danish.request('GET', `/admin/runs/${run.id}/progress`)).json();
      return body.status === 'succeeded' ? body : undefined;
    });
    expect(progress).toMatchObject({ status: 'succeeded', statusLabel: 'Gennemført', active: false, phase: 'Færdig' });
  });

  it('shows stored reasons from their codes in the page’s language; a row stored before codes shows its text', async () => {
    const other = stack.sim.control.addGroup(tenantId, { displayName: 'Paused group', members: [] });
    const created = await admin.post('/admin/setup', setupForm({ groupId: other.id, designation: 'Pausable' }));
    const setupId = new URL(created.headers.get('location')!, 'http://x').searchParams.get('setup')!;
    expect((await admin.post(`/admin/setup/${setupId}/pause`)).status).toBe(303);
    const stored = await stack.db
      .selectFrom('sync_setups')
      .select(['status_reason', 'status_reason_detail'])
      .where('id', '=', setupId)
      .executeTakeFirstOrThrow();
    // the English text stays for the API and the audit; the code is what the pages render
    expect(stored).toEqual({
      status_reason: 'paused by an administrator',
      status_reason_detail: { code: 'pausedByAdmin', params: {} },
    });
    const danish = new AdminClient(stack.app, { 'accept-language': 'da' });
    await danish.signIn(company.key);
    const row = (html: string) => textOf(new RegExp(`id="setup-${setupId}"[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '');
    expect(row(await (await danish.request('GET', '/admin/setup')).text())).toContain(
      'sat på pause af en administrator',
    );
    expect(row(await (await admin.request('GET', '/admin/setup')).text())).toContain('paused by an administrator');

    // a row written before reasons had codes: its stored text, in either language
    await stack.db
      .updateTable('sync_setups')
      .set({ status_reason: 'paused for an old reason', status_reason_detail: null })
      .where('id', '=', setupId)
      .execute();
    expect(row(await (await danish.request('GET', '/admin/setup')).text())).toContain('paused for an old reason');
    await admin.post(`/admin/setup/${setupId}/delete`, { confirm: 'yes' });
  });

  it('asks before deleting a setup, in the page’s language; only the confirmation deletes it and the users stay', async () => {
    const other = stack.sim.control.addGroup(tenantId, { displayName: 'Short-lived', members: [] });
    const created = await admin.post('/admin/setup', setupForm({ groupId: other.id, designation: 'Temporary' }));
    const setupId = new URL(created.headers.get('location')!, 'http://x').searchParams.get('setup')!;
    const exists = async () =>
      (await stack.db.selectFrom('sync_setups').select('id').where('id', '=', setupId).executeTakeFirst()) !==
      undefined;
    const usersBefore = await stack.db
      .selectFrom('users')
      .select('id')
      .where('company_id', '=', company.companyId)
      .execute();

    const asked = await admin.post(`/admin/setup/${setupId}/delete`);
    expect(asked.status).toBe(200);
    const html = await asked.text();
    expect(textOf(html)).toContain('Delete the setup “Temporary”?');
    expect(textOf(html)).toContain('The users it created stay in the product, no longer managed by a setup.');
    expect(html).toContain('name="confirm" value="yes"');
    expect(await exists()).toBe(true);

    const danish = new AdminClient(stack.app, { 'accept-language': 'da' });
    await danish.signIn(company.key);
    expect(textOf(await (await danish.post(`/admin/setup/${setupId}/delete`)).text())).toContain(
      'Slet opsætningen “Temporary”?',
    );
    expect(await exists()).toBe(true);

    const confirmed = await admin.post(`/admin/setup/${setupId}/delete`, { confirm: 'yes' });
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe('/admin/setup?notice=setup_deleted');
    expect(await exists()).toBe(false);
    expect(
      await stack.db.selectFrom('users').select('id').where('company_id', '=', company.companyId).execute(),
    ).toHaveLength(usersBefore.length);
  });

  it('adds a customer type on the Setup tab; an empty or taken name is refused beside the field and adds nothing', async () => {
    const types = async () =>
      (await stack.db.selectFrom('customer_types').select('name').where('company_id', '=', company.companyId).execute())
        .map((r) => r.name)
        .sort();
    const before = await types();

    const added = await admin.post('/admin/customer-types', { name: '  Contractors ' });
    expect(added.status).toBe(303);
    const tab = textOf((await admin.page(added.headers.get('location')!)).html);
    expect(tab).toContain('The customer type Contractors was added.');
    expect(await types()).toEqual([...before, 'Contractors'].sort());

    const empty = await admin.post('/admin/customer-types', { name: '   ' });
    expect(empty.status).toBe(400);
    expect(errorOf(await empty.text(), 'name')).toBe('Enter a name.');
    const taken = await admin.post('/admin/customer-types', { name: 'Contractors' });
    expect(taken.status).toBe(409);
    const takenHtml = await taken.text();
    expect(errorOf(takenHtml, 'name')).toBe('A customer type with this name already exists.');
    expect(takenHtml).toContain('value="Contractors"');
    const tooLong = await admin.post('/admin/customer-types', { name: 'x'.repeat(201) });
    expect(tooLong.status).toBe(400);
    expect(errorOf(await tooLong.text(), 'name')).toBe('At most 200 characters.');
    expect(await types()).toEqual([...before, 'Contractors'].sort());

    // the new type is offered by the setup form
    expect((await admin.page('/admin/setup/new')).html).toContain('>Contractors</option>');
  });

  it('searches the users page', async () => {
    const users = await stack.db
      .selectFrom('users')
      .select(['email'])
      .where('company_id', '=', company.companyId)
      .execute();
    const { html } = await admin.page(`/admin/users?q=${encodeURIComponent(users[0]!.email!)}`);
    expect(textOf(html)).toContain('1 user');
    expect(textOf(html)).toContain(users[0]!.email!);
  });
});
