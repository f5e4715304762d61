import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { graphApplicationPermissions } from './apps.js';
import { dayMs } from './clock.js';
import type { SimulatorControl } from './control.js';
import type { FaultSettings } from './faults.js';
import type { GraphEnv } from './graph-api.js';
import type { SimGroup } from './model.js';
import { SimulatorError } from './simulator-error.js';

const text = z.string().nullable().optional();
const userFields = {
  givenName: text,
  surname: text,
  mail: text,
  userPrincipalName: z.string().optional(),
  mailNickname: z.string().optional(),
  jobTitle: text,
  department: text,
  mobilePhone: text,
  businessPhones: z.array(z.string()).optional(),
  officeLocation: text,
  employeeId: text,
  onPremisesSamAccountName: text,
  accountEnabled: z.boolean().optional(),
  userType: z.enum(['Member', 'Guest']).optional(),
  preferredLanguage: text,
  companyName: text,
  employeeType: text,
  city: text,
  country: text,
  state: text,
  streetAddress: text,
  postalCode: text,
  usageLocation: text,
  onPremisesExtensionAttributes: z
    .record(z.string().regex(/^extensionAttribute([1-9]|1[0-5])$/), z.string().nullable())
    .optional(),
  employeeOrgData: z
    .strictObject({ costCenter: z.string().nullable(), division: z.string().nullable() })
    .nullable()
    .optional(),
};
const userInput = z.strictObject({ id: z.string().optional(), displayName: z.string().min(1), ...userFields });
const userPatch = z.strictObject({ displayName: z.string().min(1).optional(), ...userFields });
const groupFields = {
  description: text,
  mail: text,
  mailNickname: z.string().optional(),
  mailEnabled: z.boolean().optional(),
  securityEnabled: z.boolean().optional(),
  groupTypes: z.array(z.string()).optional(),
  visibility: text,
};
const groupInput = z.strictObject({
  id: z.string().optional(),
  displayName: z.string().min(1),
  members: z.array(z.string()).optional(),
  ...groupFields,
});
const groupPatch = z.strictObject({ displayName: z.string().min(1).optional(), ...groupFields });
const count = z.number().int().min(0);
const match = z.string().optional();
const faultSettings = z.strictObject({
  throttle: z
    .union([
      z.strictObject({ mode: z.literal('burst'), count, retryAfterSeconds: z.number().min(0).optional(), match }),
      z.strictObject({
        mode: z.literal('rate'),
        limit: count,
        windowMs: z.number().positive(),
        retryAfterSeconds: z.number().min(0).optional(),
        match,
      }),
    ])
    .optional(),
  serverErrors: z
    .strictObject({
      status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]),
      count,
      retryAfterSeconds: z.number().min(0).optional(),
      match,
    })
    .optional(),
  slow: z.strictObject({ delayMs: z.number().min(0), count: count.optional(), match }).optional(),
  dropConnections: z.strictObject({ count, match }).optional(),
  emptyMemberPages: z.strictObject({ count, keepNextLink: z.boolean().optional(), match }).optional(),
  vanishedGroups: z.array(z.string()).optional(),
});

