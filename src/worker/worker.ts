import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { latin1Source } from './latin1-source.js';
import type { TemporalSecurity } from '../config.js';
import { temporalConnectionOptions } from '../temporal/connection.js';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/** Builds the workflow bundle (webpack, ~2 s): once per process, then shared by every worker it starts. */
export async function bundleWorkflows(): Promise<WorkflowBundle> {
  const { code } = await bundleWorkflowCode({ workflowsPath, logger: quietBundlerLogger });
  return { code: latin1Source(code) };
}

/**
 * The same, built by a short-lived child process (`directory-sync bundle-workflows`): webpack's memory peak
 * (~150 MB) then never counts against a long-running worker.
 */
export async function bundleWorkflowsInChild(): Promise<WorkflowBundle> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ds-bundle-'));
  const file = path.join(dir, 'workflows.js');
  const bin = fileURLToPath(new URL('../../bin/directory-sync.js', import.meta.url));
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [bin, 'bundle-workflows', file], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      child.once('error', reject);
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`bundling the workflows failed (exit code ${code})`)),
      );
    });
    return { code: readFileSync(file, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// webpack statistics are logged at INFO by the bundler; only problems are worth a line.
const quietBundlerLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string, meta?: Record<string, unknown>) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
};

export interface WorkerOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  bundle: WorkflowBundle;
  maxConcurrentActivities?: number;
  /** TLS / API key for a production Temporal (TEMPORAL_TLS_*, TEMPORAL_API_KEY). */
  security?: TemporalSecurity;
}

export async function createWorker(options: WorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect(temporalConnectionOptions(options.address, options.security));
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: options.bundle,
    activities: createActivities(options.deps),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 20,
    // Give in-flight activities time to finish (and heartbeat their progress) before a shutdown cancels them.
    shutdownGraceTime: '10s',
  });
  return { worker, connection };
}
