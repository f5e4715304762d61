import crypto from 'node:crypto';
import type { DigestedMember, MemberPage, StagedSource } from '../provider.js';
import { graphUserObject, parseDirectoryUser, type DirectoryUser, type GraphUserObject } from './directory-user.js';
import type { GroupUserBytesPage } from './members.js';
import { scannedUserBytes, scannedUserText, type ScannedUser } from './user-page-scan.js';

/**
 * Which version of the Entra mapper (parseDirectoryUser, directory-user.ts) a member digest was made under. Raise
 * it with any change to what the mapper makes of a Graph user: digests are of what Graph sent, so without a new
 * version a member whose user is settled on its old digest would never be mapped again under the new rules.
 * test/directory/entra-member-digest.test.ts fails when the mapper's output for its fixtures changes and this did not.
 */
export const ENTRA_MAPPER_VERSION = 1;

/** One-shot hashing (Node 20.12+), else a Hash object: the same digest, the one-shot a third cheaper per user. */
const sha1Hex: (data: string | Uint8Array) => string =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha1', data, 'hex')
    : (data) => crypto.createHash('sha1').update(data).digest('hex');

/**
 * The digest of one user as Graph sent it, under this mapper version: cheaper than digesting the mapped user (half
 * the text, and no mapping at all for a member that turns out settled); the same Graph data always maps the same.
 * The version prefixes the hash rather than entering it, so the text is hashed as it is, without a copy.
 */
export function graphUserDigest(object: GraphUserObject): string {
  return `entra${ENTRA_MAPPER_VERSION}:${sha1Hex(JSON.stringify(object))}`;
}

/**
 * The digest of one user as the bytes Graph sent (user-page-scan.ts), under this mapper version: no parsing and no
 * serialising at all. Not equal to graphUserDigest of the same user (other text is hashed), so a member read one
 * way and then the other is mapped once more, and is settled again.
 */
export function graphUserBytesDigest(user: ScannedUser): string {
  return `entra${ENTRA_MAPPER_VERSION}b:${sha1Hex(scannedUserBytes(user))}`;
}

/**
 * A user of a scanned page as staging takes it: digested when asked, parsed (strictly) and mapped only when asked
 * for its data. A class, not closures: a read keeps a few pages of these alive at once, so each is one object.
 */
class ScannedMember implements DigestedMember {
  private digested: string | undefined;
  constructor(private readonly scanned: ScannedUser) {}

  get id(): string {
    return this.scanned.id;
  }

  get digest(): string {
    return (this.digested ??= graphUserBytesDigest(this.scanned));
  }

  user(): DirectoryUser {
    // the scanner's id is the parsed one (it reads only plain, single ids); checked, since staging keys on it
    return entraUserFromSource(JSON.parse(scannedUserText(this.scanned)), this.scanned.id);
  }

  source(): StagedSource {
    return { format: ENTRA_USER_SOURCE, json: scannedUserBytes(this.scanned), enabled: this.scanned.enabled };
  }
}

/** The format of a Graph user staged as Graph sent it (DigestedMember.source), mapped back by entraUserFromSource. */
export const ENTRA_USER_SOURCE = 'entra.user';

/**
 * A Graph user as staging stored it (or as the scanner cut it out), mapped as parseDirectoryUser maps it; `id` is
 * the id it was staged under, which the object must carry: anything else is not the member that was read.
 */
export function entraUserFromSource(object: unknown, id: string): DirectoryUser {
  const mapped = parseDirectoryUser(graphUserObject(object));
  if (mapped.id !== id) throw new TypeError(`a directory user's id reads ${id} but parses as ${mapped.id}`);
  return mapped;
}

function digestedObject(object: GraphUserObject): DigestedMember {
  let digest: string | undefined;
  return {
    id: object.id,
    get digest() {
      return (digest ??= graphUserDigest(object));
    },
    user: () => parseDirectoryUser(object),
  };
}

/**
 * A member page whose users are digested and mapped on demand: `digested` digests a member when staging asks
 * (not while the page is being received, so the request for the next page goes out first) and maps one only if
 * staging stores its data; `users` (for readers that want the whole page mapped) maps them all once. A mapped
 * user is not kept: staging serialises it at once, and the page stays in memory until it is written.
 */
export function digestedMemberPage(
  page: Pick<GroupUserBytesPage, 'scanned' | 'objects'>,
  rest: Omit<MemberPage, 'users' | 'digested'>,
): MemberPage {
  const digested: DigestedMember[] = page.scanned
    ? page.scanned.map((user) => new ScannedMember(user))
    : (page.objects ?? []).map(digestedObject);
  let users: MemberPage['users'] | undefined;
  return {
    ...rest,
    digested,
    get users() {
      return (users ??= digested.map((member) => member.user()));
    },
  };
}
