import { expect } from 'vitest';
import { addTenantAdmin, connectAs, onboardCompany, waitFor, type TestStack } from './stack.js';

type Company = Awaited<ReturnType<typeof onboardCompany>>;

/** A new simulated tenant, connected to the company through the real consent flow. */
export async function connectNewTenant(stack: TestStack, company: Company, name: string) {
  const tenant = stack.sim.control.addTenant({ displayName: name });
  const admin = addTenantAdmin(stack, tenant.id);
  const created = await (
    await stack.call('POST', '/api/v1/connections', {
      key: company.key,
      body: { provider: 'azure', tenantId: tenant.id },
    })
  ).json();
  await connectAs(stack, created.consentUrl, admin.id);
  const connection = await (await stack.call('GET', `/api/v1/connections/${created.id}`, { key: company.key })).json();
  expect(connection.status).toBe('connected');
  return { tenantId: tenant.id as string, connectionId: created.id as string };
}

let personCounter = 0;
/** A directory user with a unique email (in the tenant's default verified domain) and initials unless given. */
export function addPerson(stack: TestStack, tenantId: string, overrides: Record<string, unknown> = {}) {
  personCounter += 1;
  const n = `${Date.now().toString(36)}${personCounter}`;
  return stack.sim.control.addUser(tenantId, {
    displayName: `Person ${n}`,
    givenName: 'Person',
    surname: n,
    mail: `person.${n}@${stack.sim.control.tenant(tenantId).defaultDomain}`,
    onPremisesSamAccountName: `P${n}`.toUpperCase(),
    jobTitle: 'Engineer',
    department: 'R&D',
    accountEnabled: true,
    ...overrides,
  });
}

export interface SetupOptions {
  updateExisting?: boolean;
  deleteRemoved?: boolean;
  matchOn?: 'email' | 'initials';
  deletionThreshold?: { count: number; percent: number };
  removalGraceDays?: number;
}

export async function createSetup(
  stack: TestStack,
  company: Company,
  connectionId: string,
  groupId: string,
  options: SetupOptions = {},
) {
  const res = await stack.call('POST', '/api/v1/setups', {
    key: company.key,
    body: {
      connectionId,
      customerTypeId: company.customerTypeId,
      groupId,
      updateExisting: options.updateExisting ?? true,
      deleteRemoved: options.deleteRemoved ?? true,
      matchOn: options.matchOn ?? 'email',
      deletionThreshold: options.deletionThreshold ?? { count: 500, percent: 100 },
      removalGraceDays: options.removalGraceDays,
    },
  });
  const body = await res.json();
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body as { id: string; group: { id: string; displayName: string; userCount: number } };
}

const finalStatuses = new Set(['succeeded', 'failed', 'cancelled']);

export async function runSetup(
  stack: TestStack,
  company: Company,
  setupId: string,
  options: { dryRun?: boolean; fullSync?: boolean; until?: 'final' | 'awaiting_approval' } = {},
) {
  const started = await stack.call('POST', `/api/v1/setups/${setupId}/runs`, {
    key: company.key,
    body: { dryRun: options.dryRun ?? false, fullSync: options.fullSync ?? false },
  });
  const body = await started.json();
  expect(started.status, JSON.stringify(body)).toBe(202);
  return waitForRun(stack, company, body.runId, options.until);
}

export async function waitForRun(
  stack: TestStack,
  company: Company,
  runId: string,
  until: 'final' | 'awaiting_approval' = 'final',
) {
  return waitFor(
    async () => {
      const run = await (await stack.call('GET', `/api/v1/runs/${runId}`, { key: company.key })).json();
      const done =
        until === 'final'
          ? finalStatuses.has(run.status)
          : run.status === 'awaiting_approval' || finalStatuses.has(run.status);
      return done ? run : undefined;
    },
    { timeoutMs: 60_000, what: `run ${runId}` },
  );
}

export async function changesOf(stack: TestStack, company: Company, runId: string, action?: string) {
  const items: Record<string, unknown>[] = [];
  for (let page = 1; ; page++) {
    const res = await (
      await stack.call('GET', `/api/v1/runs/${runId}/changes?page=${page}${action ? `&action=${action}` : ''}`, {
        key: company.key,
      })
    ).json();
    items.push(...res.items);
    if (items.length >= res.total || res.items.length === 0) return items;
  }
}

export async function usersOf(stack: TestStack, companyId: string) {
  return stack.db.selectFrom('users').selectAll().where('company_id', '=', companyId).orderBy('email').execute();
}

/**
 * A new company with a new tenant whose group "Staff" holds `size` new people, and a setup of it that has run its
 * first (full) sync, creating them all.
 */
export async function syncedStaffGroup(stack: TestStack, name: string, size: number, options: SetupOptions = {}) {
  const company = await onboardCompany(stack);
  const { tenantId, connectionId } = await connectNewTenant(stack, company, name);
  const people = Array.from({ length: size }, () => addPerson(stack, tenantId));
  const group = stack.sim.control.addGroup(tenantId, { displayName: 'Staff', members: people.map((p) => p.id) });
  const setup = await createSetup(stack, company, connectionId, group.id, options);
  expect(await runSetup(stack, company, setup.id)).toMatchObject({ mode: 'full', counts: { created: size } });
  return { company, tenantId, connectionId, group, people, setup };
}
