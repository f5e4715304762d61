import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { createDb } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createLogger } from '../logger.js';
import { startDevServer } from '../runtime/dev-server.js';
import { startEmbeddedPostgres } from '../runtime/embedded-postgres.js';
import { freePort } from '../runtime/ports.js';
import { createScratchDatabase } from '../runtime/scratch-database.js';
import { runTrustingSimulatorCa } from '../runtime/simulator-trust.js';
import { startSimulator } from '../simulator/server.js';
import { benchSimulator } from '../../bench/simulator.js';
import {
  connectTemporal,
  machineDescription,
  measureFloor,
  prepareSetup,
  runCase,
  startWorkerProcess,
  waitForWorker,
  type BenchCase,
  type BenchContext,
  type Scenario,
} from '../../bench/sync.js';

/**
 * `npm run bench [-- --members N] [-- --json]`: the sync benchmark (see bench/sync.ts) for 10,000 and 100,000
 * members, plus the simulator's own paging speed, so a slow sync is never blamed on the simulator.
 */
const targets = {
  'full-empty': 'full sync of 100k ≤ 60 s, ratio ≤ 3, worker RSS ≤ 500 MB',
  'delta-nochange': 'delta with no change at 100k ≤ 3 s',
  'delta-1pct': 'delta with 1,000 changes ≤ 5 s',
} as Record<string, string>;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      members: { type: 'string' },
      json: { type: 'boolean', default: false },
      'batch-size': { type: 'string', default: '2000' },
    },
    strict: true,
  });
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000)
    throw new Error(`--batch-size must be a whole number from 1 to 5000, got '${values['batch-size']}'`);
  const sizes = values.members ? [Number(values.members)] : [10_000, 100_000];
  for (const n of sizes)
    if (!Number.isInteger(n) || n < 1 || n > 500_000)
      throw new Error(`--members must be a whole number from 1 to 500000, got '${values.members}'`);
  if ((await runTrustingSimulatorCa()) === 'child') return;

  const log = (m: string) => {
    if (!values.json) process.stderr.write(`${m}\n`);
  };
  const logger = createLogger({ level: 'warn' });
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    let adminUrl = process.env.DATABASE_URL;
    if (!adminUrl) {
      const pgServer = await startEmbeddedPostgres({
        dataDir: path.resolve('.data/bench-postgres'),
        port: await freePort(),
        database: 'postgres',
      });
      cleanups.push(() => pgServer.stop());
      adminUrl = pgServer.url;
    }
    const temporalAddress =
      process.env.TEMPORAL_ADDRESS ??
      (await (async () => {
        const dev = await startDevServer({ port: await freePort(), headless: true, readyTimeoutMs: 120_000 });
        cleanups.push(() => dev.stop());
        return dev.address;
      })());

    const cases: BenchCase[] = [];
    const simulatorFigures = [];
    for (const members of sizes) {
      log(`== ${members.toLocaleString('en')} members`);
      simulatorFigures.push(await benchSimulator({ members }));
      const scratch = await createScratchDatabase(adminUrl, 'ds_bench');
      cleanups.push(() => scratch.drop());
      const databaseUrl = scratch.url;

      const sim = await startSimulator({ users: members, seed: 'bench' });
      const env = {
        DATABASE_URL: databaseUrl,
        TEMPORAL_ADDRESS: temporalAddress,
        TEMPORAL_TASK_QUEUE: `bench-${randomBytes(3).toString('hex')}`,
        AZURE_CLIENT_ID: sim.demo.clientId,
        AZURE_CLIENT_SECRET: sim.demo.clientSecret,
        AZURE_AUTHORITY_HOST: sim.url,
        GRAPH_BASE_URL: sim.url,
        LOG_LEVEL: 'warn',
        SYNC_BATCH_SIZE: String(batchSize),
      };
      const config = loadConfig({ ...process.env, ...env }, 'worker');
      const db = createDb(databaseUrl);
      await migrateToLatest(db);
      const ctx: BenchContext = { sim, db, config, logger, databaseUrl, temporalAddress };
      const { temporal, close } = await connectTemporal(temporalAddress);
      try {
        const group = sim.demo.groups[0]!;
        const floor = await measureFloor(ctx, group.id);
        log(
          `floor: ${floor.seconds.toFixed(2)} s (paging ${floor.pagingSeconds.toFixed(2)} s + insert ${floor.insertSeconds.toFixed(2)} s)`,
        );
        const setup = await prepareSetup(ctx, group.id);
        const scenarios: [Scenario, boolean, (() => void)?][] = [
          ['full-empty', true],
          ['full-nochange', true],
          ['delta-nochange', false],
          [
            'delta-1pct',
            false,
            () => {
              const ids = sim.control.transitiveUserIds(sim.demo.tenantId, group.id);
              const step = 100;
              for (let i = 0; i < ids.length; i += step)
                sim.control.updateUser(sim.demo.tenantId, ids[i]!, { jobTitle: `Changed ${i}` });
            },
          ],
        ];
        for (const [scenario, fullSync, prepare] of scenarios) {
          prepare?.();
          const worker = startWorkerProcess(ctx, env);
          try {
            await waitForWorker(temporal, env.TEMPORAL_TASK_QUEUE);
            const result = await runCase(ctx, temporal, setup.id, { fullSync });
            const expectedMode = fullSync ? 'full' : 'delta';
            if (result.mode !== expectedMode)
              throw new Error(`${scenario}: ran as ${result.mode}, expected ${expectedMode}`);
            const benchCase: BenchCase = {
              members,
              scenario,
              seconds: round(result.seconds),
              usersPerSecond: Math.round(members / result.seconds),
              peakRssMb: worker.peakRssMb(),
              historyEvents: result.historyEvents,
              floorSeconds: round(floor.seconds),
              ratio: round(result.seconds / floor.seconds),
              counts: result.counts,
            };
            cases.push(benchCase);
            log(
              `${scenario}: ${benchCase.seconds} s, ratio ${benchCase.ratio}, rss ${benchCase.peakRssMb} MB, ${benchCase.historyEvents} history events, ${JSON.stringify(result.counts)}`,
            );
          } finally {
            await worker.stop();
          }
        }
      } finally {
        await close();
        await db.destroy();
        await sim.close();
      }
    }

    const report = {
      machine: machineDescription(),
      batchSize,
      cases: cases.map(({ counts: _counts, ...c }) => c),
      simulator: simulatorFigures,
    };
    if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else process.stdout.write(renderTable(`${report.machine}; SYNC_BATCH_SIZE ${batchSize}`, cases, simulatorFigures));
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function renderTable(
  machine: string,
  cases: BenchCase[],
  simulator: { members: number; pagesPerSecond: number; usersPerSecond: number }[],
): string {
  const header = ['members', 'scenario', 'seconds', 'users/s', 'peak RSS MB', 'history events', 'floor s', 'ratio'];
  const rows = cases.map((c) => [
    c.members.toLocaleString('en'),
    c.scenario,
    c.seconds.toFixed(2),
    c.usersPerSecond.toLocaleString('en'),
    String(c.peakRssMb),
    String(c.historyEvents),
    c.floorSeconds.toFixed(2),
    c.ratio.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [
    `machine: ${machine}`,
    '',
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
    '',
    'simulator alone (real Graph client, 999-member pages):',
    ...simulator.map(
      (s) =>
        `  ${s.members.toLocaleString('en')} members: ${s.pagesPerSecond.toFixed(1)} pages/s, ${Math.round(s.usersPerSecond).toLocaleString('en')} users/s`,
    ),
    '',
    'targets (100,000 members): ' + Object.values(targets).join('; '),
    '',
  ];
  return out.join('\n');
}
