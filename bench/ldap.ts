/**
 * The LDAP cases of the sync benchmark: a real Active Directory (the Samba DC of the LDAP tests, test/ldap/samba.ts)
 * with N users in one group under an OU, created over one LDAPS Administrator connection in parallel batches; a
 * first sync of them and an incremental run with no change. The floor is paging the same users with ldapts alone
 * (the provider's query: in the OU, members of the group by the in-chain rule) plus bulk-inserting the rows.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { Attribute, Change, Client } from 'ldapts';
import { insertLdapConnection, markLdapConnectionVerified } from '../src/db/repositories/ldap-connections.js';
import { memberSearchFilter, USER_ATTRIBUTES } from '../src/directory/ldap/index.js';
import { encryptBindPassword } from '../src/directory/ldap/stored-connection.js';
import { normaliseDn } from '../src/sync/dn.js';
import { sambaInstalled, startSambaDc, USER_PASSWORD, type SambaDc } from '../test/ldap/samba.js';
import { insertBenchSetup, prepareBenchCompany, type BenchContext, type Floor } from './sync.js';

export { sambaInstalled };

export interface LdapDirectory {
  dc: SambaDc;
  ou: string;
  groupDn: string;
  seedSeconds: number;
}

async function adminClient(dc: SambaDc): Promise<Client> {
  const client = new Client({
    url: dc.ldapsUrl,
    tlsOptions: { ca: [readFileSync(dc.caFile, 'utf8')] },
    timeout: 120_000,
  });
  await client.bind(dc.adminDn, dc.adminPassword);
  return client;
}

/** Starts the DC and adds `members` enabled users (with a password, in the add itself) to one group under an OU. */
export async function startLdapDirectory(members: number, log: (m: string) => void): Promise<LdapDirectory> {
  const dc = await startSambaDc({ log });
  try {
    const started = performance.now();
    const tag = randomBytes(3).toString('hex');
    const ou = `OU=Bench-${tag},${dc.baseDn}`;
    const groupDn = `CN=Bench ${tag},${ou}`;
    const client = await adminClient(dc);
    try {
      await client.add(ou, { objectClass: ['top', 'organizationalUnit'] });
      await client.add(groupDn, {
        objectClass: ['top', 'group'],
        sAMAccountName: `bench-${tag}`,
        groupType: String(0x80000002 | 0),
      });
      const password = Buffer.from(`"${USER_PASSWORD}"`, 'utf16le');
      const userDn = (i: number) => `CN=User ${i},${ou}`;
      const parallel = 32;
      for (let from = 0; from < members; from += parallel) {
        const batch = [];
        for (let i = from; i < Math.min(members, from + parallel); i++)
          batch.push(
            client.add(
              userDn(i),
              Object.entries({
                objectClass: ['top', 'person', 'organizationalPerson', 'user'],
                sAMAccountName: [`b${tag}${i}`],
                givenName: [`Given${i}`],
                sn: [`Sur${i}`],
                displayName: [`User ${i}`],
                mail: [`user${i}.${tag}@contoso.test`],
                department: [['Sales', 'HR', 'IT'][i % 3]!],
                title: ['Bench'],
                unicodePwd: [password],
                userAccountControl: ['512'],
              }).map(([type, values]) => new Attribute({ type, values: values as string[] | Buffer[] })),
            ),
          );
        await Promise.all(batch);
        if ((from + parallel) % 2000 < parallel) log(`ldap seed: ${Math.min(members, from + parallel)} users`);
      }
      for (let from = 0; from < members; from += 1000) {
        const dns = [];
        for (let i = from; i < Math.min(members, from + 1000); i++) dns.push(userDn(i));
        await client.modify(groupDn, [
          new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: dns }) }),
        ]);
      }
    } finally {
      await client.unbind();
    }
    const seedSeconds = (performance.now() - started) / 1000;
    log(`ldap seed: ${members} users in ${groupDn}, ${seedSeconds.toFixed(1)} s`);
    return { dc, ou, groupDn, seedSeconds };
  } catch (error) {
    await dc.stop();
    throw error;
  }
}

/** The floor for LDAP: a paged search of the group's users under the OU with ldapts alone, plus writing the rows. */
export async function measureLdapFloor(ctx: BenchContext, dir: LdapDirectory): Promise<Omit<Floor, 'samples'>> {
  const client = await adminClient(dir.dc);
  await sql`drop table if exists bench_floor_users`.execute(ctx.db);
  await sql`create table bench_floor_users (external_id text primary key, data jsonb not null)`.execute(ctx.db);
  let pagingMs = 0;
  let insertMs = 0;
  try {
    const pages = client.searchPaginated(dir.ou, {
      scope: 'sub',
      filter: memberSearchFilter({ searchBase: dir.ou, groupDn: dir.groupDn }),
      attributes: [...USER_ATTRIBUTES],
      explicitBufferAttributes: ['objectGUID'],
      paged: { pageSize: 1000 },
    });
    let started = performance.now();
    for await (const page of pages) {
      pagingMs += performance.now() - started;
      const insertStarted = performance.now();
      const rows = page.searchEntries.map((e) => ({
        id: (e.objectGUID as Buffer).toString('hex'),
        dn: e.dn,
        mail: e.mail,
        givenName: e.givenName,
        sn: e.sn,
        department: e.department,
      }));
      await sql`insert into bench_floor_users (external_id, data)
        select u->>'id', u from jsonb_array_elements(${JSON.stringify(rows)}::jsonb) as u on conflict do nothing`.execute(
        ctx.db,
      );
      insertMs += performance.now() - insertStarted;
      started = performance.now();
    }
  } finally {
    await client.unbind();
    await sql`drop table if exists bench_floor_users`.execute(ctx.db);
  }
  return { seconds: (pagingMs + insertMs) / 1000, pagingSeconds: pagingMs / 1000, insertSeconds: insertMs / 1000 };
}

/** A company, customer type, connected ldap connection (password encrypted with `secretsKey`) and its setup. */
export async function prepareLdapSetup(ctx: BenchContext, dir: LdapDirectory, secretsKey: string) {
  const company = await prepareBenchCompany(ctx, 'Bench LDAP');
  const id = randomUUID();
  await insertLdapConnection(ctx.db, {
    id,
    companyId: company.companyId,
    designation: 'bench',
    directoryKey: normaliseDn(dir.dc.baseDn),
    url: dir.dc.ldapsUrl,
    bindDn: dir.dc.adminDn,
    bindPasswordEncrypted: encryptBindPassword(dir.dc.adminPassword, secretsKey, id),
    caCertificatePem: readFileSync(dir.dc.caFile, 'utf8').trim(),
    baseDn: dir.dc.baseDn,
    allowUnencrypted: false,
  });
  await markLdapConnectionVerified(ctx.db, id, {
    organizationName: 'contoso.test',
    domains: ['contoso.test'],
    facts: {},
  });
  return insertBenchSetup(
    ctx,
    { ...company, connectionId: id, groupId: dir.groupDn },
    { ldapPath: dir.ou, initialsAttributes: ['sAMAccountName'] },
  );
}
