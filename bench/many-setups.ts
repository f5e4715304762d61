/**
 * The `many-setups` scenario: many companies syncing at once. 200 setups of 500–5,000 members, each in its own
 * tenant and company, plus one setup of 100,000 members, all started together (the big one first), against each
 * one's first sync run alone. It shows whether the big one starves the small ones (task-queue fairness, worker
 * slots) and what running side by side costs in total. `scale` shrinks the member counts and the number of small
 * setups in proportion, for a quick run.
 */
import { availableParallelism } from 'node:os';
import type { Client } from '@temporalio/client';
import type { Simulator } from '../src/simulator/server.js';
import { measureFloor, pollUntilSucceeded, prepareSetup, runResults, startCase, type BenchContext } from './sync.js';

export interface Spread {
  p50: number;
  p95: number;
  max: number;
}

export interface ManySetupsResult {
  scale: number;
  smallSetups: number;
  members: number;
  /** From the common start to the last run's end, all started together. */
  togetherSeconds: number;
  /** The same runs one after another, each alone. */
  soloSumSeconds: number;
  /** togetherSeconds / soloSumSeconds (target ≤ 1.5). */
  ratioToSoloSum: number;
  big: { members: number; soloSeconds: number; togetherSeconds: number; slowdown: number; queuedSeconds: number };
  /** Seconds the small runs' tasks waited in the task queue for a worker, together with the big one. */
  smallQueuedSeconds: Spread;
  /** Each small setup's time together (with the big one) divided by its time alone (target: max ≤ 3). */
  smallSlowdown: Spread;
  /** Each small setup's latency together with the big one, seconds from the common start. */
  smallTogetherSeconds: Spread;
  /** The small setups started together without the big one (other companies): plain sharing of the machine. */
  smallWithoutBig: { slowdown: Spread; seconds: Spread; lastSeconds: number; queuedSeconds: Spread };
  /**
   * What the machine allows, in CPU-seconds of the processes that do a run's work (worker, Postgres, Temporal dev
   * server and the bench process with the simulator), each span's idle consumption subtracted. Runs started at one
   * moment that need C CPU-seconds on P cores cannot all be done before C / P seconds: P cores give at most P
   * CPU-seconds a second. The last small run's slowdown is its time ÷ its solo time, so it is at least C / P ÷ the
   * largest small solo time.
   */
  cpu: ManySetupBounds & {
    cores: number;
    /** CPU-seconds per second those processes use with no run going (pollers, timers). */
    idlePerSecond: number;
    /** The big run alone. */
    bigSoloCpuSeconds: number;
    /**
     * The small runs alone, summed. Not a bound on them together: every solo run pays fixed costs (pollers,
     * caches, connections warming up) that runs going together share, so the sum can exceed what they need.
     */
    smallSoloCpuSeconds: number;
    /** Spent while the small runs went together without the big one, from their start to the last one's end. */
    smallOnlyCpuSeconds: number;
    /** When the last of them ended (measured), seconds from their start: at least smallOnlyMakespanLowerBoundSeconds. */
    smallOnlyLastSeconds: number;
    /** Spent while all runs went together, from their start to the last one's end (togetherSeconds). */
    togetherCpuSeconds: number;
    /**
     * The floor's CPU per member (bench/sync.ts measureFloor: paging with the plain Graph client, one bulk insert
     * per page), on the big tenant, alone: every sync has to read its members from this Graph and write them to
     * this Postgres, so none needs less per member here. On the big tenant its fixed part (a token, the scratch
     * table) is spread over the most members and its pages are full, where a small setup pays for a token of its
     * own and a part-filled last page.
     */
    floorCpuSecondsPerMember: number;
  };
}

