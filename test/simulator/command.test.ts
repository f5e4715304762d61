import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/commands/simulator.js';

const bin = fileURLToPath(new URL('../../bin/directory-sync.js', import.meta.url));

describe('directory-sync simulator', () => {
  it('refuses a bad flag or value with a clear message', async () => {
    await expect(run(['--frobnicate'])).rejects.toThrow(
      /Unknown option '--frobnicate'[\s\S]*usage: directory-sync simulator/,
    );
    await expect(run(['--users', 'many'])).rejects.toThrow(/--users must be a whole number/);
    await expect(run(['--port', '70000'])).rejects.toThrow(/--port must be a port number/);
  });

  it('prints the URL, the CA and the environment to copy, serves, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'simulator', '--port', '0', '--users', '25', '--seed', 'cli'], {
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    await expect.poll(() => output, { timeout: 30_000 }).toContain('Control API');
    const env = Object.fromEntries([...output.matchAll(/^\s+([A-Z_]+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
    expect(Object.keys(env)).toEqual([
      'AZURE_AUTHORITY_HOST',
      'GRAPH_BASE_URL',
      'NODE_EXTRA_CA_CERTS',
      'AZURE_CLIENT_ID',
      'AZURE_CLIENT_SECRET',
    ]);
    expect(env.AZURE_AUTHORITY_HOST).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(output).toMatch(/All Staff \(25 users\)/);
    const tenantId = /Demo tenant: Contoso\s+id (\S+)/.exec(output)![1];
    const discovery = await fetch(`${env.AZURE_AUTHORITY_HOST}/${tenantId}/v2.0/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 60_000);
});