async function body<T>(c: Context<GraphEnv>, schema: z.ZodType<T>): Promise<T> {
  const raw = await c.req.json().catch(() => {
    throw new SimulatorError('the body must be JSON');
  });
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new SimulatorError(`invalid body: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * The control API over HTTPS, for tools outside the process (a demo driver, a shell with curl, a
 * browser test). JSON in and out; a bad tenant, user or group answers 404 with `{ error }`.
 */
export function registerControlRoutes(app: Hono<GraphEnv>, control: SimulatorControl): void {
  const sim = '/_sim';
  const tenant = `${sim}/tenants/:tenant`;
  const p = (c: Context<GraphEnv>, name: string) => c.req.param(name) as string;

  app.get(`${sim}/demo`, (c) => c.json(control.demo));
  app.get(`${sim}/tenants`, (c) => c.json(control.tenants()));
  app.post(`${sim}/tenants`, async (c) => {
    const input = await body(
      c,
      z.strictObject({
        id: z.string().optional(),
        displayName: z.string().min(1),
        initialDomain: z.string().optional(),
        customDomain: z.string().optional(),
        users: count.max(500_000).optional(),
        seed: z.union([z.string(), z.number()]).optional(),
      }),
    );
    return c.json(control.addTenant(input), 201);
  });

  app.post(`${tenant}/users`, async (c) => c.json(control.addUser(p(c, 'tenant'), await body(c, userInput)), 201));
  app.patch(`${tenant}/users/:user`, async (c) =>
    c.json(control.updateUser(p(c, 'tenant'), p(c, 'user'), await body(c, userPatch))),
  );
  app.put(`${tenant}/users/:user/manager`, async (c) =>
    c.json(
      control.setManager(
        p(c, 'tenant'),
        p(c, 'user'),
        (await body(c, z.strictObject({ id: z.string().nullable() }))).id,
      ),
    ),
  );
  app.post(`${tenant}/users/:user/disable`, (c) => c.json(control.disableUser(p(c, 'tenant'), p(c, 'user'))));
  app.post(`${tenant}/users/:user/enable`, (c) => c.json(control.enableUser(p(c, 'tenant'), p(c, 'user'))));
  app.post(`${tenant}/users/:user/restore`, (c) => c.json(control.restoreUser(p(c, 'tenant'), p(c, 'user'))));
  app.delete(`${tenant}/users/:user`, (c) => {
    control.deleteUser(p(c, 'tenant'), p(c, 'user'), { hard: c.req.query('hard') === 'true' });
    return c.body(null, 204);
  });

  app.post(`${tenant}/groups`, async (c) =>
    c.json(serializeGroup(control.addGroup(p(c, 'tenant'), await body(c, groupInput))), 201),
  );
  app.patch(`${tenant}/groups/:group`, async (c) =>
    c.json(serializeGroup(control.updateGroup(p(c, 'tenant'), p(c, 'group'), await body(c, groupPatch)))),
  );
  app.delete(`${tenant}/groups/:group`, (c) => {
    control.removeGroup(p(c, 'tenant'), p(c, 'group'));
    return c.body(null, 204);
  });
  app.get(`${tenant}/groups/:group/transitive-users`, (c) =>
    c.json({ count: control.transitiveUserIds(p(c, 'tenant'), p(c, 'group')).length }),
  );
  app.post(`${tenant}/groups/:group/members`, async (c) => {
    control.addMember(p(c, 'tenant'), p(c, 'group'), (await body(c, z.strictObject({ id: z.string() }))).id);
    return c.body(null, 204);
  });
  app.delete(`${tenant}/groups/:group/members/:member`, (c) => {
    control.removeMember(p(c, 'tenant'), p(c, 'group'), p(c, 'member'));
    return c.body(null, 204);
  });
  app.post(`${tenant}/members/:member/move`, async (c) => {
    const { from, to } = await body(c, z.strictObject({ from: z.string(), to: z.string() }));
    control.moveMember(p(c, 'tenant'), p(c, 'member'), from, to);
    return c.body(null, 204);
  });

  app.post(`${sim}/apps`, async (c) => {
    const input = await body(
      c,
      z.strictObject({
        clientId: z.string().optional(),
        displayName: z.string().optional(),
        clientSecret: z.string().optional(),
        certificatePem: z.string().optional(),
        permissions: z.array(z.enum(graphApplicationPermissions)).optional(),
        redirectUris: z.union([z.array(z.string()), z.literal('any')]).optional(),
      }),
    );
    return c.json(control.registerApp(input), 201);
  });
  app.put(`${tenant}/consent-mode`, async (c) => {
    control.setConsentMode(
      p(c, 'tenant'),
      (await body(c, z.strictObject({ mode: z.enum(['grant', 'deny', 'interactive']) }))).mode,
    );
    return c.body(null, 204);
  });
  app.get(`${tenant}/consent/:client`, (c) => c.json({ state: control.consentState(p(c, 'tenant'), p(c, 'client')) }));
  app.put(`${tenant}/consent/:client`, (c) => {
    control.grantConsent(p(c, 'tenant'), p(c, 'client'));
    return c.body(null, 204);
  });
  app.delete(`${tenant}/consent/:client`, (c) => {
    control.revokeConsent(p(c, 'tenant'), p(c, 'client'), {
      removeServicePrincipal: c.req.query('removeServicePrincipal') === 'true',
    });
    return c.body(null, 204);
  });

  app.get(`${tenant}/users/:user/roles`, (c) => c.json({ roles: control.userRoles(p(c, 'tenant'), p(c, 'user')) }));
  app.put(`${tenant}/users/:user/roles`, async (c) => {
    const input = await body(c, z.strictObject({ roles: z.array(z.string()) }));
    return c.json(control.setUserRoles(p(c, 'tenant'), p(c, 'user'), input.roles));
  });
  app.put(`${sim}/apps/:client/group-membership-claims`, async (c) => {
    const input = await body(c, z.strictObject({ value: z.enum(['None', 'SecurityGroup', 'DirectoryRole', 'All']) }));
    control.setGroupMembershipClaims(p(c, 'client'), input.value);
    return c.body(null, 204);
  });
  app.get(`${tenant}/faults`, (c) => c.json(control.faults(p(c, 'tenant'))));
  app.put(`${tenant}/faults`, async (c) => {
    control.setFaults(p(c, 'tenant'), (await body(c, faultSettings)) as FaultSettings);
    return c.body(null, 204);
  });
  app.delete(`${tenant}/faults`, (c) => {
    control.clearFaults(p(c, 'tenant'));
    return c.body(null, 204);
  });
  app.delete(`${sim}/faults`, (c) => {
    control.clearFaults();
    return c.body(null, 204);
  });
  app.post(`${tenant}/delta-reset`, (c) => {
    control.resetDeltaState(p(c, 'tenant'));
    return c.body(null, 204);
  });

  const clock = () => ({ now: control.now(), iso: new Date(control.now()).toISOString() });
  app.get(`${sim}/clock`, (c) => c.json(clock()));
  app.post(`${sim}/clock/advance`, async (c) => {
    const {
      ms = 0,
      seconds = 0,
      days = 0,
    } = await body(
      c,
      z.strictObject({
        ms: z.number().min(0).optional(),
        seconds: z.number().min(0).optional(),
        days: z.number().min(0).optional(),
      }),
    );
    control.advanceClock(ms + seconds * 1000 + days * dayMs);
    return c.json(clock());
  });
  app.put(`${sim}/resource-unit-limits`, async (c) => {
    const limits = await body(c, z.strictObject({ perTenSeconds: z.number().positive().optional() }).nullable());
    control.enforceResourceUnitLimits(limits);
    return c.json({ enforced: limits, ...control.resourceUnitCounts() });
  });
  app.get(`${sim}/resource-unit-limits`, (c) =>
    c.json({ enforced: control.resourceUnitLimits(), ...control.resourceUnitCounts() }),
  );
  app.get(`${sim}/settings`, (c) => c.json(control.settings()));
  app.patch(`${sim}/settings`, async (c) =>
    c.json(
      control.updateSettings(
        await body(
          c,
          z.strictObject({
            tokenLifetimeSeconds: z.number().int().min(1).optional(),
            deltaPageSize: z.number().int().min(1).optional(),
            deltaTokenLifetimeMs: z.number().positive().optional(),
          }),
        ),
      ),
    ),
  );

  app.get(`${sim}/requests`, (c) =>
    c.json(control.requests({ tenantId: c.req.query('tenantId'), urlIncludes: c.req.query('urlIncludes') })),
  );
  app.delete(`${sim}/requests`, (c) => {
    control.clearRequests();
    return c.body(null, 204);
  });
  app.post(`${sim}/reset`, (c) => {
    control.reset();
    return c.json(control.demo);
  });
}

function serializeGroup(group: SimGroup): object {
  const { members, ...rest } = group;
  return { ...rest, memberCount: members.size };
}
