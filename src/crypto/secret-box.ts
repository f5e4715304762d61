/**
 * Credentials encrypted at rest (first user: an LDAP connection's bind password): AES-256-GCM with a 32-byte key
 * from the environment (SECRETS_KEY), a fresh 96-bit IV per encryption, and a context string authenticated with
 * the ciphertext (e.g. "ldap-bind-password:<connection id>"), so a stored value copied to another row or another
 * company's connection does not decrypt.
 *
 * Stored format, versioned so the scheme can change without ambiguity:
 *
 *     dsx1.<key id>.<iv>.<ciphertext>.<tag>        (base64url parts; key id = first 8 hex of SHA-256(key))
 *
 * The key id says which key encrypted a value, so decrypting with another key fails with a clear "wrong key"
 * error instead of a generic authentication failure, and a rotation can keep the previous key for reading
 * (`decryptSecret` accepts several keys; `encryptSecret` always uses the first).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'dsx1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SecretsKey {
  readonly id: string;
  readonly key: Buffer;
}

export type SecretDecryptionReason = 'malformed' | 'unsupported_version' | 'wrong_key' | 'tampered';

export class SecretDecryptionError extends Error {
  override readonly name = 'SecretDecryptionError';
  constructor(
    readonly reason: SecretDecryptionReason,
    message: string,
  ) {
    super(message);
  }
}

export class SecretsKeyError extends Error {
  override readonly name = 'SecretsKeyError';
}

const KEY_HINT =
  'SECRETS_KEY must be 32 random bytes written as 64 hexadecimal characters or as base64 (e.g. `openssl rand ' +
  '-base64 32`)';

/** Reads a key: 64 hex characters, or base64/base64url of exactly 32 bytes. Throws SecretsKeyError otherwise. */
export function parseSecretsKey(text: string | undefined): SecretsKey {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') throw new SecretsKeyError(`${KEY_HINT}; it is not set.`);
  let key: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) key = Buffer.from(trimmed, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    const decoded = Buffer.from(trimmed, 'base64');
    if (decoded.length === 32) key = decoded;
  }
  if (key === null) throw new SecretsKeyError(`${KEY_HINT}; the value given is not (it must decode to 32 bytes).`);
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}

/**
 * The keys from the environment: SECRETS_KEY (used to encrypt) and, during a rotation, SECRETS_KEY_PREVIOUS
 * (comma-separated, read only).
 */
export function secretsKeysFromEnv(env: Record<string, string | undefined> = process.env): SecretsKey[] {
  const previous = (env.SECRETS_KEY_PREVIOUS ?? '').split(',').filter((k) => k.trim() !== '');
  return [parseSecretsKey(env.SECRETS_KEY), ...previous.map((k) => parseSecretsKey(k))];
}

/** Encrypts `plaintext` for storage, bound to `context` (which must be given again to decrypt). */
export function encryptSecret(plaintext: string, key: SecretsKey, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(`${VERSION}:${context}`, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, key.id, iv.toString('base64url'), ciphertext.toString('base64url'), tag.toString('base64url')].join(
    '.',
  );
}

/** Decrypts a value made by encryptSecret with one of `keys` and the same `context`. */
export function decryptSecret(stored: string, keys: SecretsKey | readonly SecretsKey[], context: string): string {
  const parts = stored.split('.');
  if (parts[0] !== VERSION) {
    if (parts.length === 5 && /^dsx\d+$/.test(parts[0]!)) {
      throw new SecretDecryptionError(
        'unsupported_version',
        `The stored secret uses format ${parts[0]}, which this version cannot read; upgrade the service.`,
      );
    }
    throw new SecretDecryptionError(
      'malformed',
      'The stored secret is not an encrypted value (expected dsx1.…); enter the secret again.',
    );
  }
  if (parts.length !== 5)
    throw new SecretDecryptionError(
      'malformed',
      'The stored secret is truncated or malformed; enter the secret again.',
    );
  const [, keyId, ivText, ciphertextText, tagText] = parts as [string, string, string, string, string];
  const key = (Array.isArray(keys) ? keys : [keys as SecretsKey]).find((k) => k.id === keyId);
  if (!key) {
    throw new SecretDecryptionError(
      'wrong_key',
      `The stored secret was encrypted with another key (key id ${keyId}); set SECRETS_KEY (or ` +
        `SECRETS_KEY_PREVIOUS) to that key, or enter the secret again.`,
    );
  }
  const iv = Buffer.from(ivText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SecretDecryptionError(
      'malformed',
      'The stored secret is truncated or malformed; enter the secret again.',
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(`${VERSION}:${context}`, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new SecretDecryptionError(
      'tampered',
      'The stored secret does not authenticate (changed, or stored for another record); enter the secret again.',
    );
  }
}
