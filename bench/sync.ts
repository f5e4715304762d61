/**
 * The sync benchmark: full and delta runs of one setup against the simulator, with the real worker (a child
 * process, so its peak RSS is its own), the Temporal dev server and Postgres, and the floor they are measured
 * against: paging the same members with the plain Graph client plus bulk-inserting the same rows.
 */
import { entraKind } from '../src/directory/entra/kind.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { sql } from 'kysely';
import type { Config } from '../src/config.js';
import type { Db } from '../src/db/database.js';
import { insertApiKey } from '../src/db/repositories/api-keys.js';
import { insertCompany } from '../src/db/repositories/companies.js';
import { insertCustomerType } from '../src/db/repositories/customer-types.js';
import { insertConnection, markConnectionConnected } from '../src/db/repositories/connections.js';
import { insertSetup } from '../src/db/repositories/setups.js';
import { generateApiKey } from '../src/api/keys.js';
import { createGraphClient } from '../src/directory/entra/client.js';
import { pageGroupUsers } from '../src/directory/entra/members.js';
import type { Simulator } from '../src/simulator/server.js';
import { startRun } from '../src/setups/service.js';
import { selfCheckWorkflow } from '../src/workflows/self-check.js';
import type { Logger } from '../src/logger.js';
import { workerEnvironment, workerNodeFlags } from '../src/runtime/worker-launch.js';

export const sizeScenarios = ['full-empty', 'full-nochange', 'delta-nochange', 'delta-1pct'] as const;
/** Against a real Active Directory (Samba), when samba is installed: see bench/ldap.ts. */
export const ldapScenarios = ['ldap-full-empty', 'ldap-incremental-nochange'] as const;
export type Scenario = (typeof sizeScenarios)[number] | (typeof ldapScenarios)[number] | 'many-setups';

export interface BenchCase {
  members: number;
  scenario: Scenario;
  seconds: number;
  usersPerSecond: number;
  peakRssMb: number;
  historyEvents: number;
  /** The floor (median of three measurements in this run): paging plus writing. */
  floorSeconds: number;
  /** Its paging part alone (median): what a sync that writes nothing is compared against. */
  floorPagingSeconds: number;
  floorWritingSeconds: number;
  ratio: number;
  /** seconds / floorPagingSeconds. */
  pagingRatio: number;
  /** Graph requests the run made, and how many the simulator's resource-unit limit answered 429 (null: LDAP). */
  graphRequests: number | null;
  graphThrottled: number | null;
  /** Rows of the run left in staging once it finished (0: freed). */
  stagingRowsAfter: number;
  /** CPU-seconds each process spent during the run (size scenarios): worker, postgres, temporal, benchAndSimulator. */
  cpuSeconds?: Record<string, number>;
  counts: Record<string, number>;
}

