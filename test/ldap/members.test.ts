/**
 * Member reads against a real Active Directory DC (Samba): a nested group under an OU with a filter, paged with
 * a small page size and resumed from a stored cookie, the user shape (GUID byte order, mail else UPN,
 * disabled), an incremental read by uSNChanged, and group search/lookup for the admin form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LdapError,
  getGroupByDn,
  memberSearchFilter,
  openLdapSession,
  readAllGroupMembers,
  readDirectoryControllerState,
  readGroupMembers,
  searchGroups,
  type LdapSession,
  type MemberQuery,
} from '../../src/directory/ldap/index.js';
import { evaluateLdapFilter, parseLdapFilter } from '../../src/sync/ldap-filter.js';
import { connectionTo, dcInfo, uniqueOu } from './fixtures.js';
import { DirectoryAdmin, sambaTool } from './samba.js';

const dc = dcInfo();
const root = uniqueOu('members', dc);
const tag = root.slice(11, 19); // the random part: sAMAccountNames are domain-wide
const sales = `OU=Sales,${root}`;
const other = `OU=Other,${root}`;
const staff = `CN=Staff ${tag},${root}`;
const salesTeam = `CN=Sales Team ${tag},${sales}`;
// A nested group outside the path: its members still count when they are under it.
const nordic = `CN=Nordic Sales ${tag},${other}`;
const dn = (cn: string, ou = sales) => `CN=${cn},${ou}`;
let admin: DirectoryAdmin;
let session: LdapSession;

beforeAll(async () => {
  admin = await DirectoryAdmin.connect(dc);
  for (const ou of [root, sales, other]) await admin.addOu(ou);
  for (const [group, sam] of [
    [staff, `staff-${tag}`],
    [salesTeam, `salesteam-${tag}`],
    [nordic, `nordic-${tag}`],
  ] as const) {
    await admin.addGroup(group, sam);
  }
  await admin.addMember(staff, salesTeam); // Staff ⊃ Sales Team ⊃ Nordic Sales
  await admin.addMember(salesTeam, nordic);
  const users: [string, string, Parameters<DirectoryAdmin['addUser']>[1], string][] = [
    [
      'Anne Hansen',
      sales,
      {
        sAMAccountName: `anne-${tag}`,
        givenName: 'Anne',
        sn: 'Hansen',
        displayName: 'Anne Hansen',
        mail: `anne.${tag}@contoso.test`,
        telephoneNumber: '+45 1111 2222',
        mobile: '+45 3333 4444',
        department: 'Sales',
        title: 'Account Manager',
        physicalDeliveryOfficeName: 'Aarhus',
      },
      salesTeam,
    ],
    [
      'Bo Ærø',
      sales,
      {
        sAMAccountName: `bo-${tag}`,
        givenName: 'Bo',
        sn: 'Ærø',
        userPrincipalName: `bo.${tag}@contoso.test`,
        department: 'Sales',
        disabled: true,
      },
      nordic,
    ],
    ['Carl Berg', sales, { sAMAccountName: `carl-${tag}`, department: 'HR', mail: `carl.${tag}@contoso.test` }, staff],
    ['Dora Lund', other, { sAMAccountName: `dora-${tag}`, department: 'Sales' }, salesTeam], // outside the path
    ['Erik Moe', sales, { sAMAccountName: `erik-${tag}`, department: 'Sales' }, ''], // not a member
    ['Fay Holm', sales, { sAMAccountName: `fay-${tag}`, department: 'Sales', title: 'Intern' }, nordic],
    ['Gus Dahl', sales, { sAMAccountName: `gus-${tag}`, department: 'IT' }, salesTeam], // filtered out
  ];
  for (const [cn, ou, user, group] of users) {
    await admin.addUser(dn(cn, ou), user);
    if (group) await admin.addMember(group, dn(cn, ou));
  }
  session = await openLdapSession(connectionTo(dc));
});

afterAll(async () => {
  await session?.close();
  await admin?.deleteTree(root);
  await admin?.close();
});

const query = (overrides: Partial<MemberQuery> = {}): MemberQuery => ({
  searchBase: sales,
  groupDn: staff,
  filter: '(|(department=Sales)(department=HR))',
  ...overrides,
});
const names = (users: { sAMAccountName: string | null }[]) =>
  users.map((u) => u.sAMAccountName!.replace(`-${tag}`, '')).sort();

describe('readGroupMembers against Samba AD', () => {
  it('reads the transitive members of a nested group that are under the path and match the filter', async () => {
    expect(names(await readAllGroupMembers(session, query()))).toEqual(['anne', 'bo', 'carl', 'fay']);
    expect(
      names(await readAllGroupMembers(session, query({ filter: '(&(department=Sales)(!(title=Intern*)))' }))),
    ).toEqual(['anne', 'bo']);
    expect(names(await readAllGroupMembers(session, query({ filter: null, searchBase: root })))).toEqual([
      'anne',
      'bo',
      'carl',
      'dora',
      'fay',
      'gus',
    ]);
    expect(names(await readAllGroupMembers(session, query({ groupDn: nordic })))).toEqual(['bo', 'fay']);
  });

  it('maps AD attributes: GUID in AD byte order, mail else UPN, disabled from userAccountControl', async () => {
    const users = await readAllGroupMembers(session, query());
    const anne = users.find((u) => u.sAMAccountName === `anne-${tag}`)!;
    const bo = users.find((u) => u.sAMAccountName === `bo-${tag}`)!;
    // Samba prints the objectGUID string itself: the client's byte-order conversion must agree.
    const shown = await sambaTool(dc, ['user', 'show', `anne-${tag}`, '--attributes=objectGUID']);
    expect(shown).toContain(`objectGUID: ${anne.id}`);
    expect(anne).toMatchObject({
      distinguishedName: dn('Anne Hansen'),
      email: `anne.${tag}@contoso.test`,
      mail: `anne.${tag}@contoso.test`,
      givenName: 'Anne',
      surname: 'Hansen',
      displayName: 'Anne Hansen',
      telephoneNumber: '+45 1111 2222',
      mobile: '+45 3333 4444',
      department: 'Sales',
      title: 'Account Manager',
      office: 'Aarhus',
      accountEnabled: true,
    });
    expect(anne.usnChanged).toMatch(/^\d+$/);
    expect(bo).toMatchObject({ email: `bo.${tag}@contoso.test`, mail: null, surname: 'Ærø', accountEnabled: false });
  });

  it('pages by 2 and continues from a stored (serialised) cookie; the last page has none', async () => {
    const seen: string[] = [];
    let cookie: string | null = null;
    let pages = 0;
    do {
      const page: Awaited<ReturnType<typeof readGroupMembers>> = await readGroupMembers(
        session,
        query({ pageSize: 2 }),
        cookie,
      );
      expect(page.users.length).toBeLessThanOrEqual(2);
      expect(page.restarted).toBe(false);
      seen.push(...page.users.map((u) => u.sAMAccountName!));
      cookie = page.cookie === null ? null : (JSON.parse(JSON.stringify(page.cookie)) as string);
      pages++;
    } while (cookie);
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(names(seen.map((s) => ({ sAMAccountName: s })))).toEqual(['anne', 'bo', 'carl', 'fay']);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('resumed on another connection (a retry), a cookie the DC no longer knows starts again, flagged', async () => {
    const first = await readGroupMembers(session, query({ pageSize: 2 }));
    expect(first.cookie).not.toBeNull();
    const other = await openLdapSession(connectionTo(dc));
    try {
      const resumed = await readGroupMembers(other, query({ pageSize: 2 }), first.cookie);
      // Samba keeps paging state per connection (AD answers 53 too for a cookie it does not hold).
      expect(resumed.restarted).toBe(true);
      expect(resumed.users.map((u) => u.id)).toEqual(first.users.map((u) => u.id));
      const rest = [...resumed.users];
      let cookie = resumed.cookie;
      while (cookie) {
        const page = await readGroupMembers(other, query({ pageSize: 2 }), cookie);
        expect(page.restarted).toBe(false);
        rest.push(...page.users);
        cookie = page.cookie;
      }
      expect(names(rest)).toEqual(['anne', 'bo', 'carl', 'fay']);
    } finally {
      await other.close();
    }
  });

  it('refuses a cookie made for another query', async () => {
    const first = await readGroupMembers(session, query({ pageSize: 2 }));
    const error = await readGroupMembers(
      session,
      query({ pageSize: 2, filter: '(department=HR)' }),
      first.cookie,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LdapError);
    expect((error as LdapError).message).toContain('another query');
    await expect(readGroupMembers(session, query(), 'garbage')).rejects.toThrow(/not one this reader made/);
  });

  it('reads incrementally: only members changed at or after a USN', async () => {
    const state = await readDirectoryControllerState(session);
    const next = (BigInt(state.highestCommittedUsn!) + 1n).toString();
    expect(await readAllGroupMembers(session, query({ usnChangedAtLeast: next }))).toEqual([]);
    await admin.replace(dn('Fay Holm'), 'title', 'Sales Associate');
    await admin.setDisabled(dn('Carl Berg'), true);
    await admin.replace(dn('Erik Moe'), 'title', 'Changed but not a member');
    const changed = await readAllGroupMembers(session, query({ usnChangedAtLeast: next }));
    expect(names(changed)).toEqual(['carl', 'fay']);
    expect(changed.find((u) => u.sAMAccountName === `carl-${tag}`)!.accountEnabled).toBe(false);
    expect(changed.find((u) => u.sAMAccountName === `fay-${tag}`)!.title).toBe('Sales Associate');
    for (const user of changed) expect(BigInt(user.usnChanged!)).toBeGreaterThanOrEqual(BigInt(next));
  });

  it('sees a move out of the path and a removal from the nested group', async () => {
    await admin.move(dn('Anne Hansen'), dn('Anne Hansen', other));
    await admin.removeMember(nordic, dn('Bo Ærø'));
    try {
      expect(names(await readAllGroupMembers(session, query()))).toEqual(['carl', 'fay']);
    } finally {
      await admin.move(dn('Anne Hansen', other), dn('Anne Hansen'));
      await admin.addMember(nordic, dn('Bo Ærø'));
    }
    expect(names(await readAllGroupMembers(session, query()))).toEqual(['anne', 'bo', 'carl', 'fay']);
  });

  it('refuses a malformed filter or DN before sending anything, naming where', async () => {
    await expect(readGroupMembers(session, query({ filter: '(&(department=Sales)' }))).rejects.toThrow(
      /malformed at character 21/,
    );
    await expect(readGroupMembers(session, query({ searchBase: 'OU=Sales;DC=x' }))).rejects.toThrow(
      /LDAP path .* is not a valid DN/,
    );
    await expect(readGroupMembers(session, query({ usnChangedAtLeast: '12; drop' }))).rejects.toThrow(
      /non-negative integer/,
    );
    // A group DN with filter metacharacters is escaped, not spliced into the filter.
    expect(memberSearchFilter(query({ groupDn: 'CN=a*)(x=1,DC=x', filter: null }))).toBe(
      '(&(objectCategory=person)(objectClass=user)(memberOf:1.2.840.113556.1.4.1941:=CN=a\\2a\\29\\28x=1,DC=x))',
    );
  });

  it('answers base_dn_not_found for a path that does not exist', async () => {
    const error = await readGroupMembers(session, query({ searchBase: `OU=Nowhere,${root}` })).catch((e: unknown) => e);
    expect((error as LdapError).reason).toBe('base_dn_not_found');
  });

  it('the pure filter evaluator (Azure scoping) agrees with AD on the same users and filters', async () => {
    const everyone = await readAllGroupMembers(session, query({ filter: null }));
    expect(everyone.length).toBe(5); // anne, bo, carl, fay, gus
    const asAttributes = (u: (typeof everyone)[number]) => ({
      mail: u.mail,
      userPrincipalName: u.userPrincipalName,
      sAMAccountName: u.sAMAccountName,
      givenName: u.givenName,
      sn: u.surname,
      displayName: u.displayName,
      telephoneNumber: u.telephoneNumber,
      department: u.department,
      title: u.title,
      physicalDeliveryOfficeName: u.office,
      userAccountControl: u.accountEnabled === false ? 514 : 512,
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
    });
    const filters = [
      '(department=sales)',
      '(|(department=HR)(title=Account*))',
      '(!(userAccountControl:1.2.840.113556.1.4.803:=2))',
      '(userAccountControl:1.2.840.113556.1.4.804:=3)',
      '(sn=Ærø)',
      '(sn=\\c3\\86r\\c3\\b8)',
      '(&(mail=*)(!(department=HR)))',
      '(DisplayName=ANNE*)',
      '(title=*Manager)',
      '(sAMAccountName>=C)',
      '(|(givenName<=b)(department>=I))',
      '(title=*count*nag*)',
      '(telephoneNumber=+45 1111 2222)',
      '(&(objectClass=user)(!(title=*)))',
    ];
    // Not compared: RFC extensible matches AD does not implement ((department:caseIgnoreMatch:=x) matches nothing,
    // (department:=x) fails with result 1); compileAzureScope refuses them so both sides stay the same. Nor ~=,
    // which Samba does not implement (result 1) and AD treats as equality, as the evaluator does.
    for (const text of filters) {
      const byAd = names(
        await readAllGroupMembers(session, query({ filter: text })).catch((e: Error) => {
          throw new Error(`${text}: ${e.message}`);
        }),
      );
      const filter = parseLdapFilter(text);
      const byEvaluator = names(everyone.filter((u) => evaluateLdapFilter(filter, asAttributes(u))));
      expect({ text, users: byEvaluator }).toEqual({ text, users: byAd });
    }
  });

  it("counts users whose primary group it is (not in memberOf) when given the group's token", async () => {
    const domainUsers = await getGroupByDn(session, `CN=Domain Users,CN=Users,${dc.baseDn}`);
    expect(domainUsers?.primaryGroupToken).toBe(513);
    // Without the token the in-chain rule finds nobody: every user's membership in Domain Users is its primaryGroupID.
    expect(
      await readAllGroupMembers(session, query({ groupDn: domainUsers!.distinguishedName, filter: null })),
    ).toEqual([]);
    const members = await readAllGroupMembers(
      session,
      query({ groupDn: domainUsers!.distinguishedName, filter: null, primaryGroupToken: 513 }),
    );
    expect(names(members)).toEqual(['anne', 'bo', 'carl', 'erik', 'fay', 'gus']);
  });
});

describe('groups for the admin form', () => {
  it('searches groups by name under a base, case-insensitively', async () => {
    const found = await searchGroups(session, { searchBase: root, text: 'SALES' });
    expect(found.map((g) => g.distinguishedName)).toEqual([nordic, salesTeam]);
    expect(found[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await searchGroups(session, { searchBase: root, text: 'no such group' })).toEqual([]);
    expect((await searchGroups(session, { searchBase: root, text: '' })).length).toBe(3);
    expect((await searchGroups(session, { searchBase: root, text: '', limit: 2 })).length).toBe(2);
    expect((await searchGroups(session, { searchBase: root, text: '*)(' })).length).toBe(0); // escaped, not injected
  });

  it('looks a group up by DN (case-insensitive), and finds nothing for a user or a missing DN', async () => {
    const group = await getGroupByDn(session, staff.toUpperCase());
    expect(group).toMatchObject({ name: `Staff ${tag}`, sAMAccountName: `staff-${tag}` });
    expect(await getGroupByDn(session, dn('Carl Berg'))).toBeNull();
    expect(await getGroupByDn(session, `CN=Nobody,${root}`)).toBeNull();
  });
});
