import { createHash, randomBytes } from 'node:crypto';

export { keysEqual } from '../crypto/constant-time.js';

/**
 * API keys are 32 random bytes, so a plain SHA-256 is a safe way to store them (no dictionary to attack) and
 * lets the lookup be an exact index match. The key itself is shown once, when created.
 */
export const apiKeyPrefixLength = 12;

export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const key = `dsk_${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, apiKeyPrefixLength), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
