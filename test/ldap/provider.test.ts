/**
 * The LDAP directory provider (src/directory/ldap/provider.ts) against the real Samba AD DC: verification, group
 * search and lookup for the setup form, full member pages (paged, resumed on another session), the neutral user,
 * and incremental rounds by highestCommittedUSN/uSNChanged compared with the managed set — a change, a disable,
 * a move out of the path, a deletion, a user added through a nested group — and the fallback when another DC
 * database (invocationId) answers. The sink records what the engine's delta tables would (same rules).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLdapProvider } from '../../src/directory/ldap/provider.js';
import type { DirectoryProvider, IncrementalSink, MemberScope } from '../../src/directory/provider.js';
import type { DirectoryUser } from '../../src/sync/directory-user.js';
import { connectionTo, dcInfo, uniqueOu } from './fixtures.js';
import { DirectoryAdmin } from './samba.js';

const dc = dcInfo();
const root = uniqueOu('provider', dc);
const tag = root.slice(12, 20);
const staffOu = `OU=Staff,${root}`;
const otherOu = `OU=Other,${root}`;
const everyone = `CN=Everyone ${tag},${root}`;
const team = `CN=Team ${tag},${otherOu}`; // nested, outside the path: its members count when they are under it
const dn = (cn: string, ou = staffOu) => `CN=${cn},${ou}`;
let admin: DirectoryAdmin;
const provider: DirectoryProvider = createLdapProvider({
  connection: () => ({ connection: connectionTo(dc), baseDn: dc.baseDn }),
});
const scope: MemberScope = { groupId: everyone, ldapPath: staffOu, ldapFilter: '(department=Sales)' };

beforeAll(async () => {
  admin = await DirectoryAdmin.connect(dc);
  for (const ou of [root, staffOu, otherOu]) await admin.addOu(ou);
  await admin.addGroup(everyone, `everyone-${tag}`);
  await admin.addGroup(team, `team-${tag}`);
  await admin.addMember(everyone, team);
  const people: [string, string, Parameters<DirectoryAdmin['addUser']>[1], string][] = [
    [
      'Anne',
      staffOu,
      {
        sAMAccountName: `anne-${tag}`,
        mail: `Anne.${tag}@Contoso.test`,
        department: 'Sales',
        title: 'Seller',
        telephoneNumber: '+45 1',
        physicalDeliveryOfficeName: 'Aarhus',
      },
      team,
    ],
    [
      'Bo',
      staffOu,
      { sAMAccountName: `bo-${tag}`, userPrincipalName: `bo.${tag}@contoso.test`, department: 'Sales', disabled: true },
      everyone,
    ],
    ['Carl', staffOu, { sAMAccountName: `carl-${tag}`, department: 'HR' }, everyone], // filtered out
    ['Dora', otherOu, { sAMAccountName: `dora-${tag}`, department: 'Sales' }, team], // outside the path
    ['Erik', staffOu, { sAMAccountName: `erik-${tag}`, department: 'Sales' }, everyone],
    ['Fay', staffOu, { sAMAccountName: `fay-${tag}`, department: 'Sales' }, ''], // joins later, through Team
  ];
  for (const [cn, ou, user, group] of people) {
    await admin.addUser(dn(cn, ou), user);
    if (group) await admin.addMember(group, dn(cn, ou));
  }
});
afterAll(async () => {
  await admin?.deleteTree(root);
  await admin?.close();
});

async function readAll(pageSize: number, resume?: string | null) {
  const pages: { users: DirectoryUser[]; next: string | null }[] = [];
  for await (const page of provider.pageMembers(scope, { pageSize, resume })) pages.push(page);
  return pages;
}
const sams = (users: DirectoryUser[]) => users.map((u) => u.attributes.sAMAccountName!.replace(`-${tag}`, '')).sort();

/** What the engine's delta tables hold for one round, by the same rules (src/db/repositories/sync-delta.ts). */
class RecordingSink implements IncrementalSink {
  members = new Map<string, 'added' | 'removed'>();
  users = new Map<string, { data: DirectoryUser | null; removedReason: string | null }>();
  constructor(readonly managed: string[]) {}
  async memberChanges(changes: readonly { externalId: string; change: 'added' | 'removed' }[]) {
    for (const c of changes) this.members.set(c.externalId, c.change);
  }
  async userChanges(
    users: readonly { externalId: string; data: DirectoryUser | null; removedReason: string | null }[],
  ) {
    for (const u of users) this.users.set(u.externalId, { data: u.data, removedReason: u.removedReason });
  }
  async changedOutsideMemberChanges() {
    return [...this.users.keys()]
      .filter((id) => !this.members.has(id))
      .map((externalId) => ({ externalId, managed: this.managed.includes(externalId) }));
  }
  async forgetUserChanges(ids: readonly string[]) {
    for (const id of ids) this.users.delete(id);
  }
  async forgetMemberChanges(ids: readonly string[]) {
    for (const id of ids) this.members.delete(id);
  }
  async usersGone(ids: readonly string[]) {
    for (const id of ids) this.users.set(id, { data: null, removedReason: 'deleted' });
  }
  async removedMembers() {
    return [...this.members].filter(([, c]) => c === 'removed').map(([id]) => id);
  }
  async addedMembers() {
    return [...this.members].filter(([id, c]) => c === 'added' && !this.users.get(id)?.removedReason).map(([id]) => id);
  }
  async addedWithoutData() {
    return (await this.addedMembers()).filter((id) => !this.users.get(id)?.data);
  }
  async *managedExternalIds() {
    yield [...this.managed];
  }
}

