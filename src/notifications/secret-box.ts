import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Webhook signing secrets at rest: AES-256-GCM under SECRETS_KEY (32 bytes, base64), stored as
 * `v1.<iv>.<tag>.<ciphertext>` (base64url). The key never reaches the database; a wrong key fails to decrypt.
 */
export class SecretsKeyMissingError extends Error {
  override readonly name = 'SecretsKeyMissingError';
  constructor() {
    super(
      'SECRETS_KEY is not set: webhook secrets cannot be stored or used; set it to 32 random bytes in base64 (openssl rand -base64 32)',
    );
  }
}

function keyBytes(secretsKey: string | undefined): Buffer {
  if (!secretsKey) throw new SecretsKeyMissingError();
  const key = Buffer.from(secretsKey, 'base64');
  if (key.length !== 32) throw new SecretsKeyMissingError();
  return key;
}

export function encryptSecret(plain: string, secretsKey: string | undefined): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyBytes(secretsKey), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

export function decryptSecret(stored: string, secretsKey: string | undefined): string {
  const [version, iv, tag, data] = stored.split('.');
  if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('not an encrypted secret of this service');
  const decipher = createDecipheriv('aes-256-gcm', keyBytes(secretsKey), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

/** A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
