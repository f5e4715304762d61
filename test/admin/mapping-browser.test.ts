import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import { addPerson, connectNewTenant, createSetup, runSetup, usersOf } from '../support/sync-fixtures.js';
import { launchChromium, screenshot } from './support/browser.js';

/**
 * The setup page's attribute mapping and customer-type rules in a real browser (issue 16): a person maps
 * employeeId and an extension attribute, routes two groups into two customer types, sees the effect in the
 * preview before saving (nothing is saved by it), in English and in Danish, then saves and runs.
 */
describe('attribute mapping on the admin setup page', () => {
  let stack: TestStack;
  let browser: Browser;
  let company: Awaited<ReturnType<typeof onboardCompany>>;
  let setupId: string;
  let salesGroup: string;
  let supportGroup: string;
  let sales: string;
  let support: string;
  let ann: { id: string };
  let bob: { id: string };

  const url = (path: string) => `${stack.apiUrl}${path}`;
  const storedSetup = () =>
    stack.db.selectFrom('sync_setups').selectAll().where('id', '=', setupId).executeTakeFirstOrThrow();

  beforeAll(async () => {
    [stack, browser] = await Promise.all([startTestStack({ listen: true }), launchChromium()]);
    company = await onboardCompany(stack, { name: 'Fjord ApS' });
    const { tenantId, connectionId } = await connectNewTenant(stack, company, 'Fjord Directory');
    const customerType = async (name: string) =>
      (await (await stack.call('POST', '/api/v1/customer-types', { key: company.key, body: { name } })).json())
        .id as string;
    [sales, support] = [await customerType('Sales'), await customerType('Support')];
    ann = addPerson(stack, tenantId, {
      employeeId: 'E-1',
      onPremisesExtensionAttributes: { extensionAttribute1: 'CC-10' },
    });
    bob = addPerson(stack, tenantId, {
      employeeId: 'E-2',
      onPremisesExtensionAttributes: { extensionAttribute1: 'CC-20' },
    });
    salesGroup = stack.sim.control.addGroup(tenantId, { displayName: 'Sales', members: [ann.id] }).id;
    supportGroup = stack.sim.control.addGroup(tenantId, { displayName: 'Support', members: [bob.id] }).id;
    const all = stack.sim.control.addGroup(tenantId, { displayName: 'All', members: [salesGroup, supportGroup] });
    setupId = (await createSetup(stack, company, connectionId, all.id)).id;
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function signedIn(locale: 'en-GB' | 'da-DK'): Promise<Page> {
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      locale,
      viewport: { width: 1400, height: 900 },
    });
    const page = await context.newPage();
    await page.goto(url('/admin'));
    await page.fill('#apiKey', company.key);
    await page.click('#sign-in');
    await page.waitForURL('**/admin/system');
    await page.goto(url(`/admin/setup/${setupId}/edit`));
    return page;
  }

  async function fillMapping(page: Page) {
    await page.selectOption('#mapping-employeeId-kind', 'attribute');
    await page.fill('#mapping-employeeId-value', 'employeeId');
    await page.selectOption('#mapping-costCenter-kind', 'attribute');
    await page.fill('#mapping-costCenter-value', 'onPremisesExtensionAttributes.extensionAttribute1');
    await page.selectOption('#rules-0-kind', 'memberOf');
    await page.fill('#rules-0-value', salesGroup);
    await page.selectOption('#rules-0-customerTypeId', sales);
    await page.selectOption('#rules-1-kind', 'memberOf');
    await page.fill('#rules-1-value', supportGroup);
    await page.selectOption('#rules-1-customerTypeId', support);
  }

  const cell = (page: Page, member: string, field: string, column: 'now' | 'proposed') =>
    page.textContent(`#mapping-preview-table tr[data-member="${member}"][data-field="${field}"] td.${column}`);

  it('shows the effect of a mapping and two group rules in a preview before saving, and saves nothing', async () => {
    const page = await signedIn('en-GB');
    expect(await page.textContent('#mapping legend')).toBe('Attribute mapping');
    await fillMapping(page);
    await page.click('#preview-mapping');
    await page.waitForSelector('#mapping-preview-table');
    expect(await page.textContent('#mapping-preview h2')).toBe('Preview: ten members of the group');
    expect(await cell(page, ann.id, 'employeeId', 'proposed')).toBe('E-1');
    expect(await cell(page, ann.id, 'costCenter', 'proposed')).toBe('CC-10');
    expect(await cell(page, ann.id, 'customerTypeId', 'now')).toBe('Employees');
    expect(await cell(page, ann.id, 'customerTypeId', 'proposed')).toBe('Sales');
    expect(await cell(page, bob.id, 'customerTypeId', 'proposed')).toBe('Support');
    // the form keeps what was typed, and nothing is stored yet
    expect(await page.inputValue('#mapping-employeeId-value')).toBe('employeeId');
    expect(await storedSetup()).toMatchObject({ mapping: null, customer_type_rules: [] });
    await screenshot(page, 'mapping-preview-en');

    // a bad expression is refused beside its field, at its position
    await page.selectOption('#mapping-department-kind', 'expression');
    await page.fill('#mapping-department-value', 'Upper(department');
    await page.click('#preview-mapping');
    expect(await page.textContent('#mapping-department-value-error')).toBe('Not valid at character 17.');
    await page.context().close();
  });

  it('speaks Danish, then saves, and the next run maps and routes as previewed', async () => {
    const page = await signedIn('da-DK');
    expect(await page.textContent('#mapping legend')).toBe('Attributtilknytning');
    expect(await page.textContent('#customer-type-rules legend')).toBe('Kundetype efter regel');
    await fillMapping(page);
    await page.click('#preview-mapping');
    await page.waitForSelector('#mapping-preview-table');
    expect(await page.textContent('#mapping-preview h2')).toBe('Forhåndsvisning: ti medlemmer af gruppen');
    expect(await cell(page, bob.id, 'employeeId', 'proposed')).toBe('E-2');
    await screenshot(page, 'mapping-preview-da');
    await page.click('#save-setup');
    await page.waitForURL('**/admin/setup?**');
    await page.context().close();

    expect(await storedSetup()).toMatchObject({
      mapping: {
        employeeId: { attribute: 'employeeId' },
        costCenter: { attribute: 'onPremisesExtensionAttributes.extensionAttribute1' },
      },
      customer_type_rules: [
        { memberOf: salesGroup, customerTypeId: sales },
        { memberOf: supportGroup, customerTypeId: support },
      ],
    });
    expect(await runSetup(stack, company, setupId)).toMatchObject({ status: 'succeeded', counts: { created: 2 } });
    const users = new Map((await usersOf(stack, company.companyId)).map((u) => [u.external_id, u]));
    expect(users.get(ann.id)).toMatchObject({
      customer_type_id: sales,
      attributes: { employeeId: 'E-1', costCenter: 'CC-10' },
    });
    expect(users.get(bob.id)).toMatchObject({
      customer_type_id: support,
      attributes: { employeeId: 'E-2', costCenter: 'CC-20' },
    });
  });
});
