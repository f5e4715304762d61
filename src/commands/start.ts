import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { startLocalStack } from '../runtime/local-stack.js';
import { onShutdownSignal } from '../runtime/shutdown-signal.js';

/** `npm start`: the whole service on this machine; embedded Postgres and Temporal unless configured. */
export async function run(): Promise<void> {
  const config = loadConfig(process.env, 'start');
  const logger = createLogger({ level: config.logLevel });
  const stack = await startLocalStack(config, logger);
  onShutdownSignal(async (signal) => {
    logger.info({ signal }, 'stopping');
    await stack.stop();
  });
  const lines = [
    '',
    'directory-sync is running',
    `  API             ${stack.api.url}`,
    `  API docs        ${stack.api.url}/docs   (OpenAPI: ${stack.api.url}/openapi.json)`,
    `  Admin pages     ${stack.config.publicBaseUrl}/admin   (sign in with a company API key)`,
    `  Temporal Web UI ${stack.temporalUiUrl ?? '(external Temporal at ' + stack.temporalAddress + ')'}`,
    `  Postgres        ${stack.embedded.postgres ? 'embedded, data in ' + config.dataDir + '/postgres' : 'DATABASE_URL'}`,
    ...(config.operatorApiKey
      ? []
      : [
          `  Operator key    ${stack.config.operatorApiKey}   (generated, kept in ${config.dataDir}/local-secrets.json)`,
        ]),
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  await stack.worker.done;
}
