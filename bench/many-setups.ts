/**
 * The `many-setups` scenario: many companies syncing at once. 200 setups of 500–5,000 members, each in its own
 * tenant and company, plus one setup of 100,000 members, all started together (the big one first), against each
 * one's first sync run alone. It shows whether the big one starves the small ones (task-queue fairness, worker
 * slots) and what running side by side costs in total. `scale` shrinks the member counts and the number of small
 * setups in proportion, for a quick run.
 */
import type { Client } from '@temporalio/client';
import type { Simulator } from '../src/simulator/server.js';
import { startCase, waitForRuns, prepareSetup, type BenchContext } from './sync.js';

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
  big: { members: number; soloSeconds: number; togetherSeconds: number; slowdown: number };
  /** Each small setup's time together divided by its time alone (target: max ≤ 3). */
  smallSlowdown: { p50: number; p95: number; max: number };
  smallTogetherSeconds: { p50: number; p95: number; max: number };
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

/** Runs the scenario against tenants already in the simulator (the first one the big setup). */
export async function runManySetups(
  ctx: BenchContext,
  temporal: Client,
  tenants: BenchTenant[],
  scale: number,
  log: (message: string) => void,
): Promise<ManySetupsResult> {
  // Two setups per tenant, in two companies: one synced alone, one synced with everybody (both into an empty product).
  const soloSetups = [];
  const togetherSetups = [];
  for (const tenant of tenants) {
    soloSetups.push((await prepareSetup(ctx, tenant.groupId, tenant)).id);
    togetherSetups.push((await prepareSetup(ctx, tenant.groupId, tenant)).id);
  }
  const solo: number[] = [];
  for (const [i, setupId] of soloSetups.entries()) {
    const started = performance.now();
    const runId = await startCase(ctx, temporal, setupId, { fullSync: true });
    solo.push((await waitForRuns(ctx, temporal, [runId], started)).get(runId)!.seconds);
    if (i === 0 || (i + 1) % 50 === 0) log(`many-setups: ${i + 1}/${tenants.length} solo runs done`);
  }
  const started = performance.now();
  const runIds = [];
  for (const setupId of togetherSetups) runIds.push(await startCase(ctx, temporal, setupId, { fullSync: true }));
  const results = await waitForRuns(ctx, temporal, runIds, started);
  const together = runIds.map((id) => results.get(id)!.seconds);
  const togetherSeconds = Math.max(...together);
  const soloSumSeconds = solo.reduce((a, b) => a + b, 0);
  const slowdowns = together.slice(1).map((t, i) => t / solo[i + 1]!);
  const smallTimes = together.slice(1);
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
    },
    smallSlowdown: {
      p50: round(percentile(slowdowns, 50)),
      p95: round(percentile(slowdowns, 95)),
      max: round(Math.max(...slowdowns)),
    },
    smallTogetherSeconds: {
      p50: round(percentile(smallTimes, 50)),
      p95: round(percentile(smallTimes, 95)),
      max: round(Math.max(...smallTimes)),
    },
  };
}
