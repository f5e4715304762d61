import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateApiKey } from '../api/keys.js';
import { loadConfig } from '../config.js';
import { insertApiKey } from '../db/repositories/api-keys.js';
import { insertCompany, listCompanies } from '../db/repositories/companies.js';
import { insertCustomerType, listCustomerTypes } from '../db/repositories/customer-types.js';
import { createLogger } from '../logger.js';
import { startLocalStack } from '../runtime/local-stack.js';
import { onShutdownSignal } from '../runtime/shutdown-signal.js';
import { runTrustingSimulatorCa } from '../runtime/simulator-trust.js';
import { startSimulator } from '../simulator/server.js';
import { connectDemoTenant } from './demo-connect.js';

const usage = 'usage: directory-sync demo [--users N] [--simulator-port N] [--json] [--connected]';
const demoCompanyName = 'Demo Company';

/**
 * `npm run demo`: the whole service (embedded Postgres and Temporal unless configured) wired to the simulator,
 * with a seeded demo tenant, a company that has the module and a fresh company API key — everything needed to
 * try the flow without an Azure tenant. `--json` prints the same facts as one JSON line for scripts.
 */
export async function run(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        users: { type: 'string', default: '250' },
        'simulator-port': { type: 'string', default: '8443' },
        json: { type: 'boolean', default: false },
        connected: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${usage}`);
  }
  const users = Number(values.users);
  const simulatorPort = Number(values['simulator-port']);
  if (!Number.isInteger(users) || users < 1 || users > 500_000)
    throw new Error(`--users must be a whole number from 1 to 500000\n${usage}`);
  if (!Number.isInteger(simulatorPort) || simulatorPort < 0 || simulatorPort > 65535)
    throw new Error(`--simulator-port must be a port number\n${usage}`);
  if ((await runTrustingSimulatorCa()) === 'child') return;

  const sim = await startSimulator({ port: simulatorPort, users });
  // A person clicks Accept on the simulator's consent page, as on Microsoft's.
  sim.control.setConsentMode(sim.demo.tenantId, 'interactive');
  const env = {
    ...process.env,
    DATA_DIR: process.env.DATA_DIR ?? path.join('.data', 'demo'),
    AZURE_CLIENT_ID: sim.demo.clientId,
    AZURE_CLIENT_SECRET: sim.demo.clientSecret,
    AZURE_AUTHORITY_HOST: sim.url,
    GRAPH_BASE_URL: sim.url,
    LOG_LEVEL: process.env.LOG_LEVEL ?? (values.json ? 'warn' : 'info'),
  };
  const config = loadConfig(env, 'start');
  const logger = createLogger({ level: config.logLevel });
  const stack = await startLocalStack(config, logger);
  onShutdownSignal(async () => {
    await stack.stop();
    await sim.close();
  });

  const company =
    (await listCompanies(stack.db)).find((c) => c.name === demoCompanyName) ??
    (await insertCompany(stack.db, { name: demoCompanyName, directorySyncEnabled: true }));
  const customerTypes = await listCustomerTypes(stack.db, company.id);
  if (customerTypes.length === 0) await insertCustomerType(stack.db, company.id, 'Employees');
  const key = generateApiKey();
  await insertApiKey(stack.db, {
    companyId: company.id,
    name: `demo ${new Date().toISOString()}`,
    prefix: key.prefix,
    hash: key.hash,
  });

  // --connected: the connection made through the real flow (consent + the tenant admin's sign-in), ready for a setup
  const connectionId = values.connected
    ? await connectDemoTenant({ apiUrl: stack.api.url, publicBaseUrl: config.publicBaseUrl, companyKey: key.key, sim })
    : null;

  const facts = {
    apiUrl: stack.api.url,
    adminUrl: `${config.publicBaseUrl}/admin`,
    operatorKey: stack.config.operatorApiKey,
    companyApiKey: key.key,
    tenantId: sim.demo.tenantId,
    tenantDomain: sim.demo.domain,
    tenantAdmin: sim.demo.adminUpn,
    connectionId,
    groups: sim.demo.groups.map((g) => ({ id: g.id, name: g.displayName, userCount: g.userCount })),
    simulatorUrl: sim.url,
    caFile: sim.caFile,
    temporalUiUrl: stack.temporalUiUrl ?? null,
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(facts)}\n`);
  } else {
    process.stdout.write(
      [
        '',
        'directory-sync demo is running (wired to the Entra ID / Graph simulator)',
        `  API              ${facts.apiUrl}   docs: ${facts.apiUrl}/docs`,
        `  Admin pages      ${facts.adminUrl}   (sign in with the company API key)`,
        `  Temporal Web UI  ${facts.temporalUiUrl ?? '(external)'}`,
        `  Simulator        ${facts.simulatorUrl}   CA: ${facts.caFile}`,
        `  Operator key     ${facts.operatorKey}`,
        `  Company API key  ${facts.companyApiKey}   (${demoCompanyName})`,
        `  Demo tenant      ${facts.tenantId}   (${facts.tenantDomain}; admin to sign in as: ${facts.tenantAdmin})`,
        ...(connectionId ? [`  Connection       ${connectionId}   (connected: start at the setup step)`] : []),
        '  Groups:',
        ...facts.groups.map((g) => `    ${g.id}  ${g.name} (${g.userCount} users)`),
        '',
        'Your browser does not trust the simulator’s CA: accept its certificate warning on the consent page, or import the CA file.',
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
  }
  await stack.worker.done;
}
