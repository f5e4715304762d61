import type { AppInput, ConsentMode, ConsentState, GraphPermission } from './apps.js';
import type { DemoTenant } from './demo.js';
import { roleDisplayName } from './directory-roles.js';
import type { TenantInput } from './directory.js';
import type { FaultSettings } from './faults.js';
import type { ResourceUnitLimits } from './resource-budget.js';
import { seedOrganization } from './generator.js';
import type { GroupInput, GroupPatch, SimGroup, SimUser, UserInput, UserPatch } from './model.js';
import type { RequestRecord } from './request-log.js';
import type { SimulatorRuntime } from './runtime.js';
import { SimulatorError } from './simulator-error.js';
import type { Tenant } from './tenant.js';
import type { SimulatorSettings } from './world.js';

export interface TenantSummary {
  id: string;
  displayName: string;
  domains: string[];
  users: number;
  groups: number;
}

export interface RegisteredApp {
  clientId: string;
  clientSecret: string | undefined;
  displayName: string;
  permissions: GraphPermission[];
}

/**
 * The simulator's control surface, in-process (tests hold this object) and over HTTPS under `/_sim`
 * (the routes call these same methods). Tenants may be named by id or verified domain. Every change
 * takes effect at once, also while a client is paging, and lands in the tenant's delta change log.
 */
export class SimulatorControl {
  constructor(private readonly runtime: SimulatorRuntime) {}

  private get world() {
    return this.runtime.world;
  }

  /** Direct read access to a tenant's model, for assertions. */
  tenant(ref: string): Tenant {
    return this.world.directory.require(ref);
  }

  get demo(): DemoTenant {
    return this.runtime.demo;
  }

  // ---- tenants --------------------------------------------------------------------------------

  tenants(): TenantSummary[] {
    return this.world.directory.list().map(summarize);
  }

  /** A new tenant; with `users` it gets the same seeded organisation as the demo tenant (All Staff etc.). */
  addTenant(input: TenantInput & { users?: number; seed?: string | number }): TenantSummary {
    const tenant = this.world.directory.addTenant(input);
    if (input.users !== undefined) seedOrganization(tenant, { users: input.users, seed: input.seed ?? tenant.id });
    return summarize(tenant);
  }

  // ---- users ----------------------------------------------------------------------------------

  /** Replaces a user's directory roles (display names such as 'Global Administrator', or role template ids). */
  setUserRoles(tenant: string, userId: string, roles: string[]): { roles: string[]; roleTemplateIds: string[] } {
    const t = this.tenant(tenant);
    const user = t.requireUser(userId);
    const ids = this.world.roles.set(t.id, user.id, roles);
    return { roles: ids.map(roleDisplayName), roleTemplateIds: ids };
  }

  userRoles(tenant: string, userId: string): string[] {
    const t = this.tenant(tenant);
    return this.world.roles.of(t.id, t.requireUser(userId).id).map(roleDisplayName);
  }

  /** A user holding the given directory roles (Global Administrator unless told), e.g. to sign in as a tenant admin. */
  addAdmin(tenant: string, input: Partial<UserInput> = {}, roles: string[] = ['Global Administrator']): SimUser {
    const user = this.addUser(tenant, { displayName: 'Tenant Admin', ...input });
    this.setUserRoles(tenant, user.id, roles);
    return user;
  }

  /** The app manifest's groupMembershipClaims: with 'None', ID tokens carry no `wids`. */
  setGroupMembershipClaims(clientId: string, value: 'None' | 'SecurityGroup' | 'DirectoryRole' | 'All'): void {
    this.world.apps.require(clientId).groupMembershipClaims = value;
  }

  addUser(tenant: string, input: UserInput): SimUser {
    return this.tenant(tenant).addUser(input);
  }

  updateUser(tenant: string, userId: string, patch: UserPatch): SimUser {
    return this.tenant(tenant).updateUser(userId, patch);
  }

  /** The user's manager (null: none), as `GET /users/{id}/manager` answers it. */
  setManager(tenant: string, userId: string, managerId: string | null): SimUser {
    return this.tenant(tenant).setManager(userId, managerId);
  }

  disableUser(tenant: string, userId: string): SimUser {
    return this.updateUser(tenant, userId, { accountEnabled: false });
  }

  enableUser(tenant: string, userId: string): SimUser {
    return this.updateUser(tenant, userId, { accountEnabled: true });
  }

  /** Soft delete (recycle bin, restorable) by default; `hard` deletes permanently. */
  deleteUser(tenant: string, userId: string, options: { hard?: boolean } = {}): void {
    const t = this.tenant(tenant);
    if (options.hard) t.hardDeleteUser(userId);
    else t.softDeleteUser(userId);
  }

  restoreUser(tenant: string, userId: string): SimUser {
    return this.tenant(tenant).restoreUser(userId);
  }

  // ---- groups and memberships ------------------------------------------------------------------

  addGroup(tenant: string, input: GroupInput & { members?: string[] }): SimGroup {
    const t = this.tenant(tenant);
    const { members = [], ...groupInput } = input;
    const group = t.addGroup(groupInput);
    for (const member of members) t.addMember(group.id, member);
    return group;
  }

