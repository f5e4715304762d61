import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Finds the Temporal CLI (which contains the dev server and its Web UI). The same lookup serves
 * `npm start`, the tests and CI, in this order:
 *   1. TEMPORAL_CLI_PATH
 *   2. `temporal` on PATH
 *   3. a binary cached under ~/.cache/directory-sync (outside the clone, so fresh clones reuse it)
 *   4. build it with Go (`go install github.com/temporalio/cli/cmd/temporal@v1.5.1`, takes minutes once)
 *   5. let @temporalio/testing download it (machines with internet access only)
 */
export const temporalCliVersion = 'v1.5.1';
export const temporalCliModule = 'github.com/temporalio/cli/cmd/temporal';

export function temporalCliCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'directory-sync', `temporal-cli-${temporalCliVersion}`);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export class TemporalCliNotFoundError extends Error {
  constructor(details: string[]) {
    super(
      [
        'cannot find or obtain the Temporal CLI (it runs the Temporal dev server). Tried, in order:',
        '  1. TEMPORAL_CLI_PATH: ' +
          (process.env.TEMPORAL_CLI_PATH ? `'${process.env.TEMPORAL_CLI_PATH}' is not an executable file` : 'not set'),
        '  2. `temporal` on PATH: not found',
        `  3. a cached build in ${temporalCliCacheDir()}: not there`,
        `  4. building it with Go (CGO_ENABLED=0 go install ${temporalCliModule}@${temporalCliVersion}): ${details[0] ?? 'go not found'}`,
        `  5. downloading it with @temporalio/testing: ${details[1] ?? 'failed'}`,
        'Fix one of these, e.g. install Go, or set TEMPORAL_CLI_PATH to a temporal binary, or set TEMPORAL_ADDRESS to use an existing server.',
      ].join('\n'),
    );
    this.name = 'TemporalCliNotFoundError';
  }
}

export interface AcquireOptions {
  log?: (message: string) => void;
  /** Steps 4 and 5 can be switched off (tests of the lookup order, and callers that must not wait minutes). */
  allowBuild?: boolean;
  allowDownload?: boolean;
}

async function buildWithGo(log: (m: string) => void): Promise<{ path?: string; problem?: string }> {
  const go = onPath('go') ?? (isExecutable('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : undefined);
  if (!go) return { problem: 'go not found' };
  const dir = temporalCliCacheDir();
  mkdirSync(dir, { recursive: true });
  log(`building the Temporal CLI ${temporalCliVersion} with Go into ${dir}; the first build takes several minutes…`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(go, ['install', `${temporalCliModule}@${temporalCliVersion}`], {
      env: { ...process.env, CGO_ENABLED: '0', GOBIN: dir, GOFLAGS: '-mod=mod' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', () => resolve(-1));
    child.on('exit', (c) => resolve(c ?? -1));
  });
  const binary = path.join(dir, 'temporal');
  if (code === 0 && isExecutable(binary)) return { path: binary };
  return { problem: `go install exited with code ${code}` };
}

async function downloadWithTestingPackage(log: (m: string) => void): Promise<{ path?: string; problem?: string }> {
  // @temporalio/testing downloads the CLI on first use when it can reach the internet. We ask it to start a
  // throw-away server, which leaves the binary in its cache directory, then use that binary ourselves.
  try {
    log('asking @temporalio/testing to download the Temporal CLI…');
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const downloadDir = path.join(temporalCliCacheDir(), 'download');
    mkdirSync(downloadDir, { recursive: true });
    const env = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'cached-download', downloadDir } },
    });
    await env.teardown();
    const found = readdirSync(downloadDir)
      .map((f) => path.join(downloadDir, f))
      .find(isExecutable);
    return found ? { path: found } : { problem: 'download reported success but left no binary' };
  } catch (err) {
    return { problem: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}

export async function acquireTemporalCli(options: AcquireOptions = {}): Promise<string> {
  const log = options.log ?? ((m: string) => process.stderr.write(m + '\n'));
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv && isExecutable(fromEnv)) return fromEnv;
  const fromPath = onPath('temporal');
  if (fromPath) return fromPath;
  const cached = path.join(temporalCliCacheDir(), 'temporal');
  if (isExecutable(cached)) return cached;
  const built = options.allowBuild === false ? { problem: 'not allowed here' } : await buildWithGo(log);
  if ('path' in built && built.path) return built.path;
  const downloaded =
    options.allowDownload === false ? { problem: 'not allowed here' } : await downloadWithTestingPackage(log);
  if ('path' in downloaded && downloaded.path) return downloaded.path;
  throw new TemporalCliNotFoundError([built.problem ?? '', downloaded.problem ?? '']);
}
