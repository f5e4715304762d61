import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

function problems(env: Record<string, string>, role: Parameters<typeof loadConfig>[1] = 'start') {
  try {
    loadConfig(env, role);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('starts with no variables at all (the embedded default) and applies the documented defaults', () => {
    const config = loadConfig({}, 'start');
    expect(config.port).toBe(3000);
    expect(config.azure.authorityHost).toBe('https://login.microsoftonline.com');
    expect(config.azure.graphBaseUrl).toBe('https://graph.microsoft.com');
    expect(config.temporal.namespace).toBe('default');
    expect(config.publicBaseUrl).toBe('http://localhost:3000');
    expect(config.consentTimeoutMs).toBe(24 * 3600 * 1000);
  });

  it('lists every offending variable with its reason in one error', () => {
    const found = problems({
      PORT: 'eighty',
      AZURE_AUTHORITY_HOST: 'http://login.example.test',
      GRAPH_BASE_URL: 'not a url',
      TEMPORAL_ADDRESS: 'localhost',
      DATABASE_URL: 'mysql://x',
      OPERATOR_API_KEY: 'short',
      CONSENT_TIMEOUT: 'tomorrow',
    });
    const byVariable = Object.fromEntries(found.map((p) => [p.variable, p.reason]));
    expect(Object.keys(byVariable).sort()).toEqual(
      [
        'AZURE_AUTHORITY_HOST',
        'CONSENT_TIMEOUT',
        'DATABASE_URL',
        'GRAPH_BASE_URL',
        'OPERATOR_API_KEY',
        'PORT',
        'TEMPORAL_ADDRESS',
      ].sort(),
    );
    expect(byVariable.AZURE_AUTHORITY_HOST).toMatch(/https/);
    expect(byVariable.TEMPORAL_ADDRESS).toMatch(/host:port/);
    expect(byVariable.OPERATOR_API_KEY).toMatch(/24 characters/);
  });

  it('requires the external services for the production roles', () => {
    expect(
      problems({}, 'api')
        .map((p) => p.variable)
        .sort(),
    ).toEqual(['DATABASE_URL', 'TEMPORAL_ADDRESS']);
    expect(
      problems({}, 'worker')
        .map((p) => p.variable)
        .sort(),
    ).toEqual(['DATABASE_URL', 'TEMPORAL_ADDRESS']);
    expect(problems({}, 'migrate').map((p) => p.variable)).toEqual(['DATABASE_URL']);
  });

  it('checks that the Azure app identity is complete and unambiguous', () => {
    expect(problems({ AZURE_CLIENT_ID: 'a' }).map((p) => p.variable)).toEqual(['AZURE_CLIENT_SECRET']);
    expect(problems({ AZURE_CLIENT_SECRET: 's' }).map((p) => p.variable)).toEqual(['AZURE_CLIENT_ID']);
    const both = problems({
      AZURE_CLIENT_ID: 'a',
      AZURE_CLIENT_SECRET: 's',
      AZURE_CLIENT_CERTIFICATE_PATH: '/nonexistent.pem',
    });
    expect(both.map((p) => p.variable).sort()).toEqual([
      'AZURE_CLIENT_CERTIFICATE_PATH',
      'AZURE_CLIENT_CERTIFICATE_PATH',
    ]);
  });

  it('never puts a value into the message, only names and reasons', () => {
    const secret = 'super-secret-value';
    try {
      loadConfig({ OPERATOR_API_KEY: 'x', SESSION_SECRET: secret.slice(0, 10) }, 'start');
      throw new Error('expected failure');
    } catch (err) {
      expect((err as Error).message).toContain('SESSION_SECRET');
      expect((err as Error).message).not.toContain(secret.slice(0, 10));
    }
  });

  it('the command line prints the problems and exits non-zero', async () => {
    const { spawnSync } = await import('node:child_process');
    const result = spawnSync(process.execPath, ['bin/directory-sync.js', 'api'], {
      env: { PATH: process.env.PATH ?? '', PORT: '0' },
      encoding: 'utf8',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('DATABASE_URL: is required');
    expect(result.stderr).toContain('TEMPORAL_ADDRESS: is required');
    expect(result.stderr).toContain('PORT: must be between 1 and 65535');
  });
});
