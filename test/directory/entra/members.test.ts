import { PageIterator } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  directoryUserSelect,
  findGroups,
  pageGroupUserBytes,
  pageGroupUserObjects,
  pageGroupUsers,
  parseDirectoryUser,
  type GroupUsersPage,
} from '../../../src/directory/entra/members.js';
import { entraEmail } from '../../../src/directory/entra/directory-user.js';
import { scannedUserText } from '../../../src/directory/entra/user-page-scan.js';
import type { Simulator } from '../../../src/simulator/server.js';
import { connect, startTestSimulator } from '../../simulator/helpers.js';
import { loadFixture } from '../../simulator/shapes.js';

let sim: Simulator;
const allStaff = () => sim.demo.groups[0]!;

beforeAll(async () => {
  sim = await startTestSimulator({ users: 2_500 });
});
afterAll(() => sim.close());

describe('pageGroupUsers', () => {
  it('yields every transitive user page by page, with the count on the first page and the selected attributes', async () => {
    const { client } = connect(sim);
    const pages = [];
    for await (const page of pageGroupUsers(client, allStaff().id)) pages.push(page);
    expect(pages.map((p) => p.users.length)).toEqual([999, 999, 502]);
    expect(pages[0]!.count).toBe(2_500);
    expect(pages.slice(1).every((p) => p.count === undefined)).toBe(true);
    expect(pages.map((p) => p.nextLink === null)).toEqual([false, false, true]);
    const users = pages.flatMap((p) => p.users);
    expect(new Set(users.map((u) => u.id)).size).toBe(2_500);
    const stored = sim.control.tenant(sim.demo.tenantId).users.get(users[0]!.id)!;
    // The Entra mapper's rules: mail (else a non-guest UPN) is the email, accountEnabled → enabled, userType → guest.
    expect(users[0]).toEqual({
      id: stored.id,
      email: entraEmail(stored.mail, stored.userPrincipalName),
      displayName: stored.displayName,
      givenName: stored.givenName,
      surname: stored.surname,
      phone: stored.businessPhones[0] ?? null,
      mobilePhone: stored.mobilePhone,
      department: stored.department,
      jobTitle: stored.jobTitle,
      officeLocation: stored.officeLocation,
      enabled: stored.accountEnabled,
      guest: stored.userType === 'Guest',
      attributes: expect.objectContaining({
        id: stored.id,
        displayName: stored.displayName,
        givenName: stored.givenName,
        surname: stored.surname,
        mail: stored.mail,
        userPrincipalName: stored.userPrincipalName,
        mailNickname: stored.mailNickname,
        jobTitle: stored.jobTitle,
        department: stored.department,
        mobilePhone: stored.mobilePhone,
        businessPhones: stored.businessPhones[0] ?? null,
        officeLocation: stored.officeLocation,
        employeeId: stored.employeeId,
        onPremisesSamAccountName: stored.onPremisesSamAccountName,
        accountEnabled: String(stored.accountEnabled),
        userType: stored.userType,
      }),
    });
    // what a mapping may read (issue 16): the extension attributes flattened with dots, unset ones null
    expect(users[0]!.attributes).toMatchObject({
      preferredLanguage: stored.preferredLanguage,
      companyName: null,
      'onPremisesExtensionAttributes.extensionAttribute1': null,
      'onPremisesExtensionAttributes.extensionAttribute15': null,
    });
  });

  it('sends ConsistencyLevel: eventual and $count=true on every page', async () => {
    sim.control.clearRequests();
    const { client } = connect(sim);
    for await (const _page of pageGroupUsers(client, allStaff().id, { top: 800 })) void _page;
    const pages = sim.control.requests({ urlIncludes: '/transitiveMembers/' });
    expect(pages).toHaveLength(4);
    for (const request of pages) {
      expect(request.consistencyLevel).toBe('eventual');
      expect(request.url).toMatch(/[?&]\$count=true/);
      expect(request.url).toMatch(/\$top=800/);
    }
  });

  it('resumes from a stored nextLink, even one without $count, and loses nothing', async () => {
    const { client } = connect(sim);
    const first = (await pageGroupUsers(client, allStaff().id, { top: 999 }).next()).value as GroupUsersPage;
    const cursor = first.nextLink!;
    const seen = new Set(first.users.map((u) => u.id));
    // A fresh client, as after a worker restart.
    const { client: again } = connect(sim);
    sim.control.clearRequests();
    for await (const page of pageGroupUsers(again, allStaff().id, { cursor: cursor.replace(/&?\$count=true/, '') }))
      for (const u of page.users) seen.add(u.id);
    expect(seen.size).toBe(2_500);
    expect(sim.control.requests({ urlIncludes: '/transitiveMembers/' }).every((r) => /\$count=true/.test(r.url))).toBe(
      true,
    );
  });

  it('the SDK’s own PageIterator pages the same list when given the header to resend', async () => {
    const { client } = connect(sim);
    const first = await client
      .api(`/groups/${allStaff().id}/transitiveMembers/microsoft.graph.user`)
      .header('ConsistencyLevel', 'eventual')
      .query({ $count: 'true' })
      .select('id')
      .top(999)
      .get();
    let count = 0;
    await new PageIterator(client, first, () => ++count > 0, { headers: { ConsistencyLevel: 'eventual' } }).iterate();
    expect(count).toBe(2_500);
  });
});

