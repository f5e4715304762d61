import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * For `directory-sync start` without configuration: an operator API key and a session secret generated once
 * and kept in the data directory (mode 600), so they survive restarts. Production sets them in the environment.
 */
export function localSecrets(dataDir: string): { operatorApiKey: string; sessionSecret: string; secretsKey: string } {
  const file = path.join(dataDir, 'local-secrets.json');
  const kept = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<ReturnType<typeof localSecrets>>)
    : undefined;
  if (kept?.operatorApiKey && kept.sessionSecret && kept.secretsKey) return kept as ReturnType<typeof localSecrets>;
  mkdirSync(dataDir, { recursive: true });
  // a file from before a secret existed keeps its secrets and gains the new one (SECRETS_KEY: webhook secrets at rest)
  const secrets = {
    operatorApiKey: kept?.operatorApiKey ?? `dso_${randomBytes(24).toString('base64url')}`,
    sessionSecret: kept?.sessionSecret ?? randomBytes(32).toString('base64url'),
    secretsKey: kept?.secretsKey ?? randomBytes(32).toString('base64'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
