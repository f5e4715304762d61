/**
 * Syncs from a real Active Directory (Samba) through the real service: the API, the worker, the sync workflow and
 * its activities, the LDAP provider. A nested group under an OU with a filter; then, run by run: a user added
 * (through the nested group), one changed, one disabled, one moved out of the OU, one deleted, one re-added — by
 * incremental runs (highestCommittedUSN/uSNChanged); the fallback to a full read when another DC database
 * (invocationId) answers; a malformed filter refused on save; a wrong bind password failing the run.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptBindPassword } from '../../src/directory/ldap/stored-connection.js';
import { onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import { changesOf, runSetup, usersOf } from '../support/sync-fixtures.js';
import { dcInfo, uniqueOu } from './fixtures.js';
import { AdminClient, textOf } from '../admin/support/admin-client.js';
import { DirectoryAdmin } from './samba.js';

const dc = dcInfo();
const secretsKey = randomBytes(32).toString('base64');
const root = uniqueOu('sync', dc);
const tag = root.slice(8, 16);
const staffOu = `OU=Staff,${root}`;
const otherOu = `OU=Other,${root}`;
const everyone = `CN=Everyone ${tag},${root}`;
const team = `CN=Team ${tag},${otherOu}`;
const dn = (cn: string, ou = staffOu) => `CN=${cn},${ou}`;
const mail = (name: string) => `${name}.${tag}@contoso.test`;

let stack: TestStack;
let company: Awaited<ReturnType<typeof onboardCompany>>;
let admin: DirectoryAdmin;
let connectionId: string;
let setupId: string;

const byEmail = async () => new Map((await usersOf(stack, company.companyId)).map((u) => [u.email, u]));

beforeAll(async () => {
  stack = await startTestStack({ config: { SECRETS_KEY: secretsKey } });
  company = await onboardCompany(stack, { name: 'AD Sync Co' });
  admin = await DirectoryAdmin.connect(dc);
  for (const ou of [root, staffOu, otherOu]) await admin.addOu(ou);
  await admin.addGroup(everyone, `everyone-${tag}`);
  await admin.addGroup(team, `team-${tag}`);
  await admin.addMember(everyone, team); // Everyone ⊃ Team
  const people: [string, string, Parameters<DirectoryAdmin['addUser']>[1], string][] = [
    [
      'Anne',
      staffOu,
      {
        sAMAccountName: `anne-${tag}`,
        givenName: 'Anne',
        sn: 'Hansen',
        mail: mail('anne'),
        department: 'Sales',
        title: 'Seller',
      },
      team,
    ],
    [
      'Bo',
      staffOu,
      { sAMAccountName: `bo-${tag}`, givenName: 'Bo', userPrincipalName: mail('bo'), department: 'Sales' },
      everyone,
    ],
    ['Carl', staffOu, { sAMAccountName: `carl-${tag}`, mail: mail('carl'), department: 'HR' }, everyone], // filtered out
    ['Dora', otherOu, { sAMAccountName: `dora-${tag}`, mail: mail('dora'), department: 'Sales' }, team], // outside the OU
  ];
  for (const [cn, ou, user, group] of people) {
    await admin.addUser(dn(cn, ou), user);
    await admin.addMember(group, dn(cn, ou));
  }
  const created = await stack.call('POST', '/api/v1/connections', {
    key: company.key,
    body: {
      provider: 'ldap',
      url: dc.ldapsUrl,
      bindDn: dc.adminDn,
      bindPassword: dc.adminPassword,
      caCertificatePem: readFileSync(dc.caFile, 'utf8'),
      baseDn: dc.baseDn,
    },
  });
  const connection = await created.json();
  expect(connection.status, JSON.stringify(connection)).toBe('connected');
  connectionId = connection.id;
});
afterAll(async () => {
  await admin?.deleteTree(root).catch(() => undefined);
  await admin?.close();
  await stack?.close();
});

const setupBody = (overrides: Record<string, unknown> = {}) => ({
  connectionId,
  customerTypeId: company.customerTypeId,
  groupId: everyone,
  ldapPath: staffOu,
  ldapFilter: '(department=Sales)',
  updateExisting: true,
  deleteRemoved: true,
  matchOn: 'email',
  deletionThreshold: { count: 500, percent: 100 },
  ...overrides,
});

describe('a setup on an Active Directory connection', () => {
  it('refuses a malformed filter or LDAP path on save, saying where, and stores nothing', async () => {
    for (const [field, overrides, where] of [
      ['ldapFilter', { ldapFilter: '(department=Sales' }, /malformed at character 18/],
      ['ldapFilter', { ldapFilter: '(&(department=Sales)(title=))x' }, /malformed at character/],
      ['ldapPath', { ldapPath: 'OU=Staff,,DC=x' }, /malformed at character 10/],
    ] as const) {
      const res = await stack.call('POST', '/api/v1/setups', { key: company.key, body: setupBody(overrides) });
      const body = await res.json();
      expect(res.status, JSON.stringify(body)).toBe(400);
      // the position in details as for a mapping's expression (issue 16): where the text stops being valid
      expect(body.error.details).toEqual([
        { field, reason: expect.stringMatching(where), position: expect.any(Number) },
      ]);
    }
    const setups = await (await stack.call('GET', '/api/v1/setups', { key: company.key })).json();
    expect(setups.items).toEqual([]);
  });

  it('first sync: the Sales members of the nested group under the OU, and nobody else', async () => {
    const res = await stack.call('POST', '/api/v1/setups', { key: company.key, body: setupBody() });
    const setup = await res.json();
    expect(res.status, JSON.stringify(setup)).toBe(201);
    expect(setup.group).toMatchObject({ id: everyone, displayName: `Everyone ${tag}` });
    expect(setup.initialsAttributes).toEqual(['sAMAccountName']);
    setupId = setup.id;
    const run = await runSetup(stack, company, setupId);
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'succeeded', mode: 'full', counts: { created: 2 } });
    const users = await byEmail();
    expect([...users.keys()].sort()).toEqual([mail('anne'), mail('bo')]);
    expect(users.get(mail('anne'))).toMatchObject({
      first_name: 'Anne',
      last_name: 'Hansen',
      department: 'Sales',
      job_title: 'Seller',
      active: true,
      managing_setup_id: setupId,
      external_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
    });
  });

  it('"Test" shows how many users a path and filter select, and the first ten, without saving', async () => {
    const test = (body: Record<string, unknown>) =>
      stack.call('POST', `/api/v1/connections/${connectionId}/scope-test`, { key: company.key, body });
    const sales = await (await test({ groupId: everyone, ldapPath: staffOu, ldapFilter: '(department=Sales)' })).json();
    expect(sales.count).toBe(2);
    expect(sales.first.map((u: { email: string }) => u.email).sort()).toEqual([mail('anne'), mail('bo')]);
    const all = await (await test({ groupId: everyone })).json(); // no path: the base DN; no filter
    expect(all.count).toBe(4);
    const bad = await test({ groupId: everyone, ldapFilter: '(department=Sales' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details[0]).toMatchObject({ field: 'ldapFilter' });
    const missing = await test({ groupId: `CN=Nobody,${root}` });
    expect(missing.status).toBe(422);
    const setup = await (await stack.call('GET', `/api/v1/setups/${setupId}`, { key: company.key })).json();
    expect(setup.ldapFilter).toBe('(department=Sales)');
  });

  it('the setup form\'s "Test path and filter" button shows the same, in Danish too, without saving', async () => {
    const admin = new AdminClient(stack.app);
    await admin.signIn(company.key);
    await admin.page('/admin/setup/new?lang=da');
    const fields = { connectionId, customerTypeId: company.customerTypeId, groupId: everyone, intent: 'test-scope' };
    const response = await admin.post('/admin/setup', {
      ...fields,
      ldapPath: staffOu,
      ldapFilter: '(department=Sales)',
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('data-count="2"');
    expect(textOf(html)).toContain('2 brugere passer.');
    expect(textOf(html)).toContain(mail('anne'));
    const bad = await admin.post('/admin/setup', { ...fields, ldapFilter: '(department=Sales' });
    expect(bad.status).toBe(400);
    expect(textOf(await bad.text())).toMatch(/malformed at character 18/);
    const setups = await (await stack.call('GET', '/api/v1/setups', { key: company.key })).json();
    expect(setups.items).toHaveLength(1);
  });

  it('an incremental run: a user added through the nested group, one changed, one disabled', async () => {
    await admin.addUser(dn('Eve'), { sAMAccountName: `eve-${tag}`, mail: mail('eve'), department: 'Sales' });
    await admin.addMember(team, dn('Eve'));
    await admin.replace(dn('Anne'), 'title', 'Head of Sales');
    await admin.setDisabled(dn('Bo'), true);
    const run = await runSetup(stack, company, setupId);
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'succeeded', mode: 'delta', counts: { created: 1 } });
    const users = await byEmail();
    expect(users.get(mail('eve'))?.active).toBe(true);
    expect(users.get(mail('anne'))?.job_title).toBe('Head of Sales');
    expect(users.get(mail('bo'))?.active).toBe(false);
  });

  it('a user moved out of the OU is removed, with the reason', async () => {
    const anne = (await byEmail()).get(mail('anne'))!;
    await admin.move(dn('Anne'), dn('Anne', otherOu));
    const run = await runSetup(stack, company, setupId);
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'succeeded', mode: 'delta', counts: { deleted: 1 } });
    const changes = await changesOf(stack, company, run.id);
    const removal = changes.find((c) => c.externalId === anne.external_id);
    expect(String(removal?.reason)).toMatch(/^not a member of the group any more/);
    expect((await byEmail()).has(mail('anne'))).toBe(false);
  });

  it('a user deleted in AD is removed as deleted in the directory', async () => {
    const eve = (await byEmail()).get(mail('eve'))!;
    await admin.delete(dn('Eve'));
    const run = await runSetup(stack, company, setupId);
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'succeeded', mode: 'delta', counts: { deleted: 1 } });
    const removal = (await changesOf(stack, company, run.id)).find((c) => c.externalId === eve.external_id);
    expect(String(removal?.reason)).toMatch(/deleted in/);
  });

  it('a user moved back into the OU is added again, with the same directory id', async () => {
    await admin.move(dn('Anne', otherOu), dn('Anne'));
    const run = await runSetup(stack, company, setupId);
    expect(run, JSON.stringify(run)).toMatchObject({ status: 'succeeded', mode: 'delta', counts: { created: 1 } });
    expect((await byEmail()).get(mail('anne'))?.job_title).toBe('Head of Sales');
  });

  it('a quiet incremental run changes nothing', async () => {
    const run = await runSetup(stack, company, setupId);
    expect(run).toMatchObject({ status: 'succeeded', mode: 'delta', counts: { created: 0, updated: 0, deleted: 0 } });
  });

  it('another DC database (another invocationId) makes the next run a full read, which says why', async () => {
    await stack.db
      .updateTable('sync_delta_state')
      .set({
        state: JSON.stringify({
          dnsHostName: 'dc2.contoso.test',
          invocationId: '00000000-0000-4000-8000-000000000002',
          usn: '1',
        }),
      })
      .where('setup_id', '=', setupId)
      .execute();
    const run = await runSetup(stack, company, setupId);
    expect(run, JSON.stringify(run)).toMatchObject({
      status: 'succeeded',
      mode: 'full',
      counts: { created: 0, deleted: 0 },
    });
    expect(run.progress.fullReason).toMatch(/another domain controller database answered/);
    const next = await runSetup(stack, company, setupId);
    expect(next.mode).toBe('delta');
  });

  it('a wrong bind password fails the run with the reason, removing nobody', async () => {
    const before = await usersOf(stack, company.companyId);
    await stack.db
      .updateTable('directory_connections')
      .set({ ldap_bind_password_encrypted: encryptBindPassword('not-the-password', secretsKey, connectionId) })
      .where('id', '=', connectionId)
      .execute();
    const run = await runSetup(stack, company, setupId, { fullSync: true });
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/result 49/);
    expect(await usersOf(stack, company.companyId)).toEqual(before);
  });
});
