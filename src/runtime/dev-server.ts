import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { ensureSearchAttributes, waitForTemporal } from '../temporal/connection.js';
import { searchAttributes } from '../temporal/search-attributes.js';
import { acquireTemporalCli } from './temporal-cli.js';
import { registerChild } from './children.js';

export interface DevServerOptions {
  /** gRPC port; the Web UI listens on uiPort (default port + 1000). */
  port: number;
  uiPort?: number;
  /** SQLite file that keeps workflows across restarts; in-memory when absent. */
  dbFile?: string;
  headless?: boolean;
  namespace?: string;
  /** false: leave task-queue priority and fairness off (arrival order), to measure what they change. Default on. */
  taskQueuePriority?: boolean;
  /** Extra `--dynamic-config-value KEY=JSON` pairs, e.g. a small suggestContinueAsNew limit in tests. */
  dynamicConfig?: Record<string, string | number | boolean>;
  readyTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Task-queue priority and fairness (the priority and fairness key each sync run carries, src/sync/run-priority.ts)
 * are off by default in the server this CLI embeds (v1.29.1: `matching.useNewMatcher` and
 * `matching.enableFairness` both default to false, common/dynamicconfig/constants.go); without them the keys are
 * accepted and ignored and tasks are dispatched in arrival order. enableFairness implies the new (priority)
 * matcher; both are set so turning fairness off later keeps priorities. A production cluster needs the same two
 * settings in its dynamic config (README, "Many companies at once").
 */
export const taskQueueFairness = {
  'matching.useNewMatcher': true,
  'matching.enableFairness': true,
  // Priority holds within a task-queue partition; one dev server needs no more than one, and with one the order is
  // exact instead of approximate across four.
  'matching.numTaskqueueReadPartitions': 1,
  'matching.numTaskqueueWritePartitions': 1,
} as const;

/**
 * Starts `temporal server start-dev` and waits until it answers. We spawn it ourselves instead of using
 * TestWorkflowEnvironment.createLocal because that gives the server only 5 s to come up, too little on a
 * loaded 2-core machine with a fresh database file.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const cli = await acquireTemporalCli({ log: options.log });
  const namespace = options.namespace ?? 'default';
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--namespace',
    namespace,
    '--log-level',
    'error',
  ];
  if (options.headless) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort ?? options.port + 1000));
  if (options.dbFile) {
    mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push(
      '--db-filename',
      options.dbFile,
      '--sqlite-pragma',
      'journal_mode=WAL',
      '--sqlite-pragma',
      'synchronous=NORMAL',
    );
  }
  for (const key of searchAttributes) args.push('--search-attribute', `${key.name}=Keyword`);
  for (const [key, value] of Object.entries({
    ...(options.taskQueuePriority === false ? {} : taskQueueFairness),
    ...options.dynamicConfig,
  })) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }

  const child = spawn(cli, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const unregister = registerChild(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const address = `127.0.0.1:${options.port}`;
  const stop = async () => {
    unregister();
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await Promise.race([
      waitForTemporal(address, options.readyTimeoutMs ?? 60_000),
      exited.then((code) => {
        throw new Error(`temporal server start-dev exited with code ${code} before it was ready:\n${stderr.trim()}`);
      }),
    ]);
    const connection = await Connection.connect({ address });
    try {
      await ensureSearchAttributes(connection, namespace);
    } finally {
      await connection.close();
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    address,
    uiUrl: options.headless ? undefined : `http://127.0.0.1:${options.uiPort ?? options.port + 1000}`,
    process: child,
    stop,
  };
}
