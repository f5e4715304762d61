import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import { loadConfig } from '../config.js';
import { createDb } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createLogger } from '../logger.js';
import { startDevServer } from '../runtime/dev-server.js';
import { startEmbeddedPostgres } from '../runtime/embedded-postgres.js';
import { freePort } from '../runtime/ports.js';
import { createScratchDatabase } from '../runtime/scratch-database.js';
import { runTrustingSimulatorCa } from '../runtime/simulator-trust.js';
import { startSimulator, type Simulator } from '../simulator/server.js';
import { benchSimulator, type SimulatorBenchResult } from '../../bench/simulator.js';
import { cpuSeconds, postgresCpuSource, type CpuSources } from '../../bench/cpu.js';
import {
  addBenchTenants,
  boundsSummary,
  runManySetups,
  smallSetupSizes,
  type ManySetupsResult,
} from '../../bench/many-setups.js';
import { resetStatementStats, topStatements } from '../../bench/statements.js';
import {
  connectTemporal,
  ldapScenarios,
  machineDescription,
  measureFloorMedian,
  prepareSetup,
  runCase,
  sizeScenarios,
  startWorkerProcess,
  waitForWorker,
  benchCaseOf,
  caseSummary,
  type BenchCase,
  type BenchContext,
  type Scenario,
} from '../../bench/sync.js';
import { measureLdapFloor, prepareLdapSetup, sambaInstalled, startLdapDirectory } from '../../bench/ldap.js';

/**
 * `npm run bench [-- --members N] [-- --scenario S] [-- --json]`: the sync benchmark (see bench/sync.ts) for
 * 10,000 and 100,000 members, the many-setups scenario (bench/many-setups.ts), and the simulator's own paging
 * speed, so a slow sync is never blamed on the simulator; with Samba installed, also an LDAP first sync and a
 * no-change incremental run against a real AD DC (bench/ldap.ts; 10,000 users, or --members). The simulator enforces Graph's resource-unit limit
 * (`--ru-limit`, default 3,500 per 10 s, a small tenant's), so every case also shows how many requests got 429.
 */
const targets = [
  'first sync ≤ 2.0 × floor',
  'no-change full sync ≤ 1.5 × paging alone',
  'delta with no change ≤ 1 s',
  'delta with 1 % changed ≤ 2 s',
  'worker peak RSS ≤ 300 MB',
  '429s < 1 % of requests',
  'many-setups: together ≤ 1.5 × the sum of solo times, no small setup > 3 × its solo time',
];

type WorkerEnv = Record<string, string> & { TEMPORAL_TASK_QUEUE: string };

function mapValues<K extends string, V, W>(record: Record<K, V>, fn: (value: V, key: K) => W): Record<K, W> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value as V, key as K)])) as Record<
    K,
    W
  >;
}

