/** AES-256-GCM encryption of stored credentials (the LDAP bind password): format, wrong key, tampering, context. */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SecretDecryptionError,
  SecretsKeyError,
  decryptSecret,
  encryptSecret,
  parseSecretsKey,
  secretsKeysFromEnv,
} from '../../src/crypto/secret-box.js';

const key = parseSecretsKey(randomBytes(32).toString('base64'));
const other = parseSecretsKey(randomBytes(32).toString('hex'));
const context = 'ldap-bind-password:7c1f';

function failure(fn: () => unknown): SecretDecryptionError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SecretDecryptionError) return error;
    throw error;
  }
  throw new Error('expected a SecretDecryptionError');
}

describe('secret box', () => {
  it('round-trips any text and never stores it in the clear', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (secret) => {
        const stored = encryptSecret(secret, key, context);
        expect(stored).toMatch(/^dsx1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$/);
        if (secret.length >= 4) expect(stored).not.toContain(Buffer.from(secret).toString('base64url'));
        expect(decryptSecret(stored, key, context)).toBe(secret);
      }),
      { numRuns: 300 },
    );
  });

  it('uses a fresh IV: the same secret encrypts differently each time', () => {
    expect(encryptSecret('Passw0rd!', key, context)).not.toBe(encryptSecret('Passw0rd!', key, context));
  });

  it('names a wrong key as such, and reads with a previous key during a rotation', () => {
    const stored = encryptSecret('Passw0rd!', key, context);
    const error = failure(() => decryptSecret(stored, other, context));
    expect(error.reason).toBe('wrong_key');
    expect(error.message).toContain(`key id ${key.id}`);
    expect(error.message).not.toContain('Passw0rd');
    expect(decryptSecret(stored, [other, key], context)).toBe('Passw0rd!');
  });

  it('refuses a value stored for another context (another connection) or changed in any byte', () => {
    const stored = encryptSecret('Passw0rd!', key, context);
    expect(failure(() => decryptSecret(stored, key, 'ldap-bind-password:other')).reason).toBe('tampered');
    const parts = stored.split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    parts[3] = ct.toString('base64url');
    expect(failure(() => decryptSecret(parts.join('.'), key, context)).reason).toBe('tampered');
  });

  it('says what is wrong with malformed or future-format values', () => {
    expect(failure(() => decryptSecret('Passw0rd!', key, context)).reason).toBe('malformed');
    expect(failure(() => decryptSecret('dsx1.abc', key, context)).reason).toBe('malformed');
    expect(failure(() => decryptSecret('dsx2.a.b.c.d', key, context)).reason).toBe('unsupported_version');
  });

  it('accepts a 32-byte key as hex or base64 and explains anything else', () => {
    const raw = randomBytes(32);
    expect(parseSecretsKey(raw.toString('hex')).key.equals(raw)).toBe(true);
    expect(parseSecretsKey(raw.toString('base64')).key.equals(raw)).toBe(true);
    expect(parseSecretsKey(raw.toString('base64url')).key.equals(raw)).toBe(true);
    expect(parseSecretsKey(raw.toString('hex')).id).toBe(parseSecretsKey(raw.toString('base64')).id);
    expect(() => parseSecretsKey(undefined)).toThrow(SecretsKeyError);
    expect(() => parseSecretsKey(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
    expect(() => parseSecretsKey('not a key!')).toThrow(/SECRETS_KEY must be/);
    const keys = secretsKeysFromEnv({
      SECRETS_KEY: raw.toString('hex'),
      SECRETS_KEY_PREVIOUS: `${other.key.toString('hex')},`,
    });
    expect(keys.map((k) => k.id)).toEqual([parseSecretsKey(raw.toString('hex')).id, other.id]);
  });
});
