/**
 * CPU-seconds used by the processes a sync run keeps busy — the worker, Postgres, the Temporal dev server and
 * this process (the simulator runs in it) — read from /proc (Linux). many-setups uses it for the honest limit of
 * running side by side: runs that need C CPU-seconds on P cores cannot all be done before C / P seconds.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { sql } from 'kysely';
import type { Db } from '../src/db/database.js';

/** /proc's clock ticks (USER_HZ), 100 on every Linux architecture we run on. */
const ticksPerSecond = 100;

interface ProcStat {
  ppid: number;
  /** utime + stime: the process's own CPU. */
  ownTicks: number;
  /** cutime + cstime: CPU of its children that have exited and been waited for. */
  reapedChildrenTicks: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may hold spaces: the fields after the last ')' start at 3
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(fields[1]),
      ownTicks: Number(fields[11]) + Number(fields[12]),
      reapedChildrenTicks: Number(fields[13]) + Number(fields[14]),
    };
  } catch {
    return undefined; // gone meanwhile
  }
}

function childrenOf(ppid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (readStat(Number(entry))?.ppid === ppid) pids.push(Number(entry));
  }
  return pids;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** A process with everything it started: own CPU, exited children's, and live children's. */
function treeTicks(pid: number): number {
  const stat = readStat(pid);
  if (!stat) return 0;
  return stat.ownTicks + stat.reapedChildrenTicks + childrenOf(pid).reduce((sum, child) => sum + treeTicks(child), 0);
}

export interface CpuSources {
  /** Processes counted whole (worker, dev server). A pid of 0 or undefined (not ours, e.g. TEMPORAL_ADDRESS) is skipped. */
  processTrees: (number | undefined)[];
  /**
   * The postmaster. `ownedDatabase` undefined: the server is ours (embedded) and counted whole. Set: a shared server
   * (DATABASE_URL), of which only the live backends of that database are counted — an undercount, so any bound
   * derived from it stays a lower bound.
   */
  postgres?: { postmasterPid: number; ownedDatabase?: string };
  /** Count this process (the simulator and the bench's own polling). */
  includeSelf: boolean;
}

export function cpuSeconds(sources: CpuSources): number {
  let ticks = 0;
  for (const pid of sources.processTrees) if (pid) ticks += treeTicks(pid);
  const pg = sources.postgres;
  if (pg && pg.ownedDatabase === undefined) ticks += treeTicks(pg.postmasterPid);
  else if (pg) {
    for (const pid of childrenOf(pg.postmasterPid)) {
      if (commandLine(pid).includes(` ${pg.ownedDatabase} `)) ticks += readStat(pid)?.ownTicks ?? 0;
    }
  }
  let seconds = ticks / ticksPerSecond;
  if (sources.includeSelf) {
    const usage = process.cpuUsage();
    seconds += (usage.user + usage.system) / 1e6;
  }
  return seconds;
}

/**
 * The Postgres server `db` talks to, as a CPU source: its postmaster is the parent of our backend (a server on this
 * machine; elsewhere nothing is counted). `shared`: other databases' work runs there too, count only ours.
 */
export async function postgresCpuSource(db: Db, options: { shared: boolean }): Promise<CpuSources['postgres']> {
  const { rows } = await sql<{ pid: number; db: string }>`
    select pg_backend_pid() as pid, current_database() as db`.execute(db);
  const postmasterPid = readStat(rows[0]!.pid)?.ppid;
  if (!postmasterPid) return undefined;
  return { postmasterPid, ownedDatabase: options.shared ? rows[0]!.db : undefined };
}
