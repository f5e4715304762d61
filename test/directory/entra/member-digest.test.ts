/**
 * Member digests of Graph users as Graph sent them (src/directory/entra/member-digest.ts): a settled member is
 * recognised by its digest and never mapped again, so the digest must change whenever the data does, and whenever
 * the mapper would make something else of the same data (ENTRA_MAPPER_VERSION).
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { graphUserObject, parseDirectoryUser } from '../../../src/directory/entra/directory-user.js';
import {
  digestedMemberPage,
  ENTRA_MAPPER_VERSION,
  graphUserBytesDigest,
  graphUserDigest,
} from '../../../src/directory/entra/member-digest.js';
import { scanUserPage } from '../../../src/directory/entra/user-page-scan.js';
import { loadFixture } from '../../simulator/shapes.js';

/** Users from Microsoft's documented responses, plus the shapes the mapper has rules for. */
function sampleUsers(): Record<string, unknown>[] {
  const bodies = ['user-get.example1', 'user-get.example3-select'].map((name) => loadFixture(name).body);
  const pages = [
    'auth-v2-service.users-list',
    'delta-query-users.1-initial',
    'user-delta.example1-default',
    'user-delta.example2-select',
    'group-list-transitivemembers.cast-user-filter',
  ].flatMap((name) => (loadFixture(name).body as { value?: unknown[] }).value ?? []);
  // the documents trim their examples: an example without an id gets one (the mapper requires it)
  const documented = [...bodies, ...pages]
    .filter((user): user is Record<string, unknown> => typeof user === 'object' && user !== null)
    .filter((user) => user['@odata.type'] === undefined || user['@odata.type'] === '#microsoft.graph.user')
    .map((user, i) => ({ id: `documented-${i}`, ...user }));
  return [
    ...documented,
    {
      '@odata.type': '#microsoft.graph.user',
      id: 'c0ffee00-0000-4000-8000-000000000001',
      mail: 'not an address',
      userPrincipalName: 'guest_example.com#EXT#@contoso.onmicrosoft.com',
      userType: 'Guest',
      businessPhones: ['  ', '+45 11 22 33 44'],
      accountEnabled: false,
      employeeHireDate: null,
      onPremisesExtensionAttributes: { extensionAttribute1: 'A1', extensionAttribute2: null },
      otherMails: [],
      age: 42,
    },
  ];
}

/**
 * What the mapper makes of the samples, under each mapper version. A change to parseDirectoryUser that changes
 * this must come with a new ENTRA_MAPPER_VERSION and its fingerprint added here (the old ones stay).
 */
const mapperFingerprints: Record<number, string> = {
  1: '05c519ab3c5e35b151558eca4b61fb9afa88a755c74bfd94f3d74b4288cfe891',
};

describe('Entra member digests', () => {
  it('the mapper version moves with what the mapper makes of Graph users', () => {
    const samples = sampleUsers();
    expect(samples.length).toBeGreaterThan(8);
    const mapped = samples.map(parseDirectoryUser);
    const fingerprint = createHash('sha256').update(JSON.stringify(mapped)).digest('hex');
    expect(
      fingerprint,
      'parseDirectoryUser maps these users differently now: raise ENTRA_MAPPER_VERSION (member-digest.ts) and add its fingerprint',
    ).toBe(mapperFingerprints[ENTRA_MAPPER_VERSION]);
    expect(new Set(Object.values(mapperFingerprints)).size).toBe(Object.keys(mapperFingerprints).length);
  });

  it('equal data gives the equal digest, under the mapper version; any other value of any property another', () => {
    const users = sampleUsers().map(graphUserObject);
    for (const user of users) {
      expect(graphUserDigest(structuredClone(user))).toBe(graphUserDigest(user));
      expect(graphUserDigest(user)).toMatch(new RegExp(`^entra${ENTRA_MAPPER_VERSION}:[0-9a-f]{40}$`));
    }
    fc.assert(
      fc.property(
        fc.constantFrom(...users),
        fc.string({ minLength: 1, maxLength: 12 }),
        fc.oneof(fc.string(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 })),
        (user, name, value) => {
          const changed = { ...user, [name === 'id' ? 'idx' : name]: value };
          fc.pre(JSON.stringify(changed) !== JSON.stringify(user));
          expect(graphUserDigest(changed)).not.toBe(graphUserDigest(user));
        },
      ),
    );
  });

  it('a digested page maps a member only when asked, to what parseDirectoryUser makes of it', () => {
    const objects = sampleUsers().map(graphUserObject);
    const page = digestedMemberPage({ objects }, { next: null, count: objects.length });
    expect(page.digested!.map((m) => m.id)).toEqual(objects.map((o) => o.id));
    expect(page.digested!.map((m) => m.digest)).toEqual(objects.map(graphUserDigest));
    expect(page.digested!.map((m) => m.user())).toEqual(objects.map(parseDirectoryUser));
    expect(page.users).toEqual(objects.map(parseDirectoryUser));
    expect(page).toMatchObject({ next: null, count: objects.length });
  });

  it('a scanned page digests each user’s bytes and maps it to what parseDirectoryUser makes of the parsed user', () => {
    const objects = sampleUsers().map(graphUserObject);
    const bytes = new TextEncoder().encode(JSON.stringify({ '@odata.count': objects.length, value: objects }, null, 1));
    const scanned = scanUserPage(bytes)!.users;
    const page = digestedMemberPage({ scanned }, { next: null });
    expect(page.digested!.map((m) => m.id)).toEqual(objects.map((o) => o.id));
    expect(page.digested!.map((m) => m.user())).toEqual(objects.map(parseDirectoryUser));
    expect(page.users).toEqual(objects.map(parseDirectoryUser));
    const digests = page.digested!.map((m) => m.digest);
    expect(digests).toEqual(scanned.map(graphUserBytesDigest));
    for (const digest of digests) expect(digest).toMatch(new RegExp(`^entra${ENTRA_MAPPER_VERSION}b:[0-9a-f]{40}$`));
    expect(new Set(digests).size).toBe(objects.length);
    // the same user as other bytes (here: other whitespace) is another digest: mapped again, never mistaken
    const compact = scanUserPage(new TextEncoder().encode(JSON.stringify({ value: objects })))!.users;
    compact.forEach((user, i) => expect(graphUserBytesDigest(user)).not.toBe(digests[i]));
  });

  it('an object that is not a Graph user is refused as the page is read, not when it is mapped', () => {
    expect(() => graphUserObject({ displayName: 'no id' })).toThrow(/needs an id/);
    expect(() => graphUserObject({ '@odata.type': '#microsoft.graph.group', id: 'g' })).toThrow(/expected a/);
    expect(() => graphUserObject('x')).toThrow(/must be an object/);
  });
});