export interface Floor {
  seconds: number;
  pagingSeconds: number;
  insertSeconds: number;
  samples: { seconds: number; pagingSeconds: number; insertSeconds: number }[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The floor measured `times` times (it moves ±25 % from one measurement to the next on a shared machine): the
 * median of each part and of the totals.
 */
export async function measureFloorMedian(ctx: BenchContext, groupId: string, times = 3): Promise<Floor> {
  const samples = [];
  for (let i = 0; i < times; i++) samples.push(await measureFloor(ctx, groupId));
  return {
    seconds: median(samples.map((s) => s.seconds)),
    pagingSeconds: median(samples.map((s) => s.pagingSeconds)),
    insertSeconds: median(samples.map((s) => s.insertSeconds)),
    samples,
  };
}

export interface BenchContext {
  sim: Simulator;
  db: Db;
  config: Config;
  logger: Logger;
  databaseUrl: string;
  temporalAddress: string;
}

/** The floor: what no sync of these members can beat — reading them from Graph and writing them to Postgres. */
export async function measureFloor(
  ctx: BenchContext,
  groupId: string,
  tenantId = ctx.sim.demo.tenantId,
): Promise<{ seconds: number; pagingSeconds: number; insertSeconds: number }> {
  const { demo } = ctx.sim;
  const { client, credential } = createGraphClient({
    tenantId,
    clientId: demo.clientId,
    clientSecret: demo.clientSecret,
    authorityHost: ctx.sim.url,
    graphBaseUrl: ctx.sim.url,
  });
  await credential.getToken('https://graph.microsoft.com/.default');
  // A real (logged) table with a primary key: the least a durable write of these rows costs.
  await sql`drop table if exists bench_floor_users`.execute(ctx.db);
  await sql`create table bench_floor_users (external_id text primary key, data jsonb not null)`.execute(ctx.db);
  let pagingMs = 0;
  let insertMs = 0;
  const pages = pageGroupUsers(client, groupId, { top: 999 });
  let started = performance.now();
  for await (const page of pages) {
    pagingMs += performance.now() - started;
    const insertStarted = performance.now();
    await sql`insert into bench_floor_users (external_id, data)
      select u->>'id', u from jsonb_array_elements(${JSON.stringify(page.users)}::jsonb) as u on conflict do nothing`.execute(
      ctx.db,
    );
    insertMs += performance.now() - insertStarted;
    started = performance.now();
  }
  await sql`drop table bench_floor_users`.execute(ctx.db);
  return { seconds: (pagingMs + insertMs) / 1000, pagingSeconds: pagingMs / 1000, insertSeconds: insertMs / 1000 };
}

/** A company of its own for one bench setup, with an API key and one customer type, made directly. */
export async function prepareBenchCompany(ctx: BenchContext, label: string) {
  const company = await insertCompany(ctx.db, {
    name: `${label} ${Date.now()} ${randomBytes(3).toString('hex')}`,
    directorySyncEnabled: true,
  });
  const key = generateApiKey();
  await insertApiKey(ctx.db, { companyId: company.id, name: 'bench', prefix: key.prefix, hash: key.hash });
  const customerType = await insertCustomerType(ctx.db, company.id, 'Employees');
  return { companyId: company.id, customerTypeId: customerType.id };
}

/** The setup every bench case syncs: update and remove, matched on email, with the guard out of the way. */
export function insertBenchSetup(
  ctx: BenchContext,
  setup: { companyId: string; customerTypeId: string; connectionId: string; groupId: string },
  scope: { ldapPath?: string; initialsAttributes?: string[] } = {},
) {
  return insertSetup(ctx.db, {
    company_id: setup.companyId,
    connection_id: setup.connectionId,
    customer_type_id: setup.customerTypeId,
    group_id: setup.groupId,
    group_display_name: 'bench',
    designation: null,
    ldap_path: scope.ldapPath ?? null,
    ldap_filter: null,
    ...(scope.initialsAttributes ? { initials_attributes: scope.initialsAttributes } : {}),
    status_reason: null,
    delete_removed: true,
    update_existing: true,
    match_on: 'email',
    // the benchmark measures speed, not the guard
    deletion_threshold_count: 1_000_000,
    deletion_threshold_percent: 100,
  });
}

/** A company, customer type, connected connection and setup for a tenant's group (the demo's), made directly. */
export async function prepareSetup(
  ctx: BenchContext,
  groupId: string,
  tenant: { id: string; displayName: string; domain: string } = {
    id: ctx.sim.demo.tenantId,
    displayName: ctx.sim.demo.displayName,
    domain: ctx.sim.demo.domain,
  },
) {
  const company = await prepareBenchCompany(ctx, 'Bench');
  const connection = await insertConnection(ctx.db, {
    companyId: company.companyId,
    provider: entraKind,
    tenantId: tenant.id,
    designation: 'bench',
  });
  await markConnectionConnected(ctx.db, connection.id, {
    tenantGuid: tenant.id,
    organizationName: tenant.displayName,
    verifiedDomains: [tenant.domain],
  });
  return insertBenchSetup(ctx, { ...company, connectionId: connection.id, groupId });
}

/** `directory-sync worker` as a child process; its peak RSS (VmHWM) is read from /proc before it is stopped. */
export function startWorkerProcess(
  ctx: BenchContext,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): { child: ChildProcess; peakRssMb(): number; stop(): Promise<void> } {
  const { args, env: launchEnv } = workerSpawnOf({ execArgv: process.execArgv, bin: process.argv[1]!, nodeArgs, env });
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...launchEnv },
    // BENCH_WORKER_LOG=FILE keeps the worker's log (its phases' timestamps) for a look at where a case's time went
    stdio: ['ignore', process.env.BENCH_WORKER_LOG ? openSync(process.env.BENCH_WORKER_LOG, 'a') : 'ignore', 'inherit'],
  });
  const peakRssMb = () => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return Math.round(kb / 1024);
    } catch {
      return 0;
    }
  };
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
  return { child, peakRssMb, stop };
}

