import type { DirectoryUser } from './types.js';

/**
 * One entry per member id. Graph may replay a member across pages; the last read is the freshest, so its
 * data wins, while the position of the first read is kept so the plan's order follows Graph's.
 */
export function distinctMembers(members: readonly DirectoryUser[]): DirectoryUser[] {
  const byId = new Map<string, DirectoryUser>();
  for (const member of members) byId.set(member.id, member);
  return [...byId.values()];
}
