/**
 * Benchmark: member pages per second from the simulator to the real client stack (ClientSecretCredential
 * + the Graph client with its middleware), paging one group's transitive users in 999-member pages.
 *
 *   npx tsx bench/simulator.ts --members 100000
 *
 * The process must trust the simulator's CA through NODE_EXTRA_CA_CERTS, which Node reads only when it
 * starts; run standalone without it, this script creates the CA and re-executes itself with the variable set.
 */
import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createGraphClient } from '../src/directory/entra/client.js';
import { pageGroupUsers } from '../src/directory/entra/members.js';
import { defaultCaDir, ensureCertificateAuthority } from '../src/simulator/ca.js';
import { startSimulator } from '../src/simulator/server.js';

export interface SimulatorBenchResult {
  members: number;
  pages: number;
  seconds: number;
  pagesPerSecond: number;
  usersPerSecond: number;
}

export async function benchSimulator(options: { members: number }): Promise<SimulatorBenchResult> {
  const simulator = await startSimulator({ port: 0, users: options.members, seed: 'bench' });
  try {
    const { demo } = simulator;
    const { client, credential } = createGraphClient({
      tenantId: demo.tenantId,
      clientId: demo.clientId,
      clientSecret: demo.clientSecret,
      authorityHost: simulator.url,
      graphBaseUrl: simulator.url,
    });
    // Token acquisition is not what is measured: get it (and warm the connection) first.
    await credential.getToken('https://graph.microsoft.com/.default');
    const group = demo.groups[0]!;
    let pages = 0;
    let users = 0;
    const started = performance.now();
    for await (const page of pageGroupUsers(client, group.id, { top: 999 })) {
      pages++;
      users += page.users.length;
    }
    const seconds = (performance.now() - started) / 1000;
    if (users !== options.members) throw new Error(`paged ${users} users, expected ${options.members}`);
    return { members: users, pages, seconds, pagesPerSecond: pages / seconds, usersPerSecond: users / seconds };
  } finally {
    await simulator.close();
  }
}

function table(result: SimulatorBenchResult): string {
  const rows: [string, string][] = [
    ['members', result.members.toLocaleString('en')],
    ['pages (999 members)', String(result.pages)],
    ['seconds', result.seconds.toFixed(2)],
    ['member pages / second', result.pagesPerSecond.toFixed(1)],
    ['users / second', Math.round(result.usersPerSecond).toLocaleString('en')],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return `simulator → Graph client\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v.padStart(10)}`).join('\n')}\n`;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { members: { type: 'string', default: '100000' } },
    strict: true,
  });
  const members = Number(values.members);
  if (!Number.isInteger(members) || members < 1 || members > 500_000)
    throw new Error(`--members must be a whole number from 1 to 500000, got '${values.members}'`);

  if (!process.env.NODE_EXTRA_CA_CERTS) {
    // Node reads the extra CA only at start: run again, as a child that has it.
    const { caFile } = await ensureCertificateAuthority(defaultCaDir);
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...argv], {
      stdio: 'inherit',
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
    });
    const code = await new Promise<number>((resolve) =>
      child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0))),
    );
    process.exitCode = code;
    return;
  }
  process.stdout.write(table(await benchSimulator({ members })));
}

const invokedDirectly =
  process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
if (invokedDirectly) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`bench/simulator: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
