import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTenantAdmin, onboardCompany, startTestStack, type TestStack } from '../support/stack.js';
import { addPerson, usersOf } from '../support/sync-fixtures.js';
import { launchChromium, screenshot } from './support/browser.js';

/**
 * The seed's flow done by a person in a real browser (Debian's Chromium) against the real service: API on a
 * socket, worker, Temporal dev server, Postgres and the HTTPS simulator, whose consent page is clicked through.
 * The tests run in order and build on each other, like the admin's session does.
 */
describe('admin pages in a browser', () => {
  let stack: TestStack;
  let company: Awaited<ReturnType<typeof onboardCompany>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let tenantId: string;
  let tenantAdmin: { id: string; userPrincipalName: string };
  let groupId: string;
  let people: { id: string; displayName?: string; mail?: string | null }[];

  const url = (path: string) => `${stack.apiUrl}${path}`;
  const text = async (selector: string) => ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();
  const finalRun = (status = 'succeeded') =>
    page.waitForSelector(`#run-status[data-status="${status}"]`, { timeout: 60_000 });

  beforeAll(async () => {
    // Pages of two members make the read phase long enough to watch (with the slow fault below).
    [stack, browser] = await Promise.all([
      startTestStack({ listen: true, config: { SYNC_PAGE_SIZE: '2' } }),
      launchChromium(),
    ]);
    company = await onboardCompany(stack, { name: 'Nordlys A/S' });
    const tenant = stack.sim.control.addTenant({ displayName: 'Nordlys Directory' });
    tenantId = tenant.id;
    tenantAdmin = addTenantAdmin(stack, tenantId);
    stack.sim.control.addUser(tenantId, { displayName: 'Plain Clerk', mailNickname: 'clerk', mail: null });
    people = Array.from({ length: 6 }, () => addPerson(stack, tenantId));
    groupId = stack.sim.control.addGroup(tenantId, { displayName: 'All Staff', members: people.map((p) => p.id) }).id;
    stack.sim.control.addGroup(tenantId, { displayName: 'Alliance Partners', members: [] });
    stack.sim.control.setConsentMode(tenantId, 'interactive');
    context = await browser.newContext({
      ignoreHTTPSErrors: true,
      locale: 'en-GB',
      viewport: { width: 1400, height: 900 },
    });
    page = await context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('signs in with a company API key into an httpOnly, SameSite=Lax session cookie', async () => {
    await page.goto(url('/admin'));
    expect(new URL(page.url()).pathname).toBe('/admin/sign-in');
    await page.fill('#apiKey', company.key);
    await page.click('#sign-in');
    await page.waitForURL('**/admin/system');
    const session = (await context.cookies()).find((c) => c.name === 'ds_admin_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/admin' });
    expect(session!.value).not.toContain(company.key);
    expect(await text('.who')).toBe('Signed in for Nordlys A/S');
  });

  it('creates a connection: our confirm page, consent and the admin’s sign-in on the simulator, then “connection established”', async () => {
    await page.click('#create-connection');
    await page.fill('#designation', 'Head office');
    await page.fill('#tenantId', tenantId);
    await page.click('#submit-connection');
    await page.waitForURL('**/consent/start?**');
    expect(await text('#confirm-question')).toBe(
      `Connect Microsoft Entra tenant ${tenantId} to Nordlys A/S in this product?`,
    );
    await page.click('#switch-language');
    expect(await text('#confirm-question')).toBe(
      `Forbind Microsoft Entra-lejeren ${tenantId} med Nordlys A/S i dette produkt?`,
    );
    await page.click('#continue-to-microsoft');
    await page.waitForURL(`${stack.sim.url}/**`);
    expect(await text('h1')).toBe('Permissions requested');
    await page.click('#accept');
    // consent alone proves nothing: Microsoft's sign-in follows, where the tenant's admin picks their account
    await page.waitForURL(`${stack.sim.url}/${tenantId}/oauth2/v2.0/authorize?**`);
    expect(await text('h1')).toBe('Pick an account');
    await screenshot(page, 'sign-in');
    await page.click(`#accounts button[data-upn="${tenantAdmin.userPrincipalName}"]`);
    await page.waitForURL('**/admin/system?**');
    expect(await text('#notice')).toBe(
      `Connection established: Nordlys Directory. Approved by ${tenantAdmin.userPrincipalName}, signed in at Microsoft as an admin of the tenant.`,
    );
    const row = page.locator('#connections tbody tr').first();
    expect(await row.getAttribute('data-status')).toBe('connected');
    expect((await row.locator('.organisation').textContent())?.trim()).toBe('Nordlys Directory');
    expect((await row.locator('.status').textContent())?.trim()).toBe('Connected');
    await screenshot(page, 'system');
  });

  it('shows validation errors beside their fields and keeps what was typed', async () => {
    await page.click('#tab-setup');
    await page.click('#create-setup');
    await page.fill('#groupId', 'not-a-group');
    await page.fill('#intervalMinutes', '0');
    await page.click('#save-setup');
    expect(await text('#form-errors')).toBe('Some fields need your attention.');
    expect(await page.locator('.field.invalid:has(#groupId) #groupId-error').textContent()).toBe(
      "Enter the group's object id (a GUID), or search for it by name.",
    );
    expect(await page.locator('.field.invalid:has(#intervalMinutes) #intervalMinutes-error').textContent()).toBe(
      'A whole number of minutes from 1 to 10080.',
    );
    expect(await page.inputValue('#groupId')).toBe('not-a-group');
  });

  it('creates a setup with the group found by searching its name', async () => {
    await page.fill('#groupSearch', 'All');
    await page.click('#search-groups');
    expect(await page.locator('#group-results li').count()).toBe(2);
    await page.click('#group-results button[data-group-name="All Staff"]');
    expect(await page.inputValue('#groupId')).toBe(groupId);
    expect(await text('#chosen-group')).toBe('Chosen: All Staff');
    await page.fill('#designation', 'Staff');
    await page.fill('#intervalMinutes', '60');
    await page.fill('#deletionThreshold-count', '2');
    await page.fill('#deletionThreshold-percent', '100');
    await page.click('#save-setup');
    await page.waitForURL('**/admin/setup?**');
    expect(await text('#notice')).toBe('The setup was created for All Staff (6 users in the group).');
    const row = page.locator('#setups tbody tr').first();
    expect((await row.locator('.group-name').textContent())?.trim()).toBe('All Staff');
    expect((await row.locator('.group-id').textContent())?.trim()).toBe(groupId);
    expect(await row.textContent()).toContain('Employees');
    expect(await row.textContent()).toContain('Every 60 minutes');
    await screenshot(page, 'setup');
  });

  it('previews the planned changes before anything is applied', async () => {
    await page.locator('#setups tbody tr').first().locator('button', { hasText: 'Preview (dry run)' }).click();
    await page.waitForURL('**/admin/runs/**');
    await finalRun();
    expect(await page.textContent('main')).toContain('Preview: this run computed its plan and applied nothing.');
    expect(await text('#change-filter a[data-action="create"]')).toBe('Creation (6)');
    expect(await page.locator('#changes tbody tr[data-action="create"]').count()).toBe(6);
    expect(await usersOf(stack, company.companyId)).toHaveLength(0);
  });

  it('runs now and shows the progress updating live, then the outcome', async () => {
    stack.sim.control.setFaults(tenantId, { slow: { delayMs: 1500, match: 'transitiveMembers' } });
    try {
      await page.click('#tab-setup');
      await page.locator('#setups tbody tr').first().locator('button', { hasText: 'Run now' }).click();
      await page.waitForURL('**/admin/runs/**');
      // A queued run becomes running: the script reloads the page once for that; the reading then takes a while.
      await page.waitForSelector('#run-status[data-status="running"]', { timeout: 30_000 });
      const first = await text('[data-field="detail"]');
      await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
      // The script rewrites the progress in place: the text changes while the document stays the same.
      await page.waitForFunction(
        (before) =>
          (window as unknown as { sameDocument?: boolean }).sameDocument === true &&
          document.querySelector('[data-field="detail"]')?.textContent !== before,
        first,
        { timeout: 30_000 },
      );
      expect(await text('[data-field="detail"]')).toMatch(/members read|changes processed/);
      await screenshot(page, 'run-progress');
    } finally {
      stack.sim.control.clearFaults(tenantId);
    }
    await finalRun();
    expect(await text('#run-counts')).toBe('Created 6');
    expect(await usersOf(stack, company.companyId)).toHaveLength(6);
    await screenshot(page, 'run');
  });

  it('lists the users with their source setup', async () => {
    await page.click('#tab-users');
    expect(await text('#user-count')).toBe('6 users');
    const sources = await page.locator('#users tbody td.source').allTextContents();
    expect(sources.map((s) => s.trim())).toEqual(Array(6).fill('Staff'));
    await screenshot(page, 'users');
  });

  it('filters a run’s changes by action and shows before and after of an update', async () => {
    stack.sim.control.updateUser(tenantId, people[0]!.id, { jobTitle: 'CTO' });
    await page.click('#tab-setup');
    await page.locator('#setups tbody tr').first().locator('button', { hasText: 'Run now' }).click();
    await page.waitForURL('**/admin/runs/**');
    await finalRun();
    await page.click('#change-filter a[data-action="update"]');
    await page.waitForURL('**action=update');
    const rows = page.locator('#changes tbody tr');
    expect(await rows.count()).toBe(1);
    expect(
      (await rows.first().locator('.diff li[data-field="jobTitle"]').textContent())?.replace(/\s+/g, ' ').trim(),
    ).toBe('Job title: Engineer → CTO');
  });

  it('holds a mass removal for approval, shows who would go, and applies it when approved', async () => {
    const leaving = people.slice(3);
    for (const person of leaving) stack.sim.control.removeMember(tenantId, groupId, person.id);
    await page.click('#tab-setup');
    await page.locator('#setups tbody tr').first().locator('button', { hasText: 'Run now' }).click();
    await page.waitForURL('**/admin/runs/**');
    await page.waitForSelector('#approval', { timeout: 60_000 });
    expect(await text('#approval p')).toBe(
      'The deletion guard stopped this run: it would remove 3 users, more than the setup allows without approval (2 users or 100%).',
    );
    const listed = await page.locator('#pending-removals li').allTextContents();
    expect(listed).toHaveLength(3);
    for (const person of leaving) expect(listed.some((line) => line.includes(person.mail!))).toBe(true);
    expect(await usersOf(stack, company.companyId)).toHaveLength(6);
    await screenshot(page, 'approval');

    await page.click('#approve-removals');
    await finalRun();
    expect(await text('#run-counts')).toMatch(/^Deleted 3( · Unchanged 3)?$/); // a delta run counts only what changed
    expect(await usersOf(stack, company.companyId)).toHaveLength(3);
  });

  it('edits, pauses and resumes a setup', async () => {
    await page.click('#tab-setup');
    await page.locator('#setups tbody tr').first().locator('a', { hasText: 'Edit' }).click();
    expect(await page.inputValue('#groupId')).toBe(groupId);
    await page.fill('#intervalMinutes', '30');
    await page.click('#save-setup');
    await page.waitForURL('**/admin/setup?notice=setup_saved');
    const row = () => page.locator('#setups tbody tr').first();
    expect(await row().locator('.schedule').textContent()).toContain('Every 30 minutes');
    expect((await row().locator('.next-run').textContent())?.trim()).not.toBe('Not scheduled');

    await row().locator('button', { hasText: 'Pause' }).click();
    expect(await text('#notice')).toBe('The setup was paused.');
    expect(await row().getAttribute('data-status')).toBe('paused');
    expect((await row().locator('.next-run').textContent())?.trim()).toBe('Not scheduled');
    await row().locator('button', { hasText: 'Resume' }).click();
    expect(await row().getAttribute('data-status')).toBe('active');
  });

  it('shows consent denied with its reason, refuses a non-admin’s sign-in, retries consent, and deletes a connection', async () => {
    const fjord = stack.sim.control.addTenant({ displayName: 'Fjord Denied' });
    const fjordAdmin = addTenantAdmin(stack, fjord.id);
    const clerk = stack.sim.control.addUser(fjord.id, { displayName: 'Fjord Clerk', mailNickname: 'fjord.clerk' });
    stack.sim.control.setConsentMode(fjord.id, 'interactive');
    await page.click('#tab-system');
    await page.click('#create-connection');
    await page.fill('#tenantId', fjord.id);
    await page.click('#submit-connection');
    await page.waitForURL('**/consent/start?**');
    await page.click('#continue-to-microsoft');
    await page.waitForURL(`${stack.sim.url}/**`);
    await page.click('#cancel');
    await page.waitForURL('**/admin/system?**');
    expect(await text('#notice')).toMatch(
      /^Consent was not given — .*AADSTS65004: User declined to consent to access the app\.$/,
    );
    const row = page.locator('#connections tbody tr[data-status="consent_denied"]');
    expect((await row.locator('.status').textContent())?.trim()).toBe('Consent denied');
    expect(await row.locator('.reason').textContent()).toContain('AADSTS65004');

    // a person without an admin role consents and signs in: refused, with the reason
    await row.locator('button', { hasText: 'Retry consent' }).click();
    await page.waitForURL('**/consent/start?**');
    await page.click('#continue-to-microsoft');
    await page.click('#accept');
    await page.click(`#accounts button[data-upn="${clerk.userPrincipalName}"]`);
    await page.waitForURL('**/admin/system?**');
    expect(await text('#notice')).toMatch(
      /^The connection could not be established — the sign-in was refused: .+ holds no directory role that can grant/,
    );
    const failed = page.locator('#connections tbody tr[data-status="failed"]');
    expect(await failed.locator('.reason').textContent()).toContain(clerk.userPrincipalName);

    await failed.locator('button', { hasText: 'Retry consent' }).click();
    await page.waitForURL('**/consent/start?**');
    await page.click('#continue-to-microsoft');
    await page.click('#accept');
    await page.click(`#accounts button[data-upn="${fjordAdmin.userPrincipalName}"]`);
    await page.waitForURL('**/admin/system?**');
    expect(await text('#notice')).toBe(
      `Connection established: Fjord Denied. Approved by ${fjordAdmin.userPrincipalName}, signed in at Microsoft as an admin of the tenant.`,
    );

    await page
      .locator('#connections tbody tr', { hasText: 'Fjord Denied' })
      .locator('button', { hasText: 'Delete' })
      .click();
    expect(await text('h1')).toBe('Delete the connection “Fjord Denied”?');
    expect(await page.locator('#connections tbody tr').count()).toBe(0); // not deleted yet: this is the question
    await page.click('#confirm-delete');
    expect(await text('#notice')).toBe('The connection was deleted.');
    expect(await page.locator('#connections tbody tr').count()).toBe(1);
  });

  it('speaks Danish to a Danish browser, and switches language on request', async () => {
    const danish = await browser.newContext({
      ignoreHTTPSErrors: true,
      locale: 'da-DK',
      viewport: { width: 1400, height: 900 },
    });
    const da = await danish.newPage();
    try {
      await da.goto(url('/admin/setup'));
      expect(await da.textContent('h1')).toBe('Log ind');
      await da.fill('#apiKey', company.key);
      await da.click('#sign-in');
      await da.waitForURL('**/admin/setup');
      expect(await da.locator('nav.tabs a').allTextContents()).toEqual([
        'System',
        'Opsætning',
        'Brugere',
        'Notifikationer',
      ]);
      expect(await da.textContent('h1')).toBe('Synkroniseringsopsætninger');
      expect((await da.textContent('#create-setup'))?.trim()).toBe('Opret');
      expect(await da.locator('#setups tbody tr').first().locator('button', { hasText: 'Kør nu' }).count()).toBe(1);
      await screenshot(da, 'setup-da');

      await da.click('#create-setup');
      await da.fill('#groupId', 'ikke-en-gruppe');
      await da.click('#save-setup');
      expect(await da.textContent('#groupId-error')).toBe(
        'Indtast gruppens objekt-id (en GUID), eller søg efter den ved navn.',
      );

      await da.click('#tab-system');
      expect((await da.textContent('#create-connection'))?.trim()).toBe('Opret');
      expect(await da.locator('#connections .status').first().textContent()).toContain('Forbundet');
      await da.click('#lang-en');
      expect(await da.textContent('h1')).toBe('Active Directory connections');
      await da.goto(url('/admin/users'));
      expect(await da.textContent('h1')).toBe('Users'); // the switch is remembered
    } finally {
      await danish.close();
    }
  });
});