/**
 * The worker's node arguments and environment, started the way the shipped worker command starts (package.json
 * "worker", docker-compose's worker: src/runtime/worker-launch.ts); the test of the compose file compares them.
 */
export function workerSpawnOf(input: {
  execArgv: readonly string[];
  bin: string;
  nodeArgs?: readonly string[];
  env: Record<string, string>;
}): { args: string[]; env: Record<string, string> } {
  return {
    args: [...input.execArgv, ...workerNodeFlags, ...(input.nodeArgs ?? []), input.bin, 'worker'],
    env: { ...workerEnvironment, ...input.env },
  };
}

/** Resolves once a worker on the task queue runs workflows: the timing then excludes its start-up (bundling). */
export async function waitForWorker(temporal: Client, taskQueue: string): Promise<void> {
  await temporal.workflow.execute(selfCheckWorkflow, {
    taskQueue,
    workflowId: `bench-ready-${Date.now()}`,
    workflowExecutionTimeout: '2 minutes',
  });
}

async function historyEvents(temporal: Client, workflowId: string): Promise<number> {
  let total = 0;
  for await (const execution of temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    total += execution.historyLength;
  }
  return total;
}

export interface RunResult {
  seconds: number;
  counts: Record<string, number>;
  historyEvents: number;
  mode: string;
  stagingRowsAfter: number;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** One case's row: the run's figures against the floor; `graph` is null for a directory other than Graph. */
export function benchCaseOf(input: {
  members: number;
  scenario: Scenario;
  result: RunResult;
  floor: Pick<Floor, 'seconds' | 'pagingSeconds' | 'insertSeconds'>;
  peakRssMb: number;
  graph: { requests: number; throttled: number } | null;
  cpuSeconds?: Record<string, number>;
}): BenchCase {
  const { members, scenario, result, floor } = input;
  return {
    members,
    scenario,
    seconds: round2(result.seconds),
    usersPerSecond: Math.round(members / result.seconds),
    peakRssMb: input.peakRssMb,
    historyEvents: result.historyEvents,
    floorSeconds: round2(floor.seconds),
    floorPagingSeconds: round2(floor.pagingSeconds),
    floorWritingSeconds: round2(floor.insertSeconds),
    ratio: round2(result.seconds / floor.seconds),
    pagingRatio: round2(result.seconds / floor.pagingSeconds),
    graphRequests: input.graph?.requests ?? null,
    graphThrottled: input.graph?.throttled ?? null,
    stagingRowsAfter: result.stagingRowsAfter,
    ...(input.cpuSeconds ? { cpuSeconds: input.cpuSeconds } : {}),
    counts: result.counts,
  };
}

/** Starts a run of the setup the way the API does; returns its id. */
export async function startCase(
  ctx: BenchContext,
  temporal: Client,
  setupId: string,
  options: { fullSync: boolean },
): Promise<string> {
  const setup = await ctx.db.selectFrom('sync_setups').selectAll().where('id', '=', setupId).executeTakeFirstOrThrow();
  return startRun({ db: ctx.db, temporal, config: ctx.config, logger: ctx.logger }, setup, {
    dryRun: false,
    fullSync: options.fullSync,
    trigger: 'api',
  });
}

/**
 * Waits for runs started at `started` (performance.now()); each one's time is from then to its final status,
 * observed by polling all of them in one query.
 */
export async function waitForRuns(
  ctx: BenchContext,
  temporal: Client,
  runIds: string[],
  started: number,
): Promise<Map<string, RunResult>> {
  return runResults(ctx, temporal, runIds, started, await pollUntilSucceeded(ctx, runIds));
}

/**
 * Polls the runs (all of them in one query) until each has succeeded; returns when each was seen so
 * (performance.now()). The bench looks at nothing else meanwhile, so a CPU reading right after it leaves out
 * the figures runResults gathers afterwards.
 */
export async function pollUntilSucceeded(ctx: BenchContext, runIds: string[]): Promise<Map<string, number>> {
  const finishedAt = new Map<string, number>();
  while (finishedAt.size < runIds.length) {
    const pending = runIds.filter((id) => !finishedAt.has(id));
    const rows = await ctx.db
      .selectFrom('sync_runs')
      .select(['id', 'status', 'error'])
      .where('id', 'in', pending)
      .execute();
    const now = performance.now();
    for (const run of rows) {
      if (run.status === 'failed' || run.status === 'cancelled')
        throw new Error(`bench run ${run.id} ${run.status}: ${run.error}`);
      if (run.status === 'succeeded') finishedAt.set(run.id, now);
    }
    if (finishedAt.size < runIds.length) await new Promise((r) => setTimeout(r, 50));
  }
  return finishedAt;
}

/** The figures of runs started at `started` that finished at `finishedAt` (pollUntilSucceeded). */
export async function runResults(
  ctx: BenchContext,
  temporal: Client,
  runIds: string[],
  started: number,
  finishedAt: Map<string, number>,
): Promise<Map<string, RunResult>> {
  const results = new Map<string, RunResult>();
  for (const runId of runIds) {
    const run = await ctx.db.selectFrom('sync_runs').selectAll().where('id', '=', runId).executeTakeFirstOrThrow();
    // Let the workflow close (finishRun is its last activity) before counting its history.
    await temporal.workflow.getHandle(run.workflow_id!).result();
    const staged = await ctx.db
      .selectFrom('sync_run_members')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('run_id', '=', runId)
      .executeTakeFirstOrThrow();
    results.set(runId, {
      seconds: (finishedAt.get(runId)! - started) / 1000,
      counts: run.counts,
      historyEvents: await historyEvents(temporal, run.workflow_id!),
      mode: run.mode,
      stagingRowsAfter: Number(staged.n),
    });
  }
  return results;
}

/**
 * Runs one scenario and waits for it; the time is from the request to the final status. A run in another mode
 * than asked for (a delta run that fell back to full) would measure another scenario, so it stops the bench.
 */
export async function runCase(
  ctx: BenchContext,
  temporal: Client,
  setupId: string,
  options: { fullSync: boolean; scenario: Scenario },
): Promise<RunResult> {
  const started = performance.now();
  const runId = await startCase(ctx, temporal, setupId, options);
  const result = (await waitForRuns(ctx, temporal, [runId], started)).get(runId)!;
  const expectedMode = options.fullSync ? 'full' : 'delta';
  if (result.mode !== expectedMode)
    throw new Error(`${options.scenario}: ran as ${result.mode}, expected ${expectedMode}`);
  return result;
}

/** A finished case as the bench's progress line (Graph's requests and the CPU split when the case has them). */
export function caseSummary(benchCase: BenchCase): string {
  const graph =
    benchCase.graphRequests === null ? '' : `${benchCase.graphThrottled}/${benchCase.graphRequests} requests 429, `;
  const cpu = benchCase.cpuSeconds ? `cpu-seconds ${JSON.stringify(benchCase.cpuSeconds)}, ` : '';
  return (
    `${benchCase.scenario}: ${benchCase.seconds} s, ratio ${benchCase.ratio} (to paging ${benchCase.pagingRatio}), rss ${benchCase.peakRssMb} MB, ` +
    `${benchCase.historyEvents} history events, ${graph}staging left ${benchCase.stagingRowsAfter}, ${cpu}${JSON.stringify(benchCase.counts)}`
  );
}

export function machineDescription(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

export async function connectTemporal(address: string): Promise<{ temporal: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address });
  return { temporal: new Client({ connection }), close: () => connection.close() };
}
