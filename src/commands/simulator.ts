import { parseArgs } from 'node:util';
import { createLogger } from '../logger.js';
import { defaultSimulatorSeed, defaultSimulatorUsers, startSimulator, type Simulator } from '../simulator/server.js';

const usage = 'usage: directory-sync simulator [--port N] [--host H] [--users N] [--seed S]';

function parseOptions(argv: string[]): { port: number; host: string; users: number; seed: string } {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '8443' },
        host: { type: 'string', default: '127.0.0.1' },
        users: { type: 'string', default: String(defaultSimulatorUsers) },
        seed: { type: 'string', default: defaultSimulatorSeed },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${usage}`);
  }
  const port = Number(values.port);
  const users = Number(values.users);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a port number, got '${values.port}'\n${usage}`);
  if (!Number.isInteger(users) || users < 1 || users > 500_000)
    throw new Error(`--users must be a whole number from 1 to 500000, got '${values.users}'\n${usage}`);
  return { port, host: values.host, users, seed: values.seed };
}

/** The lines to copy into the service's environment to point it at this simulator. */
export function environmentFor(simulator: Simulator): string[] {
  const { demo } = simulator;
  return [
    `AZURE_AUTHORITY_HOST=${simulator.url}`,
    `GRAPH_BASE_URL=${simulator.url}`,
    `NODE_EXTRA_CA_CERTS=${simulator.caFile}`,
    `AZURE_CLIENT_ID=${demo.clientId}`,
    `AZURE_CLIENT_SECRET=${demo.clientSecret}`,
  ];
}

/** `directory-sync simulator`: runs the Entra ID / Graph simulator until SIGINT or SIGTERM. */
export async function run(argv: string[]): Promise<void> {
  const options = parseOptions(argv);
  const logger = createLogger({ name: 'simulator' });
  const simulator = await startSimulator({ ...options, logger });
  const { demo } = simulator;
  const lines = [
    `Entra ID and Microsoft Graph simulator on ${simulator.url}`,
    `CA certificate (trust it with NODE_EXTRA_CA_CERTS, read when Node starts): ${simulator.caFile}`,
    '',
    'Environment for the service:',
    ...environmentFor(simulator).map((line) => `  ${line}`),
    '',
    `Demo tenant: ${demo.displayName}  id ${demo.tenantId}  domain ${demo.domain}`,
    'Groups:',
    ...demo.groups.map((g) => `  ${g.id}  ${g.displayName} (${g.userCount} users)`),
    '',
    `Control API: ${simulator.url}/_sim/tenants, /_sim/demo, /_sim/clock/advance … (JSON)`,
    `Admin consent: ${simulator.url}/${demo.tenantId}/adminconsent?client_id=${demo.clientId}&redirect_uri=…&state=…`,
    '',
  ];
  process.stdout.write(lines.join('\n'));

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'stopping the simulator');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await simulator.close();
}