// 'ldap': both LDAP scenarios, reported together; 'graph': the four size scenarios against Graph, nothing else
type ScenarioChoice = Scenario | 'ldap' | 'graph';
const scenarioNames: readonly ScenarioChoice[] = [...sizeScenarios, 'graph', 'many-setups', ...ldapScenarios, 'ldap'];

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      members: { type: 'string' },
      json: { type: 'boolean', default: false },
      // the dev server without task-queue priority and fairness, to compare (the runs still carry their keys)
      'no-priority': { type: 'boolean', default: false },
      'batch-size': { type: 'string', default: '2000' },
      scenario: { type: 'string' },
      'many-scale': { type: 'string', default: '1' },
      'ru-limit': { type: 'string', default: '3500' },
      profile: { type: 'string' },
    },
    strict: true,
  });
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000)
    throw new Error(`--batch-size must be a whole number from 1 to 5000, got '${values['batch-size']}'`);
  const sizes = values.members ? [Number(values.members)] : [10_000, 100_000];
  for (const n of sizes)
    if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
      throw new Error(`--members must be a whole number from 1 to 1000000, got '${values.members}'`);
  const only = values.scenario as ScenarioChoice | undefined;
  const sizeOnly = only === 'graph' ? undefined : only;
  if (only !== undefined && !scenarioNames.includes(only))
    throw new Error(`--scenario must be one of ${scenarioNames.join(', ')}, got '${values.scenario}'`);
  const manyScale = Number(values['many-scale']);
  if (!(manyScale > 0 && manyScale <= 1))
    throw new Error(`--many-scale must be a number above 0 and at most 1, got '${values['many-scale']}'`);
  const ruLimit = Number(values['ru-limit']);
  if (!(ruLimit >= 0)) throw new Error(`--ru-limit must be a number ≥ 0 (0: no limit), got '${values['ru-limit']}'`);
  if (values.profile && process.env.DATABASE_URL)
    throw new Error('--profile needs the embedded Postgres (for pg_stat_statements): unset DATABASE_URL');
  if ((await runTrustingSimulatorCa()) === 'child') return;

  // progress on stderr in both modes (stdout carries only the report), so a long run shows where it is
  const log = (m: string) => void process.stderr.write(`${m}\n`);
  const logger = createLogger({ level: 'warn' });
  const cleanups: (() => Promise<unknown>)[] = [];
  const profileDir = values.profile ? path.resolve(values.profile) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  try {
    let adminUrl = process.env.DATABASE_URL;
    if (!adminUrl) {
      const pgServer = await startEmbeddedPostgres({
        dataDir: path.resolve('.data/bench-postgres'),
        port: await freePort(),
        database: 'postgres',
        settings: profileDir ? ['shared_preload_libraries=pg_stat_statements'] : [],
      });
      cleanups.push(() => pgServer.stop());
      adminUrl = pgServer.url;
    }
    // many-setups counts the dev server's CPU when it is ours
    let devServerPid: number | undefined;
    const temporalAddress =
      process.env.TEMPORAL_ADDRESS ??
      (await (async () => {
        const dev = await startDevServer({
          port: await freePort(),
          headless: true,
          readyTimeoutMs: 120_000,
          taskQueuePriority: !values['no-priority'],
        });
        cleanups.push(() => dev.stop());
        devServerPid = dev.process.pid;
        return dev.address;
      })());

    /** A simulator, a scratch database, the worker's environment and a Temporal client for one part of the run. */
    const environment = async <T>(
      users: number,
      fn: (ctx: BenchContext, temporal: Client, env: WorkerEnv) => Promise<T>,
    ): Promise<T> => {
      const scratch = await createScratchDatabase(adminUrl, 'ds_bench');
      cleanups.push(() => scratch.drop());
      const sim = await startSimulator({ users, seed: 'bench' });
      const env: WorkerEnv = {
        DATABASE_URL: scratch.url,
        TEMPORAL_ADDRESS: temporalAddress,
        TEMPORAL_TASK_QUEUE: `bench-${randomBytes(3).toString('hex')}`,
        AZURE_CLIENT_ID: sim.demo.clientId,
        AZURE_CLIENT_SECRET: sim.demo.clientSecret,
        AZURE_AUTHORITY_HOST: sim.url,
        GRAPH_BASE_URL: sim.url,
        LOG_LEVEL: process.env.BENCH_WORKER_LOG ? 'info' : 'warn',
        SYNC_BATCH_SIZE: String(batchSize),
      };
      const config = loadConfig({ ...process.env, ...env }, 'worker');
      const db = createDb(scratch.url);
      await migrateToLatest(db);
      if (profileDir) await resetStatementStats(db);
      const { temporal, close } = await connectTemporal(temporalAddress);
      try {
        return await fn({ sim, db, config, logger, databaseUrl: scratch.url, temporalAddress }, temporal, env);
      } finally {
        await close();
        await db.destroy();
        await sim.close();
      }
    };
    const limitGraph = (sim: Simulator) =>
      sim.control.enforceResourceUnitLimits(ruLimit > 0 ? { perTenSeconds: ruLimit } : null);
    const workerArgs = (name: string) =>
      profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, name)}`] : [];

    const cases: BenchCase[] = [];
    const simulatorFigures: SimulatorBenchResult[] = [];
    const wanted = sizeScenarios.filter((s) => !only || only === 'graph' || only === s);
    for (const members of wanted.length > 0 ? sizes : []) {
      log(`== ${members.toLocaleString('en')} members`);
      await environment(members, async (ctx, temporal, env) => {
        const { sim } = ctx;
        simulatorFigures.push(await benchSimulator({ members, simulator: sim }));
        const group = sim.demo.groups[0]!;
        const floor = await measureFloorMedian(ctx, group.id);
        log(
          `floor (median of ${floor.samples.length}): ${floor.seconds.toFixed(2)} s = paging ${floor.pagingSeconds.toFixed(2)} s + writing ${floor.insertSeconds.toFixed(2)} s` +
            ` (totals ${floor.samples.map((s) => s.seconds.toFixed(2)).join(', ')})`,
        );
        const setup = await prepareSetup(ctx, group.id);
        const prepare: Partial<Record<Scenario, () => void>> = {
          'delta-1pct': () => {
            const ids = sim.control.transitiveUserIds(sim.demo.tenantId, group.id);
            for (let i = 0; i < ids.length; i += 100)
              sim.control.updateUser(sim.demo.tenantId, ids[i]!, { jobTitle: `Changed ${i}` });
          },
        };
        // A scenario builds on the ones before it (a no-change run needs the first sync): run them all, report `only`.
        const upTo = sizeOnly
          ? sizeScenarios.indexOf(sizeOnly as (typeof sizeScenarios)[number])
          : sizeScenarios.length - 1;
        for (const scenario of sizeScenarios.slice(0, upTo + 1)) {
          const fullSync = scenario.startsWith('full');
          prepare[scenario]?.();
          limitGraph(sim);
          const worker = startWorkerProcess(ctx, env, workerArgs(`${members}-${scenario}`));
          try {
            await waitForWorker(temporal, env.TEMPORAL_TASK_QUEUE);
            if (profileDir) await resetStatementStats(ctx.db);
            // CPU-seconds of each process over the run: where two cores' time goes (the run itself excludes start-up)
            const postgres = await postgresCpuSource(ctx.db, { shared: Boolean(process.env.DATABASE_URL) });
            const cpuParts = {
              worker: { processTrees: [worker.child.pid], includeSelf: false },
              postgres: { processTrees: [], postgres, includeSelf: false },
              temporal: { processTrees: [devServerPid], includeSelf: false },
              benchAndSimulator: { processTrees: [], includeSelf: true },
            } satisfies Record<string, CpuSources>;
            const cpuBefore = mapValues(cpuParts, cpuSeconds);
            const result = await runCase(ctx, temporal, setup.id, { fullSync, scenario });
            const cpuAfter = mapValues(cpuParts, cpuSeconds);
            const cpu = mapValues(cpuBefore, (before, part) => Math.round((cpuAfter[part] - before) * 100) / 100);
            const graph = sim.control.resourceUnitCounts();
            const benchCase = benchCaseOf({
              members,
              scenario,
              result,
              floor,
              peakRssMb: worker.peakRssMb(),
              graph: { requests: graph.served + graph.throttled, throttled: graph.throttled },
              cpuSeconds: cpu,
            });
            if (!sizeOnly || sizeOnly === scenario) cases.push(benchCase);
            if (profileDir)
              writeFileSync(
                path.join(profileDir, `${members}-${scenario}-statements.txt`),
                await topStatements(ctx.db),
              );
            log(caseSummary(benchCase));
          } finally {
            await worker.stop();
          }
        }
      });
    }

    // LDAP: a Samba DC of its own (ports 389/636, one per machine), 10,000 users unless --members says otherwise
    if (!only || only === 'ldap' || (ldapScenarios as readonly string[]).includes(only)) {
      if (!(await sambaInstalled())) {
        process.stderr.write('ldap scenarios skipped: samba is not installed (samba on PATH or /usr/sbin/samba)\n');
      } else {
        // --members sizes the DC only when an LDAP scenario is asked for: seeding Samba takes ~34 s per 1,000 users
        const members = values.members && only !== undefined ? sizes[0]! : 10_000;
        log(`== LDAP (Samba AD DC): ${members.toLocaleString('en')} members`);
        const dir = await startLdapDirectory(members, log);
        cleanups.push(() => dir.dc.stop());
        await environment(0, async (ctx, temporal, env) => {
          const secretsKey = randomBytes(32).toString('base64');
          const floors: Awaited<ReturnType<typeof measureLdapFloor>>[] = [];
          for (let i = 0; i < 3; i++) floors.push(await measureLdapFloor(ctx, dir));
          const pick = (f: (x: (typeof floors)[number]) => number) => floors.map(f).sort((a, b) => a - b)[1]!;
          const floor = {
            seconds: pick((x) => x.seconds),
            pagingSeconds: pick((x) => x.pagingSeconds),
            insertSeconds: pick((x) => x.insertSeconds),
          };
          log(
            `ldap floor (median of 3): ${floor.seconds.toFixed(2)} s = paging ${floor.pagingSeconds.toFixed(2)} s + writing ${floor.insertSeconds.toFixed(2)} s`,
          );
          const setup = await prepareLdapSetup(ctx, dir, secretsKey);
          const upTo =
            only && only !== 'ldap'
              ? ldapScenarios.indexOf(only as (typeof ldapScenarios)[number])
              : ldapScenarios.length - 1;
          for (const scenario of ldapScenarios.slice(0, upTo + 1)) {
            const fullSync = scenario === 'ldap-full-empty';
            const worker = startWorkerProcess(ctx, { ...env, SECRETS_KEY: secretsKey }, workerArgs(`ldap-${scenario}`));
            try {
              await waitForWorker(temporal, env.TEMPORAL_TASK_QUEUE);
              const result = await runCase(ctx, temporal, setup.id, { fullSync, scenario });
              const benchCase = benchCaseOf({
                members,
                scenario,
                result,
                floor,
                peakRssMb: worker.peakRssMb(),
                graph: null,
              });
              if (!only || only === 'ldap' || only === scenario) cases.push(benchCase);
              log(caseSummary(benchCase));
            } finally {
              await worker.stop();
            }
          }
        });
      }
    }

    let manySetups: (ManySetupsResult & { peakRssMb: number; graphRequests: number; graphThrottled: number }) | null =
      null;
    // many-setups has its own sizes: it runs in the full benchmark and when asked for, not with one --members size
    if (only === 'many-setups' || (!only && !values.members)) {
      const small = smallSetupSizes(Math.max(2, Math.round(200 * manyScale)), manyScale);
      const big = Math.round(100_000 * manyScale);
      log(`== many-setups: ${small.length} setups of ${small[0]}–${small.at(-1)} members + one of ${big}`);
      manySetups = await environment(0, async (ctx, temporal, env) => {
        const tenants = addBenchTenants(ctx.sim, [big, ...small]);
        limitGraph(ctx.sim);
        const worker = startWorkerProcess(ctx, env, workerArgs('many-setups'));
        try {
          await waitForWorker(temporal, env.TEMPORAL_TASK_QUEUE);
          const sources = {
            processTrees: [worker.child.pid, devServerPid],
            // a shared server (DATABASE_URL): only this run's database's backends
            postgres: await postgresCpuSource(ctx.db, { shared: Boolean(process.env.DATABASE_URL) }),
            includeSelf: true,
          };
          const result = await runManySetups(ctx, temporal, tenants, manyScale, () => cpuSeconds(sources), log);
          const graph = ctx.sim.control.resourceUnitCounts();
          return {
            ...result,
            peakRssMb: worker.peakRssMb(),
            graphRequests: graph.served + graph.throttled,
            graphThrottled: graph.throttled,
          };
        } finally {
          await worker.stop();
        }
      });
      log(`many-setups: ${JSON.stringify(manySetups)}`);
      log(`many-setups bounds: ${boundsSummary(manySetups)}`);
    }

    const report = {
      machine: machineDescription(),
      batchSize,
      resourceUnitLimit: ruLimit || null,
      cases: cases.map(({ counts: _counts, ...c }) => c),
      manySetups,
      simulator: simulatorFigures,
    };
    if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else
      process.stdout.write(
        renderTable(
          `${report.machine}; SYNC_BATCH_SIZE ${batchSize}; Graph limit ${ruLimit || 'off'} RU / 10 s`,
          cases,
          manySetups,
          simulatorFigures,
        ),
      );
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  }
}

function renderTable(
  machine: string,
  cases: BenchCase[],
  many: (ManySetupsResult & { peakRssMb: number; graphRequests: number; graphThrottled: number }) | null,
  simulator: SimulatorBenchResult[],
): string {
  const header = [
    'members',
    'scenario',
    'seconds',
    'users/s',
    'peak RSS MB',
    'history events',
    'floor s',
    'paging s',
    'ratio',
    'to paging',
    '429s',
  ];
  const rows = cases.map((c) => [
    c.members.toLocaleString('en'),
    c.scenario,
    c.seconds.toFixed(2),
    c.usersPerSecond.toLocaleString('en'),
    String(c.peakRssMb),
    String(c.historyEvents),
    c.floorSeconds.toFixed(2),
    c.floorPagingSeconds.toFixed(2),
    c.ratio.toFixed(2),
    c.pagingRatio.toFixed(2),
    c.graphRequests === null ? '—' : `${c.graphThrottled}/${c.graphRequests}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [`machine: ${machine}`, ''];
  if (rows.length > 0) out.push(line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line));
  if (many)
    out.push(
      '',
      `many-setups (scale ${many.scale}): ${many.smallSetups} small setups + one of ${many.big.members.toLocaleString('en')}, ${many.members.toLocaleString('en')} members`,
      `  together ${many.togetherSeconds} s vs solo sum ${many.soloSumSeconds} s: ${many.ratioToSoloSum} ×`,
      `  big: solo ${many.big.soloSeconds} s, together ${many.big.togetherSeconds} s (${many.big.slowdown} ×), its tasks queued ${many.big.queuedSeconds} s` +
        `; small runs' tasks queued p50 ${many.smallQueuedSeconds.p50} s, max ${many.smallQueuedSeconds.max} s`,
      `  small, together ÷ solo: p50 ${many.smallSlowdown.p50}, p95 ${many.smallSlowdown.p95}, max ${many.smallSlowdown.max}` +
        ` (together: p50 ${many.smallTogetherSeconds.p50} s, p95 ${many.smallTogetherSeconds.p95} s, max ${many.smallTogetherSeconds.max} s)`,
      `  small latency with the big one, seconds: p50 ${many.smallTogetherSeconds.p50}, p95 ${many.smallTogetherSeconds.p95}, max ${many.smallTogetherSeconds.max}`,
      `  small together WITHOUT the big one, ÷ solo: p50 ${many.smallWithoutBig.slowdown.p50}, p95 ${many.smallWithoutBig.slowdown.p95}, max ${many.smallWithoutBig.slowdown.max}` +
        ` (seconds: p50 ${many.smallWithoutBig.seconds.p50}, p95 ${many.smallWithoutBig.seconds.p95}, max ${many.smallWithoutBig.seconds.max};` +
        ` tasks queued p50 ${many.smallWithoutBig.queuedSeconds.p50} s, max ${many.smallWithoutBig.queuedSeconds.max} s)`,
      `  CPU (${many.cpu.cores} cores, idle ${many.cpu.idlePerSecond} CPU-s/s subtracted): small only ${many.cpu.smallOnlyCpuSeconds} CPU-s, all together ${many.cpu.togetherCpuSeconds} CPU-s` +
        ` (alone: small ${many.cpu.smallSoloCpuSeconds}, big ${many.cpu.bigSoloCpuSeconds}); floor ${many.cpu.floorCpuSecondsPerMember} CPU-s per member`,
      `  bounds: ${boundsSummary(many)}`,
      `  worker peak RSS ${many.peakRssMb} MB, ${many.graphThrottled}/${many.graphRequests} requests 429`,
    );
  out.push(
    '',
    'simulator alone (real Graph client, 999-member pages):',
    ...simulator.map(
      (s) =>
        `  ${s.members.toLocaleString('en')} members: ${s.pagesPerSecond.toFixed(1)} pages/s, ${Math.round(s.usersPerSecond).toLocaleString('en')} users/s`,
    ),
    '',
    'targets: ' + targets.join('; '),
    '',
  );
  return out.join('\n');
}