  updateGroup(tenant: string, groupId: string, patch: GroupPatch): SimGroup {
    return this.tenant(tenant).updateGroup(groupId, patch);
  }

  removeGroup(tenant: string, groupId: string): void {
    this.tenant(tenant).removeGroup(groupId);
  }

  /** Adds a user or a group (nesting) as a direct member. */
  addMember(tenant: string, groupId: string, memberId: string): void {
    this.tenant(tenant).addMember(groupId, memberId);
  }

  removeMember(tenant: string, groupId: string, memberId: string): void {
    this.tenant(tenant).removeMember(groupId, memberId);
  }

  moveMember(tenant: string, memberId: string, fromGroupId: string, toGroupId: string): void {
    const t = this.tenant(tenant);
    t.requireGroup(toGroupId);
    t.removeMember(fromGroupId, memberId);
    t.addMember(toGroupId, memberId);
  }

  /** User ids among the group's transitive members, as Graph would list them now. */
  transitiveUserIds(tenant: string, groupId: string): readonly string[] {
    return this.tenant(tenant).memberLists(groupId.toLowerCase(), true).users;
  }

  // ---- apps and consent ------------------------------------------------------------------------

  registerApp(input: AppInput = {}): RegisteredApp {
    const app = this.world.apps.register(input);
    return {
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      displayName: app.displayName,
      permissions: app.permissions,
    };
  }

  grantConsent(tenant: string, clientId: string): void {
    this.world.apps.grantConsent(this.tenant(tenant).id, clientId);
  }

  /** Takes effect on the app's next token; with `removeServicePrincipal` the token endpoint refuses the app (AADSTS7000229). */
  revokeConsent(tenant: string, clientId: string, options: { removeServicePrincipal?: boolean } = {}): void {
    this.world.apps.revokeConsent(this.tenant(tenant).id, clientId, options);
  }

  consentState(tenant: string, clientId: string): ConsentState {
    return this.world.apps.consentState(this.tenant(tenant).id, clientId);
  }

  setConsentMode(tenant: string, mode: ConsentMode): void {
    this.world.apps.setConsentMode(this.tenant(tenant).id, mode);
  }

  // ---- faults ---------------------------------------------------------------------------------

  /** Replaces the tenant's faults (counters start afresh). */
  setFaults(tenant: string, faults: FaultSettings): void {
    this.world.faults.set(this.tenant(tenant).id, faults);
  }

  /** Clears one tenant's faults, or every tenant's. */
  clearFaults(tenant?: string): void {
    this.world.faults.clear(tenant === undefined ? undefined : this.tenant(tenant).id);
  }

  faults(tenant: string): FaultSettings {
    return this.world.faults.get(this.tenant(tenant).id);
  }

  /**
   * Enforces Graph's resource-unit limit per app+tenant pair (the documented S/M/L quota, or `perTenSeconds` for
   * every tenant); null switches it off. Buckets start full.
   */
  enforceResourceUnitLimits(limits: ResourceUnitLimits | null): void {
    if (limits?.perTenSeconds !== undefined && !(limits.perTenSeconds > 0))
      throw new SimulatorError('perTenSeconds must be a number > 0');
    this.world.resourceUnits.enforce(limits);
  }

  resourceUnitLimits(): ResourceUnitLimits | null {
    return this.world.resourceUnits.enforced;
  }

  /** Requests the resource-unit limit let through and answered 429 since it was switched on. */
  resourceUnitCounts(): { served: number; throttled: number } {
    return this.world.resourceUnits.counts;
  }

  // ---- clock, settings, delta state -------------------------------------------------------------

  /** The simulated directory clock (ms since the epoch). */
  now(): number {
    return this.world.clock.now();
  }

  advanceClock(ms: number): number {
    return this.world.clock.advance(ms);
  }

  settings(): SimulatorSettings {
    return { ...this.world.settings };
  }

  updateSettings(patch: Partial<SimulatorSettings>): SimulatorSettings {
    for (const [name, value] of Object.entries(patch)) {
      if (!(name in this.world.settings)) throw new SimulatorError(`unknown setting '${name}'`);
      if (typeof value !== 'number' || !(value > 0)) throw new SimulatorError(`setting '${name}' must be a number > 0`);
    }
    Object.assign(this.world.settings, patch);
    return this.settings();
  }

  /** Forgets the tenant's change history: every delta link issued so far answers 410 resyncRequired. */
  resetDeltaState(tenant: string): void {
    this.tenant(tenant).resetDeltaState();
  }

  // ---- observation and reset -----------------------------------------------------------------------

  requests(filter: { tenantId?: string; urlIncludes?: string } = {}): RequestRecord[] {
    return this.runtime.requests.list(filter);
  }

  clearRequests(): void {
    this.runtime.requests.clear();
  }

  /** Back to the freshly seeded state: same demo ids, default app only, no faults, clock at real time. */
  reset(): void {
    this.runtime.reset();
  }
}

function summarize(tenant: Tenant): TenantSummary {
  return {
    id: tenant.id,
    displayName: tenant.displayName,
    domains: tenant.verifiedDomains.map((d) => d.name),
    users: tenant.users.size,
    groups: tenant.groups.size,
  };
}