describe('pageGroupUserBytes', () => {
  it('pages the same users as pageGroupUserObjects, each user cut from the bytes Graph sent', async () => {
    const { client } = connect(sim);
    const objects = [];
    for await (const page of pageGroupUserObjects(client, allStaff().id, { top: 999 })) objects.push(page);
    const scanned = [];
    for await (const page of pageGroupUserBytes(client, allStaff().id, { top: 999 })) scanned.push(page);
    expect(scanned.map((p) => [p.nextLink !== null, p.count])).toEqual(
      objects.map((p) => [p.nextLink !== null, p.count]),
    );
    expect(scanned.every((p) => p.scanned !== undefined && p.objects === undefined)).toBe(true);
    expect(scanned.flatMap((p) => p.scanned!.map((u) => u.id))).toEqual(
      objects.flatMap((p) => p.objects.map((o) => o.id)),
    );
    expect(scanned.flatMap((p) => p.scanned!.map((u) => JSON.parse(scannedUserText(u)) as unknown))).toEqual(
      objects.flatMap((p) => p.objects),
    );
  });

  it('fails as the Graph client fails: the same GraphError for a group Graph does not know', async () => {
    const { client } = connect(sim);
    const missing = '00000000-0000-4000-8000-00000000dead';
    const failure = async (pages: AsyncGenerator<unknown>) => {
      try {
        await pages.next();
      } catch (err) {
        return err as { statusCode: number; code: string; message: string; name: string };
      }
      throw new Error('the read did not fail');
    };
    const viaClient = await failure(pageGroupUserObjects(client, missing));
    const viaBytes = await failure(pageGroupUserBytes(client, missing));
    expect(viaClient).toMatchObject({ statusCode: 404, code: 'Request_ResourceNotFound' });
    expect(viaBytes.constructor).toBe(viaClient.constructor);
    for (const field of ['statusCode', 'code', 'message', 'name'] as const)
      expect(viaBytes[field]).toEqual(viaClient[field]);
  });
});

describe('findGroups', () => {
  it('finds groups by a word prefix of the display name, ordered by name', async () => {
    const { client } = connect(sim);
    expect((await findGroups(client, 'falc')).map((g) => g.displayName)).toEqual([
      'Falcon Contractors',
      'Project Falcon',
    ]);
    const [allStaffGroup] = await findGroups(client, 'All Staff');
    expect(allStaffGroup).toEqual({
      id: allStaff().id,
      displayName: 'All Staff',
      description: 'Everyone employed by the company',
      mail: 'allstaff@contoso.com',
    });
    expect((await findGroups(client, 'Søren')).map((g) => g.displayName)).toEqual(["Søren's Book Club"]);
    expect(await findGroups(client, 'nothing like this')).toEqual([]);
  });

  it('copes with quotes, ampersands and an empty search', async () => {
    const { client } = connect(sim);
    sim.control.addGroup(sim.demo.tenantId, { displayName: 'R&D "Skunkworks"' });
    expect((await findGroups(client, 'R&D')).map((g) => g.displayName)).toEqual(['R&D "Skunkworks"']);
    expect((await findGroups(client, '"skunk')).map((g) => g.displayName)).toEqual(['R&D "Skunkworks"']);
    const first = await findGroups(client, '', { top: 3 });
    expect(first).toHaveLength(3);
    expect(first.map((g) => g.displayName)).toEqual(
      [...first.map((g) => g.displayName)].sort((a, b) => a.localeCompare(b)),
    );
  });
});

describe('parseDirectoryUser', () => {
  it('reads the documented user shapes: members, casts, delta pages, GET /users', () => {
    const shapes = [
      ...loadFixture('auth-v2-service.users-list').body.value,
      loadFixture('user-get.example1').body,
      ...loadFixture('group-list-transitivemembers.example1').body.value,
      ...loadFixture('group-list-members.cast-user-search').body.value,
      ...loadFixture('user-delta.example1-default').body.value,
    ];
    for (const raw of shapes) {
      const user = parseDirectoryUser(raw);
      expect(user.id).toBe(raw.id);
      // every attribute Graph sent is kept by its Graph name (the sources for initials and mappings)
      for (const name of directoryUserSelect)
        if (typeof raw[name] === 'string') expect(user.attributes[name], name).toBe(raw[name]);
    }
    const adele = parseDirectoryUser(loadFixture('user-get.example1').body);
    expect(adele).toMatchObject({
      displayName: 'Adele Vance',
      email: 'adelev@contoso.com',
      phone: '+1 425 555 0109',
      department: null,
      enabled: null,
      guest: false,
      attributes: { mail: 'AdeleV@contoso.com', businessPhones: '+1 425 555 0109' },
    });
    const room = parseDirectoryUser(loadFixture('auth-v2-service.users-list').body.value[0]);
    expect(room).toMatchObject({ givenName: null, surname: null, phone: null });
  });

  it('keeps limited-information nulls as nulls and refuses non-users', () => {
    expect(
      parseDirectoryUser({ '@odata.type': '#microsoft.graph.user', id: 'x', mail: null, accountEnabled: false }),
    ).toMatchObject({ id: 'x', email: null, enabled: false, attributes: { mail: null, accountEnabled: 'false' } });
    expect(() => parseDirectoryUser({ '@odata.type': '#microsoft.graph.group', id: 'g' })).toThrow(
      /microsoft.graph.user/,
    );
    expect(() => parseDirectoryUser({ displayName: 'no id' })).toThrow(/id/);
    expect(() => parseDirectoryUser(null)).toThrow();
  });
});
