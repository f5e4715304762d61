/**
 * Members staged as Graph sent them (DigestedMember.source, src/directory/staged-sources.ts): a full read cuts each
 * Graph page into its users' bytes and stages those, and the apply maps them when it reads them back. What the
 * apply reads must be exactly what mapping at once gave, the deletion guard must still see who is disabled, and
 * text that is not JSON, or a user that is not the member it was staged as, must never become a user.
 *
 * The users are Microsoft's documented ones ("List transitive members", cast to microsoft.graph.user with
 * $filter, ../shared/graph-docs/) plus the shapes the mapper has rules for.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphUserObject, parseDirectoryUser } from '../../src/directory/entra/directory-user.js';
import { digestedMemberPage } from '../../src/directory/entra/member-digest.js';
import { scanUserPage } from '../../src/directory/entra/user-page-scan.js';
import { countDisabledManagedMembers } from '../../src/db/repositories/pending-removals.js';
import {
  countStaged,
  readStagedChunk,
  stageMembers,
  UnreadableStagedMemberError,
} from '../../src/db/repositories/sync-staging.js';
import { loadFixture } from '../simulator/shapes.js';
import { openScratchDb, seedCompany, seedSetup, startRun, type ScratchDb } from './fixtures.js';

const documented = (loadFixture('group-list-transitivemembers.cast-user-filter').body as { value: object[] }).value;

const users: Record<string, unknown>[] = [
  ...documented.map((user, i) => ({ id: `0000000${i}-0000-4000-8000-000000000000`, ...user })),
  {
    id: '10000000-0000-4000-8000-000000000001',
    displayName: 'Ærø "the Guest" Ødegård',
    userPrincipalName: 'guest_example.com#EXT#@contoso.onmicrosoft.com',
    userType: 'Guest',
    businessPhones: ['  ', '+45 11 22 33 44'],
    accountEnabled: false,
    onPremisesExtensionAttributes: { extensionAttribute1: 'A1', extensionAttribute2: null },
  },
  { id: '10000000-0000-4000-8000-000000000002', mail: 'Kim@Contoso.com', accountEnabled: true },
  { id: '10000000-0000-4000-8000-000000000003', mail: 'limited@contoso.com', accountEnabled: null },
];

/** A Graph page as bytes, cut by the scanner the way a full read cuts it, its users digested. */
function scannedPage(values: readonly unknown[], text = JSON.stringify({ value: values }, null, 1)) {
  const scanned = scanUserPage(new TextEncoder().encode(text));
  if (!scanned) throw new Error('the scanner did not answer for the page');
  return digestedMemberPage({ scanned: scanned.users }, { next: null }).digested!;
}

describe('members staged as Graph sent them', () => {
  let scratch: ScratchDb;
  let company: { companyId: string; customerTypeId: string };

  beforeAll(async () => {
    scratch = await openScratchDb();
    company = await seedCompany(scratch.db);
  });
  afterAll(async () => scratch?.close());

  const newRun = async () => {
    const policy = await seedSetup(scratch.db, company);
    return { policy, runId: await startRun(scratch.db, policy) };
  };

  it('are stored as Graph’s JSON, and read back as the users mapping at once makes of them', async () => {
    const { runId } = await newRun();
    const page = scannedPage(users);
    expect(await stageMembers(scratch.db, runId, page, 0, { page: 1 })).toEqual({
      staged: users.length,
      added: users.length,
    });
    const rows = await scratch.db
      .selectFrom('sync_run_members')
      .select(['external_id', 'data', 'source', 'source_format', 'enabled'])
      .where('run_id', '=', runId)
      .orderBy('external_id')
      .execute();
    const byId = [...users].sort((a, b) => String(a.id).localeCompare(String(b.id)));
    expect(rows.map((r) => r.data)).toEqual(byId.map(() => null));
    expect(rows.map((r) => r.source_format)).toEqual(byId.map(() => 'entra.user'));
    expect(rows.map((r) => r.source)).toEqual(byId);
    expect(rows.map((r) => r.enabled)).toEqual(byId.map((u) => parseDirectoryUser(graphUserObject(u)).enabled));

    const { members } = await readStagedChunk(scratch.db, runId, { afterExternalId: null, limit: 100 });
    expect(members).toEqual(byId.map((u) => parseDirectoryUser(graphUserObject(u))));
    expect(members).toEqual([...page].sort((a, b) => a.id.localeCompare(b.id)).map((m) => m.user()));
  });

  it('the deletion guard counts a managed user whose staged source says it is disabled', async () => {
    const { policy, runId } = await newRun();
    await stageMembers(scratch.db, runId, scannedPage(users), 0);
    // every member's user is active and managed by the setup: one of them is disabled in Entra
    await sql`
      insert into users (company_id, customer_type_id, managing_setup_id, external_id)
      select ${company.companyId}::uuid, ${company.customerTypeId}::uuid, ${policy.setupId}::uuid, external_id
      from sync_run_members where run_id = ${runId}::uuid`.execute(scratch.db);
    const scope = { companyId: company.companyId, setupId: policy.setupId, runId };
    expect(await countDisabledManagedMembers(scratch.db, scope)).toBe(1);
  });

  it('a page with a user that is not JSON is refused as it is staged, and nothing of it is stored', async () => {
    const { runId } = await newRun();
    // the scanner cuts this page (it reads only structure): the user's `tru` is for JSON parsing to refuse
    const page = scannedPage([], '{"value":[{"id":"a1","displayName":"A"},{"id":"a2","accountEnabled":tru}]}');
    expect(page.map((m) => m.id)).toEqual(['a1', 'a2']);
    await expect(stageMembers(scratch.db, runId, page, 0)).rejects.toThrow(/json/i);
    expect(await countStaged(scratch.db, runId)).toBe(0);
  });

  it('a page whose user is not UTF-8 is refused as it is staged (Graph sends UTF-8 JSON), nothing of it stored', async () => {
    const { runId } = await newRun();
    const head = new TextEncoder().encode('{"value":[{"id":"b1","displayName":"');
    const tail = new TextEncoder().encode('"}]}');
    const bytes = new Uint8Array([...head, 0xc3, 0x28, ...tail]); // 0xC3 must start a two-byte sequence
    const scanned = scanUserPage(bytes)!.users;
    const page = digestedMemberPage({ scanned }, { next: null }).digested!;
    await expect(stageMembers(scratch.db, runId, page, 0)).rejects.toThrow(/UTF8/);
    expect(await countStaged(scratch.db, runId)).toBe(0);
  });

  it('a staged source that is not the member it was staged as fails the read-back, naming the member', async () => {
    const { runId } = await newRun();
    await stageMembers(scratch.db, runId, scannedPage(users.slice(-2)), 0);
    const [first] = users.slice(-2);
    await sql`
      update sync_run_members set source = jsonb_set(source::jsonb, '{id}', '"someone-else"')::json
      where run_id = ${runId}::uuid and external_id = ${String(first!.id)}`.execute(scratch.db);
    const read = readStagedChunk(scratch.db, runId, { afterExternalId: null, limit: 100 });
    await expect(read).rejects.toBeInstanceOf(UnreadableStagedMemberError);
    await expect(read).rejects.toThrow(`the member ${String(first!.id)} was staged`);

    await sql`update sync_run_members set source_format = 'ldap.entry' where run_id = ${runId}::uuid`.execute(
      scratch.db,
    );
    await expect(readStagedChunk(scratch.db, runId, { afterExternalId: null, limit: 100 })).rejects.toThrow(
      /no mapper for the format 'ldap.entry'/,
    );
  });
});
