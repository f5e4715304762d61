import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import { addPerson, changesOf, connectNewTenant, createSetup, runSetup, usersOf } from '../support/sync-fixtures.js';

describe('matching existing product users', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack?.close());

  async function existingUser(
    companyId: string,
    customerTypeId: string,
    values: { email?: string; initials?: string; managing_setup_id?: string; external_id?: string },
  ) {
    return stack.db
      .insertInto('users')
      .values({
        company_id: companyId,
        customer_type_id: customerTypeId,
        email: values.email ?? null,
        initials: values.initials ?? null,
        first_name: 'Existing',
        last_name: 'User',
        display_name: 'Existing User',
        phone: null,
        mobile: null,
        department: null,
        job_title: null,
        office_location: null,
        external_id: values.external_id ?? null,
        managing_setup_id: values.managing_setup_id ?? null,
        deactivated_by_setup_id: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  it('adopts by email, case-insensitively, and reports conflicts with their reasons', async () => {
    const company = await onboardCompany(stack);
    const { tenantId, connectionId } = await connectNewTenant(stack, company, 'Match Co');
    // Adoption needs an address in one of the tenant's verified domains (src/sync/adoption.ts).
    const domain = stack.sim.control.tenant(tenantId).defaultDomain;
    const known = addPerson(stack, tenantId, { mail: `Anne.Known@${domain.toUpperCase()}` });
    const taken = addPerson(stack, tenantId);
    const fresh = addPerson(stack, tenantId);
    const noMail = addPerson(stack, tenantId, {
      mail: null,
      userPrincipalName: 'nomail_ext#EXT#@match.onmicrosoft.com',
    });
    const group = stack.sim.control.addGroup(tenantId, {
      displayName: 'Staff',
      members: [known, taken, fresh, noMail].map((u) => u.id),
    });
    const otherGroup = stack.sim.control.addGroup(tenantId, { displayName: 'Other', members: [] });

    const existing = await existingUser(company.companyId, company.customerTypeId, { email: `anne.known@${domain}` });
    const otherSetup = await createSetup(stack, company, connectionId, otherGroup.id);
    await existingUser(company.companyId, company.customerTypeId, {
      email: taken.mail!.toLowerCase(),
      managing_setup_id: otherSetup.id,
      external_id: 'someone-else',
    });

    const setup = await createSetup(stack, company, connectionId, group.id, { matchOn: 'email' });
    const run = await runSetup(stack, company, setup.id);
    expect(run.counts).toMatchObject({ adopted: 1, created: 1, conflicts: 1, skipped: 1 });
    const adopted = (await usersOf(stack, company.companyId)).find((u) => u.id === existing.id)!;
    expect(adopted).toMatchObject({ external_id: known.id, managing_setup_id: setup.id });
    const [conflict] = await changesOf(stack, company, run.id, 'conflict');
    expect(conflict).toMatchObject({ externalId: taken.id, reason: expect.stringMatching(/another setup|managed/) });
    const [skip] = await changesOf(stack, company, run.id, 'skip');
    expect(skip).toMatchObject({ externalId: noMail.id, reason: expect.stringMatching(/email/) });
    // Issue 12: the API carries each reason as a code too; a skip names its member (no before/after to do it).
    expect(conflict).toMatchObject({
      reasonCode: 'matchManagedElsewhere',
      reasonParams: expect.objectContaining({ managingSetupId: otherSetup.id }),
    });
    expect(skip).toMatchObject({
      reasonCode: 'noMatchKey',
      reasonParams: expect.objectContaining({ matchOn: 'email', memberName: noMail.displayName }),
    });
  });

  it('adopts by initials from onPremisesSamAccountName, falling back to mailNickname', async () => {
    const company = await onboardCompany(stack);
    const { tenantId, connectionId } = await connectNewTenant(stack, company, 'Initials Co');
    const sam = addPerson(stack, tenantId, { onPremisesSamAccountName: 'jdo' });
    const nick = addPerson(stack, tenantId, { onPremisesSamAccountName: null, mailNickname: 'abc' });
    const group = stack.sim.control.addGroup(tenantId, { displayName: 'Staff', members: [sam.id, nick.id] });
    const jdo = await existingUser(company.companyId, company.customerTypeId, {
      initials: 'JDO',
      email: 'different@example.test',
    });
    const abc = await existingUser(company.companyId, company.customerTypeId, { initials: 'ABC' });

    const setup = await createSetup(stack, company, connectionId, group.id, {
      matchOn: 'initials',
      updateExisting: false,
    });
    const run = await runSetup(stack, company, setup.id);
    expect(run.counts).toMatchObject({ adopted: 2, created: 0 });
    const users = await usersOf(stack, company.companyId);
    expect(users.find((u) => u.id === jdo.id)).toMatchObject({ external_id: sam.id, email: 'different@example.test' }); // updateExisting off: only linked
    expect(users.find((u) => u.id === abc.id)).toMatchObject({ external_id: nick.id });
  });
});