/** Lower bounds from CPU-seconds needed and cores available (see ManySetupsResult.cpu for why they hold). */
export interface ManySetupBounds {
  /** smallOnlyCpuSeconds / cores: the earliest the last small run (without the big one) could end, seconds. */
  smallOnlyMakespanLowerBoundSeconds: number;
  /**
   * smallOnlyMakespanLowerBoundSeconds ÷ the largest small solo time: the least max small slowdown this
   * implementation could reach here with the CPU it spent, however the runs were ordered. Measured last ≈ the
   * bound means the scheduling is already near the best possible: only spending less CPU could help.
   */
  smallOnlySlowdownLowerBound: number;
  /** togetherCpuSeconds / cores: the earliest everything started together could be done, seconds. */
  togetherLowerBoundSeconds: number;
  /** floorCpuSecondsPerMember × all small setups' members / cores: the earliest any sync's last small run could end. */
  smallFloorMakespanLowerBoundSeconds: number;
  /** smallFloorMakespanLowerBoundSeconds ÷ the largest small solo time: the least max small slowdown of any sync here. */
  smallFloorSlowdownLowerBound: number;
}

export function manySetupBounds(input: {
  cores: number;
  largestSmallSoloSeconds: number;
  smallMembers: number;
  smallOnlyCpuSeconds: number;
  togetherCpuSeconds: number;
  floorCpuSecondsPerMember: number;
}): ManySetupBounds {
  const smallOnlyMakespan = input.smallOnlyCpuSeconds / input.cores;
  const smallFloorMakespan = (input.floorCpuSecondsPerMember * input.smallMembers) / input.cores;
  return {
    smallOnlyMakespanLowerBoundSeconds: round(smallOnlyMakespan),
    smallOnlySlowdownLowerBound: round(smallOnlyMakespan / input.largestSmallSoloSeconds),
    togetherLowerBoundSeconds: round(input.togetherCpuSeconds / input.cores),
    smallFloorMakespanLowerBoundSeconds: round(smallFloorMakespan),
    smallFloorSlowdownLowerBound: round(smallFloorMakespan / input.largestSmallSoloSeconds),
  };
}

/** The bounds next to what was measured, in one line. */
export function boundsSummary(result: ManySetupsResult): string {
  const { cpu } = result;
  return (
    `small-only last ${cpu.smallOnlyLastSeconds} s ≥ CPU bound ${cpu.smallOnlyMakespanLowerBoundSeconds} s` +
    ` (implies max slowdown ≥ ${cpu.smallOnlySlowdownLowerBound}×, measured ${result.smallWithoutBig.slowdown.max}×);` +
    ` all together last ${result.togetherSeconds} s ≥ CPU bound ${cpu.togetherLowerBoundSeconds} s;` +
    ` any implementation: last small ≥ ${cpu.smallFloorMakespanLowerBoundSeconds} s (≥ ${cpu.smallFloorSlowdownLowerBound}×)`
  );
}

/** A reading of the CPU-seconds used so far, and when it was taken (performance.now()). */
interface CpuReading {
  cpu: number;
  at: number;
}

/** Reads the CPU of the processes that do a run's work; `idlePerSecond` is what they use with nothing to do. */
interface CpuMeter {
  read(): CpuReading;
  idlePerSecond: number;
}

/** CPU-seconds the work between two readings took: less the span's idle consumption, never below 0. */
export function workCpuSeconds(from: CpuReading, to: CpuReading, idlePerSecond: number): number {
  return Math.max(0, to.cpu - from.cpu - (idlePerSecond * (to.at - from.at)) / 1000);
}

interface BenchTenant {
  id: string;
  displayName: string;
  domain: string;
  groupId: string;
  members: number;
}

/** Member counts of the small setups: evenly from 500 to 5,000 (scaled). */
export function smallSetupSizes(count: number, scale: number): number[] {
  return Array.from({ length: count }, (_, i) =>
    Math.max(5, Math.round((500 + (count > 1 ? (4500 * i) / (count - 1) : 0)) * scale)),
  );
}

