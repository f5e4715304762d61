import { seedOrganization } from './generator.js';
import { createRandom } from './random.js';
import { SimulatorWorld } from './world.js';

export interface DemoGroup {
  id: string;
  displayName: string;
  /** User objects among the group's transitive members. */
  userCount: number;
}

/** The seeded tenant and app a fresh simulator starts with, ready for client-credentials calls. */
export interface DemoTenant {
  tenantId: string;
  displayName: string;
  /** The initial domain, usable instead of the tenant id in Entra URLs. */
  domain: string;
  clientId: string;
  clientSecret: string;
  groups: DemoGroup[];
  /** A Global Administrator of the demo tenant (to sign in as when connecting), unless the tenant has no users. */
  adminUpn: string | null;
  /** A user without directory roles: signing in as them is refused. */
  userUpn: string | null;
}

export interface WorldOptions {
  users: number;
  seed: string | number;
  clientId?: string;
  clientSecret?: string;
}

/** Entra secrets look like `abc8Q~…` (40 characters); the seeded one does too, so logs show the usual shape. */
function seededSecret(seed: string | number): string {
  const random = createRandom(`${seed}/secret`);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.';
  const part = (n: number) => Array.from({ length: n }, () => random.pick([...alphabet])).join('');
  return `${part(3)}8Q~${part(34)}`;
}

/**
 * Builds the world a simulator starts (and resets) with: the demo tenant "Contoso" seeded with `users`
 * people in All Staff, the default app registered, and that app consented in the demo tenant.
 * The same seed gives the same ids, so printed environment lines stay valid across restarts.
 */
export function buildWorld(options: WorldOptions): { world: SimulatorWorld; demo: DemoTenant } {
  const world = new SimulatorWorld();
  const random = createRandom(`${options.seed}/ids`);
  const tenant = world.directory.addTenant({
    id: random.guid(),
    displayName: 'Contoso',
    initialDomain: 'contoso.onmicrosoft.com',
    customDomain: 'contoso.com',
  });
  const seeded = seedOrganization(tenant, { users: options.users, seed: options.seed });
  const app = world.apps.register({
    clientId: options.clientId ?? random.guid(),
    clientSecret: options.clientSecret ?? seededSecret(options.seed),
    displayName: 'Directory Sync',
  });
  world.apps.grantConsent(tenant.id, app.clientId);
  // The first seeded person administers the tenant (Global Administrator); everybody else holds no role.
  const [admin, user] = [...tenant.users.values()];
  if (admin) world.roles.set(tenant.id, admin.id, ['Global Administrator']);

  const describe = (group: { id: string; displayName: string }): DemoGroup => ({
    id: group.id,
    displayName: group.displayName,
    userCount: tenant.memberLists(group.id, true).users.length,
  });
  return {
    world,
    demo: {
      tenantId: tenant.id,
      displayName: tenant.displayName,
      domain: 'contoso.onmicrosoft.com',
      clientId: app.clientId,
      clientSecret: app.clientSecret as string,
      adminUpn: admin?.userPrincipalName ?? null,
      userUpn: user?.userPrincipalName ?? null,
      groups: [seeded.allStaff, seeded.departments[0]!, seeded.projectFalcon, seeded.bookClub].map(describe),
    },
  };
}
