/**
 * verifyLdapConnection against a real Active Directory DC (Samba): TLS, bind, rootDSE facts, invocationId,
 * count under the base DN, and each classified failure an administrator can meet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openLdapSession,
  readDirectoryControllerState,
  verifyLdapConnection,
  type LdapVerification,
} from '../../src/directory/ldap/index.js';
import { connectionTo, dcInfo, uniqueOu } from './fixtures.js';
import { DirectoryAdmin, sambaPython } from './samba.js';

const dc = dcInfo();
const ou = uniqueOu('verify', dc);
let admin: DirectoryAdmin;

beforeAll(async () => {
  admin = await DirectoryAdmin.connect(dc);
  await admin.addOu(ou);
  for (const name of ['ada', 'ben', 'cy'])
    await admin.addUser(`CN=${name},${ou}`, {
      sAMAccountName: `v-${name}-${ou.slice(10, 18)}`,
      disabled: name === 'cy',
    });
  await admin.addGroup(`CN=Group,${ou}`, `v-group-${ou.slice(10, 18)}`); // not a user: not counted
});

afterAll(async () => {
  await admin?.deleteTree(ou);
  await admin?.close();
});

function failureOf(result: LdapVerification) {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.facts)}`);
  return result.failure;
}

describe('verifyLdapConnection against Samba AD', () => {
  it('reports rootDSE facts, the DC invocationId and the users under the base DN (LDAPS, DC CA)', async () => {
    const usnBefore = await admin.highestCommittedUsn();
    const result = await verifyLdapConnection(connectionTo(dc), { baseDn: ou });
    if (!result.ok) throw new Error(result.failure.message);
    const { facts } = result;
    expect(facts.transport).toBe('ldaps');
    expect(facts.namingContexts).toContain(dc.baseDn);
    expect(facts.defaultNamingContext).toBe(dc.baseDn);
    expect(facts.dnsHostName).toBe(dc.dnsHostName);
    expect(facts.dsServiceName).toMatch(/^CN=NTDS Settings,CN=DC1,CN=Servers,/);
    expect(BigInt(facts.highestCommittedUsn!)).toBeGreaterThanOrEqual(usnBefore);
    // Samba's own reading of the DC's invocationId (its Python bindings print the GUID string).
    expect(facts.invocationId).toBe(await sambaPython(dc, 'print(samdb.get_invocation_id())'));
    expect(facts.usersUnderBase).toBe(3);
    expect(facts.baseDn).toBe(ou);
  });

  it('binds with a UPN as well as a DN, and counts the whole domain from its root', async () => {
    const result = await verifyLdapConnection(connectionTo(dc, { bindDn: 'administrator@contoso.test' }), {
      baseDn: dc.baseDn,
    });
    if (!result.ok) throw new Error(result.failure.message);
    expect(result.facts.usersUnderBase).toBeGreaterThanOrEqual(5); // Administrator, Guest, krbtgt and ours
  });

  it('names a wrong password as invalid credentials (49), without the password in the message', async () => {
    const failure = failureOf(
      await verifyLdapConnection(connectionTo(dc, { bindPassword: 'Wr0ng-Secret-Value' }), { baseDn: dc.baseDn }),
    );
    expect(failure.reason).toBe('invalid_credentials');
    expect(failure.resultCode).toBe(49);
    expect(failure.message).toContain('the user name or password is wrong'); // AD's data 52e
    expect(JSON.stringify(failure)).not.toContain('Wr0ng-Secret-Value');
  });

  it('does not trust the DC certificate without its CA, and trusts it with the CA', async () => {
    const failure = failureOf(
      await verifyLdapConnection(connectionTo(dc, { caCertificatePem: null }), { baseDn: dc.baseDn }),
    );
    expect(failure.reason).toBe('certificate_not_trusted');
    expect(failure.message).toContain('CA certificate');
    expect((await verifyLdapConnection(connectionTo(dc), { baseDn: dc.baseDn })).ok).toBe(true);
  });

  it('does not trust a certificate signed by another CA either (the one given replaces the system trust)', async () => {
    const { ensureCertificateAuthority } = await import('../../src/simulator/ca.js');
    const { readFileSync } = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const other = await ensureCertificateAuthority(path.join(os.tmpdir(), `directory-sync-other-ca-${process.pid}`));
    const otherCa = readFileSync(other.caFile, 'utf8');
    (await import('node:fs')).rmSync(path.dirname(other.caFile), { recursive: true, force: true });
    const failure = failureOf(
      await verifyLdapConnection(connectionTo(dc, { caCertificatePem: otherCa }), { baseDn: dc.baseDn }),
    );
    expect(failure.reason).toBe('certificate_not_trusted');
  });

  it('upgrades ldap:// with StartTLS by default, verifying the certificate the same way', async () => {
    const ok = await verifyLdapConnection(connectionTo(dc, { url: dc.ldapUrl }), { baseDn: ou });
    if (!ok.ok) throw new Error(ok.failure.message);
    expect(ok.facts.transport).toBe('starttls');
    expect(ok.facts.usersUnderBase).toBe(3);
    const untrusted = failureOf(
      await verifyLdapConnection(connectionTo(dc, { url: dc.ldapUrl, caCertificatePem: null }), { baseDn: ou }),
    );
    expect(untrusted.reason).toBe('certificate_not_trusted');
  });

  it('refuses plain ldap:// without allowUnencrypted, and uses it when allowed', async () => {
    const refused = failureOf(
      await verifyLdapConnection(connectionTo(dc, { url: dc.ldapUrl, startTls: false }), { baseDn: ou }),
    );
    expect(refused.reason).toBe('unencrypted_refused');
    const allowed = await verifyLdapConnection(
      connectionTo(dc, { url: dc.ldapUrl, startTls: false, allowUnencrypted: true }),
      { baseDn: ou },
    );
    if (!allowed.ok) throw new Error(allowed.failure.message);
    expect(allowed.facts.transport).toBe('none');
  });

  it('names a base DN that does not exist (32)', async () => {
    const failure = failureOf(await verifyLdapConnection(connectionTo(dc), { baseDn: `OU=Nowhere,${dc.baseDn}` }));
    expect(failure.reason).toBe('base_dn_not_found');
    expect(failure.resultCode).toBe(32);
    expect(failure.message).toContain(`OU=Nowhere,${dc.baseDn}`);
  });

  it('names an unreachable host', async () => {
    const failure = failureOf(
      await verifyLdapConnection(connectionTo(dc, { url: 'ldaps://127.0.0.1:1' }), { baseDn: dc.baseDn }),
    );
    expect(failure.reason).toBe('host_unreachable');
    expect(failure.message).toContain('127.0.0.1:1');
  });

  it('names a host that does not answer within the connect timeout as unreachable', async () => {
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never routed, so the connect times out or is unreachable.
    const started = Date.now();
    const failure = failureOf(
      await verifyLdapConnection(connectionTo(dc, { url: 'ldaps://192.0.2.1', connectTimeoutMs: 1000 }), {
        baseDn: dc.baseDn,
      }),
    );
    expect(failure.reason).toBe('host_unreachable');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses unusable options before connecting', async () => {
    const cases: [Partial<Parameters<typeof connectionTo>[1]>, string, RegExp][] = [
      [{ url: 'https://dc01' }, dc.baseDn, /ldaps:\/\/ or ldap:\/\//],
      [{ url: 'ldaps://dc01/DC=contoso,DC=test' }, dc.baseDn, /base DN has its own field/],
      [{ bindDn: 'not a dn' }, dc.baseDn, /neither a DN/],
      [{ bindPassword: '' }, dc.baseDn, /anonymous bind/],
      [{ caCertificatePem: 'hello' }, dc.baseDn, /PEM/],
      [{}, 'OU=Sales,', /not a valid DN/],
    ];
    for (const [overrides, baseDn, message] of cases) {
      const failure = failureOf(await verifyLdapConnection(connectionTo(dc, overrides), { baseDn }));
      expect(failure.reason).toBe('invalid_options');
      expect(failure.message).toMatch(message);
    }
  });

  it('reads the same DC state through a session (for incremental runs)', async () => {
    const session = await openLdapSession(connectionTo(dc));
    try {
      const state = await readDirectoryControllerState(session);
      expect(state.dnsHostName).toBe(dc.dnsHostName);
      expect(state.invocationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const before = BigInt(state.highestCommittedUsn!);
      await admin.replace(`CN=ada,${ou}`, 'title', 'Engineer');
      const after = await readDirectoryControllerState(session);
      expect(BigInt(after.highestCommittedUsn!)).toBeGreaterThan(before);
      expect(after.invocationId).toBe(state.invocationId);
    } finally {
      await session.close();
    }
  });
});
