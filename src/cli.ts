/**
 * `directory-sync <command>`: each command lives in its own module under src/commands and is loaded
 * only when asked for, so `directory-sync api` never loads the worker's webpack bundler.
 */
const commands: Record<string, { summary: string; load: () => Promise<{ run(argv: string[]): Promise<void> }> }> = {
  start: {
    summary: 'run everything on this machine (embedded Postgres and Temporal when not configured)',
    load: () => import('./commands/start.js'),
  },
  migrate: {
    summary: 'apply database migrations (migrate down: undo the last one)',
    load: () => import('./commands/migrate.js'),
  },
  api: {
    summary: 'run the HTTP API against DATABASE_URL and TEMPORAL_ADDRESS',
    load: () => import('./commands/api.js'),
  },
  worker: {
    summary: 'run a Temporal worker against DATABASE_URL and TEMPORAL_ADDRESS',
    load: () => import('./commands/worker.js'),
  },
  simulator: {
    summary: 'run the HTTPS simulator of Entra ID and Microsoft Graph',
    load: () => import('./commands/simulator.js'),
  },
  demo: {
    summary: 'run the whole service wired to the simulator with a seeded demo tenant',
    load: () => import('./commands/demo.js'),
  },
  bench: { summary: 'run the benchmarks and print figures', load: () => import('./commands/bench.js') },
  fuzz: {
    summary: 'run the model-based test of directory histories (--histories N, --seed S)',
    load: () => import('./commands/fuzz.js'),
  },
  'bundle-workflows': {
    summary: '(internal) write the workflow bundle to a file',
    load: () => import('./commands/bundle-workflows.js'),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: directory-sync <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`directory-sync: unknown command '${name}'\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  try {
    const mod = await command.load();
    await mod.run(rest);
  } catch (err) {
    process.stderr.write(`directory-sync ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