export function addBenchTenants(sim: Simulator, sizes: number[]): BenchTenant[] {
  return sizes.map((members, i) => {
    const summary = sim.control.addTenant({ displayName: `Bench Tenant ${i}`, users: members, seed: `bench-${i}` });
    sim.control.grantConsent(summary.id, sim.demo.clientId);
    const tenant = sim.control.tenant(summary.id);
    const allStaff = [...tenant.groups.values()].find((g) => g.displayName === 'All Staff')!;
    return {
      id: summary.id,
      displayName: summary.displayName,
      domain: tenant.defaultDomain,
      groupId: allStaff.id,
      members,
    };
  });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (n: number) => Math.round(n * 100) / 100;

const spread = (values: number[]): Spread => ({
  p50: round(percentile(values, 50)),
  p95: round(percentile(values, 95)),
  max: round(Math.max(...values)),
});

/**
 * Starts the runs at one moment (the first, the big one, before the others; the rest concurrently, as many
 * companies' schedules firing at once would) and returns each one's seconds from that moment to its end, the last
 * one's, and the CPU the work took from just before the first start to when the last end was seen (the bench's
 * look at the runs afterwards left out).
 */
async function runMetered(
  ctx: BenchContext,
  temporal: Client,
  setupIds: string[],
  meter: CpuMeter,
): Promise<{ runIds: string[]; seconds: number[]; lastSeconds: number; cpuSeconds: number }> {
  const from = meter.read();
  const started = performance.now();
  const [first, ...rest] = setupIds;
  const runIds = [await startCase(ctx, temporal, first!, { fullSync: true })];
  runIds.push(...(await Promise.all(rest.map((id) => startCase(ctx, temporal, id, { fullSync: true })))));
  const finishedAt = await pollUntilSucceeded(ctx, runIds);
  const to = meter.read();
  const results = await runResults(ctx, temporal, runIds, started, finishedAt);
  return {
    runIds,
    seconds: runIds.map((id) => results.get(id)!.seconds),
    lastSeconds: (Math.max(...finishedAt.values()) - started) / 1000,
    cpuSeconds: workCpuSeconds(from, to, meter.idlePerSecond),
  };
}

/** runMetered, and how long each run's tasks waited in the task queue. */
async function runTogether(ctx: BenchContext, temporal: Client, setupIds: string[], meter: CpuMeter) {
  const runs = await runMetered(ctx, temporal, setupIds, meter);
  const queuedSeconds = [];
  for (const runId of runs.runIds) queuedSeconds.push(await queuedInTaskQueue(ctx, temporal, runId));
  return { ...runs, queuedSeconds };
}

/**
 * How long a run's tasks waited in the task queue for a worker (scheduled → started, workflow and activity
 * tasks, the last workflow run of the chain): the part of its time that task-queue priority decides.
 */
async function queuedInTaskQueue(ctx: BenchContext, temporal: Client, runId: string): Promise<number> {
  const run = await ctx.db.selectFrom('sync_runs').select('workflow_id').where('id', '=', runId).executeTakeFirst();
  const history = await temporal.workflow.getHandle(run!.workflow_id!).fetchHistory();
  const scheduledAt = new Map<string, number>();
  let waited = 0;
  const millis = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
    Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
  for (const event of history.events ?? []) {
    const id = String(event.eventId);
    if (event.activityTaskScheduledEventAttributes || event.workflowTaskScheduledEventAttributes)
      scheduledAt.set(id, millis(event.eventTime));
    const from =
      event.activityTaskStartedEventAttributes?.scheduledEventId ??
      event.workflowTaskStartedEventAttributes?.scheduledEventId;
    const at = from === undefined || from === null ? undefined : scheduledAt.get(String(from));
    if (at !== undefined) waited += millis(event.eventTime) - at;
  }
  return waited / 1000;
}

/**
 * Runs the scenario against tenants already in the simulator (the first one the big setup). `cpuSeconds` reads
 * the CPU-seconds used so far by the processes that do a run's work (bench/cpu.ts).
 */
export async function runManySetups(
  ctx: BenchContext,
  temporal: Client,
  tenants: BenchTenant[],
  scale: number,
  cpuSeconds: () => number,
  log: (message: string) => void,
): Promise<ManySetupsResult> {
  // Setups per tenant, each in its own company, all into an empty product: one synced alone, one synced with
  // everybody; and for the small tenants one more, synced together with the other small ones only.
  const soloSetups = [];
  const togetherSetups = [];
  const smallOnlySetups = [];
  for (const [i, tenant] of tenants.entries()) {
    soloSetups.push((await prepareSetup(ctx, tenant.groupId, tenant)).id);
    togetherSetups.push((await prepareSetup(ctx, tenant.groupId, tenant)).id);
    if (i > 0) smallOnlySetups.push((await prepareSetup(ctx, tenant.groupId, tenant)).id);
  }
  const meter = await cpuMeterOf(cpuSeconds);
  // First: alone on the machine like each solo run, and while the big tenant's Graph budget is full, so that no
  // 429 and retry adds to what it costs.
  const floorCpuSecondsPerMember = await floorCpuPerMember(ctx, tenants[0]!, meter);

  const solo: number[] = [];
  const soloCpu: number[] = [];
  for (const [i, setupId] of soloSetups.entries()) {
    const run = await runMetered(ctx, temporal, [setupId], meter);
    solo.push(run.lastSeconds);
    soloCpu.push(run.cpuSeconds);
    if (i === 0 || (i + 1) % 50 === 0) log(`many-setups: ${i + 1}/${tenants.length} solo runs done`);
  }
  const smallSolo = solo.slice(1);

  log(`many-setups: ${smallOnlySetups.length} small setups together, without the big one`);
  const smallOnly = await runTogether(ctx, temporal, smallOnlySetups, meter);
  log(`many-setups: all ${togetherSetups.length} together`);
  const all = await runTogether(ctx, temporal, togetherSetups, meter);

  const together = all.seconds;
  const togetherSeconds = Math.max(...together);
  const soloSumSeconds = solo.reduce((a, b) => a + b, 0);
  const smallTimes = together.slice(1);
  const cores = availableParallelism();
  const bounds = manySetupBounds({
    cores,
    largestSmallSoloSeconds: Math.max(...smallSolo),
    smallMembers: tenants.slice(1).reduce((sum, t) => sum + t.members, 0),
    smallOnlyCpuSeconds: smallOnly.cpuSeconds,
    togetherCpuSeconds: all.cpuSeconds,
    floorCpuSecondsPerMember,
  });
  return {
    scale,
    smallSetups: tenants.length - 1,
    members: tenants.reduce((sum, t) => sum + t.members, 0),
    togetherSeconds: round(togetherSeconds),
    soloSumSeconds: round(soloSumSeconds),
    ratioToSoloSum: round(togetherSeconds / soloSumSeconds),
    big: {
      members: tenants[0]!.members,
      soloSeconds: round(solo[0]!),
      togetherSeconds: round(together[0]!),
      slowdown: round(together[0]! / solo[0]!),
      queuedSeconds: round(all.queuedSeconds[0]!),
    },
    smallQueuedSeconds: spread(all.queuedSeconds.slice(1)),
    smallSlowdown: spread(smallTimes.map((t, i) => t / smallSolo[i]!)),
    smallTogetherSeconds: spread(smallTimes),
    smallWithoutBig: {
      slowdown: spread(smallOnly.seconds.map((t, i) => t / smallSolo[i]!)),
      seconds: spread(smallOnly.seconds),
      lastSeconds: round(smallOnly.lastSeconds),
      queuedSeconds: spread(smallOnly.queuedSeconds),
    },
    cpu: {
      cores,
      idlePerSecond: round(meter.idlePerSecond),
      bigSoloCpuSeconds: round(soloCpu[0]!),
      smallSoloCpuSeconds: round(soloCpu.slice(1).reduce((a, b) => a + b, 0)),
      smallOnlyCpuSeconds: round(smallOnly.cpuSeconds),
      smallOnlyLastSeconds: round(smallOnly.lastSeconds),
      togetherCpuSeconds: round(all.cpuSeconds),
      floorCpuSecondsPerMember: Number(floorCpuSecondsPerMember.toPrecision(3)),
      ...bounds,
    },
  };
}

/** A CPU meter over `cpuSeconds`, with the idle consumption of those processes measured over 3 s first. */
async function cpuMeterOf(cpuSeconds: () => number): Promise<CpuMeter> {
  const read = () => ({ cpu: cpuSeconds(), at: performance.now() });
  const from = read();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const to = read();
  return { read, idlePerSecond: (to.cpu - from.cpu) / ((to.at - from.at) / 1000) };
}

/** The floor's CPU-seconds per member (measureFloor) on the tenant's All Staff group, which holds all its users. */
async function floorCpuPerMember(ctx: BenchContext, tenant: BenchTenant, meter: CpuMeter): Promise<number> {
  const from = meter.read();
  await measureFloor(ctx, tenant.groupId, tenant.id);
  return workCpuSeconds(from, meter.read(), meter.idlePerSecond) / tenant.members;
}
