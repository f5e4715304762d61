import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * For `directory-sync start` without configuration: an operator API key and a session secret generated once
 * and kept in the data directory (mode 600), so they survive restarts. Production sets them in the environment.
 */
export function localSecrets(dataDir: string): { operatorApiKey: string; sessionSecret: string } {
  const file = path.join(dataDir, 'local-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  mkdirSync(dataDir, { recursive: true });
  const secrets = {
    operatorApiKey: `dso_${randomBytes(24).toString('base64url')}`,
    sessionSecret: randomBytes(32).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
