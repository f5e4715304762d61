import crypto from 'node:crypto';
import type { DigestedMember, MemberPage } from '../provider.js';
import { parseDirectoryUser, type GraphUserObject } from './directory-user.js';

/**
 * Which version of the Entra mapper (parseDirectoryUser, directory-user.ts) a member digest was made under. Raise
 * it with any change to what the mapper makes of a Graph user: digests are of what Graph sent, so without a new
 * version a member whose user is settled on its old digest would never be mapped again under the new rules.
 * test/directory/entra-member-digest.test.ts fails when the mapper's output for its fixtures changes and this did not.
 */
export const ENTRA_MAPPER_VERSION = 1;

/** One-shot hashing (Node 20.12+), else a Hash object: the same digest, the one-shot a third cheaper per user. */
const sha1Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha1', text, 'hex')
    : (text) => crypto.createHash('sha1').update(text).digest('hex');

/**
 * The digest of one user as Graph sent it, under this mapper version: cheaper than digesting the mapped user (half
 * the text, and no mapping at all for a member that turns out settled); the same Graph data always maps the same.
 * The version prefixes the hash rather than entering it, so the text is hashed as it is, without a copy.
 */
export function graphUserDigest(object: GraphUserObject): string {
  return `entra${ENTRA_MAPPER_VERSION}:${sha1Hex(JSON.stringify(object))}`;
}

/**
 * A member page whose users are digested and mapped on demand: `digested` digests a member when staging asks
 * (not while the page is being received, so the request for the next page goes out first) and maps one only if
 * staging stores its data; `users` (for readers that want the whole page mapped) maps them all once.
 */
export function digestedMemberPage(
  objects: readonly GraphUserObject[],
  rest: Omit<MemberPage, 'users' | 'digested'>,
): MemberPage {
  // A mapped user is not kept: staging serialises it at once, and the page stays in memory until it is written.
  const digested: DigestedMember[] = objects.map((object) => {
    let digest: string | undefined;
    return {
      id: object.id,
      get digest() {
        return (digest ??= graphUserDigest(object));
      },
      user: () => parseDirectoryUser(object),
    };
  });
  let users: MemberPage['users'] | undefined;
  return {
    ...rest,
    digested,
    get users() {
      return (users ??= objects.map(parseDirectoryUser));
    },
  };
}