describe('the LDAP directory provider against Samba AD', () => {
  let ids: Record<string, string>;

  it('verifies the connection with the DC facts', async () => {
    const result = await provider.verify();
    if (!result.ok) throw new Error(result.reason);
    expect(result.facts).toMatchObject({ dnsHostName: dc.dnsHostName, transport: 'ldaps' });
  });

  it('finds groups by name for the setup form and looks one up by DN, counting its users', async () => {
    const found = await provider.searchGroups(`everyone ${tag}`);
    expect(found.map((g) => g.id)).toEqual([everyone]);
    expect(found[0]!.displayName).toBe(`Everyone ${tag}`);
    const lookup = await provider.lookupGroup(everyone.toUpperCase());
    expect(lookup).toMatchObject({ found: true, id: everyone, displayName: `Everyone ${tag}`, userCount: 5 });
    expect(await provider.lookupGroup(`CN=Nobody,${root}`)).toMatchObject({ found: false, reason: 'not_found' });
  });

  it('pages the members under the path that match the filter, transitively, as neutral users', async () => {
    const pages = await readAll(1);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.at(-1)!.next).toBeNull();
    const users = pages.flatMap((p) => p.users);
    expect(sams(users)).toEqual(['anne', 'bo', 'erik']);
    ids = Object.fromEntries(users.map((u) => [u.attributes.sAMAccountName!.replace(`-${tag}`, ''), u.id]));
    const anne = users.find((u) => u.id === ids.anne)!;
    expect(anne).toMatchObject({
      email: `anne.${tag}@contoso.test`, // mail, lowercased
      jobTitle: 'Seller',
      department: 'Sales',
      phone: '+45 1',
      officeLocation: 'Aarhus',
      enabled: true,
      guest: false,
    });
    expect(anne.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(anne.attributes.distinguishedName).toBe(dn('Anne'));
    const bo = users.find((u) => u.id === ids.bo)!;
    expect(bo).toMatchObject({ email: `bo.${tag}@contoso.test`, enabled: false }); // UPN; userAccountControl 514
  });

  it('resumed with a cookie on a new session (a retried activity), reads the scope all the same', async () => {
    const [first] = await readAll(1);
    const resumed = await readAll(1, first!.next);
    const union = new Set([...first!.users, ...resumed.flatMap((p) => p.users)].map((u) => u.id));
    expect([...union].sort()).toEqual([ids.anne, ids.bo, ids.erik].sort());
  });

  it('reads incrementally: changes by USN, joins and departures by comparing with the managed set', async () => {
    const state = await provider.startIncremental(scope);
    expect(state).toMatchObject({ dnsHostName: dc.dnsHostName, invocationId: expect.any(String) });

    const quiet = new RecordingSink([ids.anne!, ids.bo!, ids.erik!]);
    const none = await provider.readIncremental(scope, state, quiet);
    expect(none).toMatchObject({ added: 0, removed: 0, changedUsers: 0 });
    expect(quiet.members.size + quiet.users.size).toBe(0);

    await admin.replace(dn('Anne'), 'title', 'Head of Sales'); // a change
    await admin.setDisabled(dn('Erik'), true); // a disable: still a member, data says disabled
    await admin.addMember(team, dn('Fay')); // joins through the nested group (her uSNChanged does not move)
    await admin.move(dn('Bo'), `CN=Bo,${otherOu}`); // moved out of the path
    await admin.addUser(dn('Gus'), { sAMAccountName: `gus-${tag}`, department: 'Sales' });
    await admin.addMember(everyone, dn('Gus'));
    await admin.delete(dn('Gus')); // created and deleted between runs: never seen
    const sink = new RecordingSink([ids.anne!, ids.bo!, ids.erik!]);
    const round = await provider.readIncremental(scope, state, sink);
    if (round.fallback !== undefined) throw new Error(round.fallback);
    expect(round).toMatchObject({ added: 1, removed: 1 });
    expect(BigInt(String(round.state.usn))).toBeGreaterThan(BigInt(String(state.usn)));
    expect(sink.users.get(ids.anne!)?.data?.jobTitle).toBe('Head of Sales');
    expect(sink.users.get(ids.erik!)?.data?.enabled).toBe(false);
    expect(sink.members.get(ids.bo!)).toBe('removed');
    expect(sink.users.get(ids.bo!)).toBeUndefined(); // moved, not deleted
    const fay = [...sink.members].find(([, c]) => c === 'added')![0];
    expect(sink.users.get(fay)?.data?.attributes.sAMAccountName).toBe(`fay-${tag}`); // read by GUID
    ids.fay = fay;

    // The next round from the new state: a deletion is "gone" (deleted in the directory), not only "left".
    await admin.delete(dn('Erik'));
    const after = new RecordingSink([ids.anne!, ids.erik!, ids.fay!]);
    const next = await provider.readIncremental(scope, round.state, after);
    expect(next).toMatchObject({ added: 0, removed: 1, changedUsers: 0 });
    expect(after.members.get(ids.erik!)).toBe('removed');
    expect(after.users.get(ids.erik!)).toEqual({ data: null, removedReason: 'deleted' });
  });

  it('falls back to a full read when another DC database answers (another invocationId) or the state is not AD’s', async () => {
    const state = await provider.startIncremental(scope);
    const other = { ...state, invocationId: '00000000-0000-4000-8000-000000000001' };
    const round = await provider.readIncremental(scope, other, new RecordingSink([]));
    expect(round.fallback).toMatch(/another domain controller database answered .*invocationId/);
    expect((await provider.readIncremental(scope, { deltaLink: 'x' }, new RecordingSink([]))).fallback).toMatch(
      /not an Active Directory USN state/,
    );
  });

  it('confirms members: still in scope, or gone from the directory', async () => {
    const result = await provider.confirmMembers(scope, [ids.anne!, ids.bo!, ids.erik!, 'not-a-guid']);
    expect([...result.still]).toEqual([ids.anne]);
    expect([...result.gone].sort()).toEqual([ids.erik, 'not-a-guid'].sort()); // Bo moved: neither
  });

  it('classifies failures: a missing group, a wrong password, an untrusted certificate, an unreachable DC', async () => {
    const groupGone = createLdapProvider({ connection: () => ({ connection: connectionTo(dc), baseDn: dc.baseDn }) });
    const error = await (async () => {
      for await (const _ of groupGone.pageMembers({ groupId: `CN=Gone,${root}` }, { pageSize: 10 })) void _;
    })().catch((e: unknown) => e);
    expect(groupGone.classify(error)).toMatchObject({ kind: 'not_found', about: 'group' });
    const failing = async (overrides: Parameters<typeof connectionTo>[1]) => {
      const p = createLdapProvider({
        connection: () => ({ connection: connectionTo(dc, overrides), baseDn: dc.baseDn }),
      });
      return p.classify(await p.searchGroups('x').catch((e: unknown) => e));
    };
    expect(await failing({ bindPassword: 'wrong' })).toMatchObject({ kind: 'access_lost' });
    expect(await failing({ caCertificatePem: null })).toMatchObject({ kind: 'configuration' });
    expect(await failing({ url: 'ldaps://127.0.0.1:1' })).toMatchObject({ kind: 'transient' });
  });
});
