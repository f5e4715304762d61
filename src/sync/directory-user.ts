/**
 * A directory member as the sync sees it, whatever directory it came from (Entra ID, Active Directory…).
 * Each provider's mapper fills it from its own objects and applies its own rules there (Entra: `mail`, else a
 * non-guest UPN; `#EXT#` guests; AD: `userAccountControl` bit 0x2), so the planner never learns a provider's shape.
 */
export interface DirectoryUser {
  /** The directory's immutable id: Entra's object id, AD's objectGUID (lowercase, dashed). */
  id: string;
  /** The address the product knows the user by, as the provider chose it; lowercase; null when there is none. */
  email: string | null;
  displayName: string | null;
  givenName: string | null;
  surname: string | null;
  /** The first business/office phone. */
  phone: string | null;
  mobilePhone: string | null;
  department: string | null;
  jobTitle: string | null;
  officeLocation: string | null;
  /** false: the directory says the account cannot sign in; null: not read, which counts as enabled. */
  enabled: boolean | null;
  /** An invited or external identity (Entra B2B guest): never adopts an existing product user. */
  guest: boolean;
  /**
   * Every attribute the provider read, by the directory's own name, single-valued (a multi-valued attribute gives
   * its first value; nested objects flattened with dots: `onPremisesExtensionAttributes.extensionAttribute1`):
   * the sources for initials, attribute mappings and scope filters. Look names up with `attributeOf`.
   */
  attributes: Record<string, string | null>;
}

/**
 * A member as read, with its provider's digest of what the directory sent, mapped to a DirectoryUser only when
 * asked: staging maps only the members it stores with their data (MemberPage.digested in src/directory/provider.ts).
 */
export interface DigestedMember {
  id: string;
  /** Equal for equal directory data read under the same mapper, different for any other. */
  digest: string;
  user(): DirectoryUser;
  /**
   * The member as the directory sent it, when the provider can map it back later (src/directory/staged-sources.ts):
   * staging then stores this instead of the mapped user, and the apply maps it when it reads it back. A read is
   * the worker's busiest phase and the apply mostly waits on Postgres, so the mapping moves to where a core is free,
   * and Postgres stores and returns the directory's shorter text.
   */
  source?(): StagedSource;
}

/** A member staged unmapped: its provider's format, its JSON, and what the deletion guard reads of it. */
export interface StagedSource {
  format: string;
  /** One JSON object as the directory sent it, UTF-8: Postgres checks it is UTF-8 and JSON as it stages it. */
  json: Uint8Array;
  /** What the mapped user's `enabled` will be. */
  enabled: boolean | null;
}

/** An attribute by name, case-insensitively (directories treat attribute names so: `sAMAccountName`). */
export function attributeOf(user: Pick<DirectoryUser, 'attributes'>, name: string): string | null {
  const exact = user.attributes[name];
  if (exact !== undefined) return exact;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(user.attributes)) if (key.toLowerCase() === wanted) return value;
  return null;
}
