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
import { startCase, waitForRuns, prepareSetup, type BenchContext } from './sync.js';

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
   * The limit of sharing, from the CPU-seconds each solo run used (worker, Postgres, Temporal dev server and the
   * bench process with the simulator; the machine's idle consumption subtracted): runs needing C CPU-seconds on
   * P cores cannot all finish before C / P seconds, so the slowest small one's slowdown is at least
   * (C / P) ÷ the largest small solo time, with or without the big one.
   */
  cpu: {
    cores: number;
    /** CPU-seconds per second those processes use with no run going (pollers, timers). */
    idlePerSecond: number;
    bigSoloCpuSeconds: number;
    smallSoloCpuSeconds: number;
    /** C / P of the small runs: the earliest the last small run can finish, seconds. */
    smallWorkSeconds: number;
    /** (C / P) ÷ the largest small solo time: the least the max small slowdown can be. */
    smallSlowdownLowerBound: number;
    /** C / P of all runs: the earliest everything started together can be done, seconds. */
    togetherLowerBoundSeconds: number;
  };
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
 * companies' schedules firing at once would) and returns each one's seconds from that moment to its end.
 */
async function runTogether(
  ctx: BenchContext,
  temporal: Client,
  setupIds: string[],
): Promise<{ seconds: number[]; queuedSeconds: number[] }> {
  const started = performance.now();
  const [first, ...rest] = setupIds;
  const runIds = [await startCase(ctx, temporal, first!, { fullSync: true })];
  runIds.push(...(await Promise.all(rest.map((id) => startCase(ctx, temporal, id, { fullSync: true })))));
  const results = await waitForRuns(ctx, temporal, runIds, started);
  const queuedSeconds = [];
  for (const runId of runIds) queuedSeconds.push(await queuedInTaskQueue(ctx, temporal, runId));
  return { seconds: runIds.map((id) => results.get(id)!.seconds), queuedSeconds };
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
  const idleFrom = { cpu: cpuSeconds(), at: performance.now() };
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const idlePerSecond = (cpuSeconds() - idleFrom.cpu) / ((performance.now() - idleFrom.at) / 1000);

  const solo: number[] = [];
  const soloCpu: number[] = [];
  for (const [i, setupId] of soloSetups.entries()) {
    const cpuBefore = cpuSeconds();
    const started = performance.now();
    const runId = await startCase(ctx, temporal, setupId, { fullSync: true });
    const seconds = (await waitForRuns(ctx, temporal, [runId], started)).get(runId)!.seconds;
    solo.push(seconds);
    soloCpu.push(Math.max(0, cpuSeconds() - cpuBefore - idlePerSecond * seconds));
    if (i === 0 || (i + 1) % 50 === 0) log(`many-setups: ${i + 1}/${tenants.length} solo runs done`);
  }
  const smallSolo = solo.slice(1);

  log(`many-setups: ${smallOnlySetups.length} small setups together, without the big one`);
  const { seconds: smallOnly, queuedSeconds: smallOnlyQueued } = await runTogether(ctx, temporal, smallOnlySetups);
  log(`many-setups: all ${togetherSetups.length} together`);
  const { seconds: together, queuedSeconds } = await runTogether(ctx, temporal, togetherSetups);

  const togetherSeconds = Math.max(...together);
  const soloSumSeconds = solo.reduce((a, b) => a + b, 0);
  const smallTimes = together.slice(1);
  const cores = availableParallelism();
  const smallCpu = soloCpu.slice(1).reduce((a, b) => a + b, 0);
  const smallWorkSeconds = smallCpu / cores;
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
      queuedSeconds: round(queuedSeconds[0]!),
    },
    smallQueuedSeconds: spread(queuedSeconds.slice(1)),
    smallSlowdown: spread(smallTimes.map((t, i) => t / smallSolo[i]!)),
    smallTogetherSeconds: spread(smallTimes),
    smallWithoutBig: {
      slowdown: spread(smallOnly.map((t, i) => t / smallSolo[i]!)),
      seconds: spread(smallOnly),
      lastSeconds: round(Math.max(...smallOnly)),
      queuedSeconds: spread(smallOnlyQueued),
    },
    cpu: {
      cores,
      idlePerSecond: round(idlePerSecond),
      bigSoloCpuSeconds: round(soloCpu[0]!),
      smallSoloCpuSeconds: round(smallCpu),
      smallWorkSeconds: round(smallWorkSeconds),
      smallSlowdownLowerBound: round(smallWorkSeconds / Math.max(...smallSolo)),
      togetherLowerBoundSeconds: round((smallCpu + soloCpu[0]!) / cores),
    },
  };
}
