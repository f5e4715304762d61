import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { pino } from 'pino';
import { redactedPaths } from '../../src/logger.js';
import { describeTemporalConnection, temporalConnectionOptions } from '../../src/temporal/connection.js';
import { testEnvironment } from '../support/context.js';

const apiKey = 'tcld-api-key-0123456789-secret-value';

function problems(env: Record<string, string>) {
  try {
    loadConfig({ DATABASE_URL: 'postgres://x@h/db', TEMPORAL_ADDRESS: 'temporal.example.com:7233', ...env }, 'worker');
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).not.toContain(apiKey);
    return (err as ConfigError).problems;
  }
}

describe('Temporal TLS, mTLS and API key (TEMPORAL_TLS_CA / _CERT / _KEY, TEMPORAL_API_KEY)', () => {
  let dir: string;
  let files: {
    ca: string;
    serverCert: string;
    serverKey: string;
    clientCert: string;
    clientKey: string;
    notPem: string;
  };
  let proxy: TlsServer;
  let proxyPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'temporal-tls-'));
    const caDir = path.dirname(testEnvironment().caFile);
    files = {
      ca: testEnvironment().caFile,
      serverCert: path.join(caDir, 'server.pem'),
      serverKey: path.join(caDir, 'server-key.pem'),
      clientCert: path.join(dir, 'client.pem'),
      clientKey: path.join(dir, 'client-key.pem'),
      notPem: path.join(dir, 'not-pem.txt'),
    };
    // A client certificate of its own (self-signed): the proxy trusts exactly it.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=directory-sync-worker',
        '-keyout',
        files.clientKey,
        '-out',
        files.clientCert,
      ],
      { stdio: 'ignore' },
    );
    writeFileSync(files.notPem, 'hello');

    // A TLS front for the dev server (which speaks plain gRPC only), as a load balancer or Temporal Cloud does:
    // HTTP/2 by ALPN, the simulator CA's certificate for 127.0.0.1, and a client certificate required (mTLS).
    const [host, port] = testEnvironment().temporalAddress.split(':') as [string, string];
    proxy = createTlsServer(
      {
        cert: readFileSync(files.serverCert),
        key: readFileSync(files.serverKey),
        ca: [readFileSync(files.clientCert)],
        requestCert: true,
        rejectUnauthorized: true,
        ALPNProtocols: ['h2'],
      },
      (socket) => {
        const upstream = netConnect(Number(port), host);
        socket.pipe(upstream).pipe(socket);
        socket.on('error', () => upstream.destroy());
        upstream.on('error', () => socket.destroy());
      },
    );
    proxyPort = await new Promise<number>((resolve) =>
      proxy.listen(0, '127.0.0.1', () => resolve((proxy.address() as { port: number }).port)),
    );
  });
  afterAll(() => {
    proxy?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a certificate without its key (and the reverse), missing files and files that are not PEM', () => {
    expect(problems({ TEMPORAL_TLS_CERT: files.clientCert })).toEqual([
      { variable: 'TEMPORAL_TLS_KEY', reason: expect.stringMatching(/set both or neither/) },
    ]);
    expect(problems({ TEMPORAL_TLS_KEY: files.clientKey }).map((p) => p.variable)).toEqual(['TEMPORAL_TLS_CERT']);
    const wrong = problems({
      TEMPORAL_TLS_CA: path.join(dir, 'missing.pem'),
      TEMPORAL_TLS_CERT: files.notPem,
      TEMPORAL_TLS_KEY: files.clientCert,
      TEMPORAL_API_KEY: apiKey,
    });
    const byVariable = Object.fromEntries(wrong.map((p) => [p.variable, p.reason]));
    expect(byVariable.TEMPORAL_TLS_CA).toMatch(/no file at .*missing\.pem/);
    expect(byVariable.TEMPORAL_TLS_CERT).toMatch(/not a PEM file with a certificate/);
    expect(byVariable.TEMPORAL_TLS_KEY).toMatch(/not a PEM file with a private key/);
    expect(JSON.stringify(wrong)).not.toContain(readFileSync(files.clientKey, 'utf8').slice(40, 80));
    expect(
      problems({
        TEMPORAL_TLS_CA: files.ca,
        TEMPORAL_TLS_CERT: files.clientCert,
        TEMPORAL_TLS_KEY: files.clientKey,
        TEMPORAL_API_KEY: apiKey,
      }),
    ).toEqual([]);
  });

  it('builds the same options for Connection and NativeConnection: TLS with CA and client pair, and the API key', () => {
    const none = loadConfig({ TEMPORAL_ADDRESS: 'h:1' }, 'start');
    expect(temporalConnectionOptions('h:1', none.temporal)).toEqual({ address: 'h:1' });

    const cloud = loadConfig({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: apiKey }, 'start');
    expect(temporalConnectionOptions('ns.acct.tmprl.cloud:7233', cloud.temporal)).toEqual({
      address: 'ns.acct.tmprl.cloud:7233',
      tls: {},
      apiKey,
    });

    const mtls = loadConfig(
      {
        TEMPORAL_ADDRESS: 'h:1',
        TEMPORAL_TLS_CA: files.ca,
        TEMPORAL_TLS_CERT: files.clientCert,
        TEMPORAL_TLS_KEY: files.clientKey,
      },
      'start',
    );
    const options = temporalConnectionOptions('h:1', mtls.temporal);
    expect(Buffer.from(options.tls!.serverRootCACertificate!).toString()).toBe(readFileSync(files.ca, 'utf8'));
    expect(Buffer.from(options.tls!.clientCertPair!.crt).toString()).toBe(readFileSync(files.clientCert, 'utf8'));
    expect(Buffer.from(options.tls!.clientCertPair!.key).toString()).toBe(readFileSync(files.clientKey, 'utf8'));
    expect(options.apiKey).toBeUndefined();
  });

  it('never logs the API key: the connection description and the logger’s redaction', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'h:1', TEMPORAL_API_KEY: apiKey }, 'start');
    const lines: string[] = [];
    const logger = pino(
      { level: 'info', redact: { paths: redactedPaths, censor: '[redacted]' } },
      new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) }),
    );
    const options = temporalConnectionOptions('h:1', config.temporal);
    logger.info(describeTemporalConnection(options), 'connecting to Temporal');
    logger.info({ temporal: config.temporal }, 'config');
    logger.info(options, 'options');
    expect(lines.join('')).toContain('connecting to Temporal');
    expect(lines.join('')).not.toContain(apiKey);
    expect(describeTemporalConnection(options)).toEqual({
      address: 'h:1',
      tls: true,
      mtls: false,
      customCa: false,
      apiKey: 'set',
    });
  });

  it('connects the client Connection and the worker NativeConnection over mTLS; without the client pair it is refused', async () => {
    const config = loadConfig(
      {
        TEMPORAL_ADDRESS: `127.0.0.1:${proxyPort}`,
        TEMPORAL_TLS_CA: files.ca,
        TEMPORAL_TLS_CERT: files.clientCert,
        TEMPORAL_TLS_KEY: files.clientKey,
        TEMPORAL_API_KEY: apiKey,
      },
      'start',
    );
    const options = temporalConnectionOptions(config.temporal.address!, config.temporal);

    const client = await Connection.connect({ ...options, connectTimeout: '5s' });
    try {
      const info = await client.workflowService.getSystemInfo({});
      expect(info.serverVersion).toBeTruthy();
    } finally {
      await client.close();
    }
    const native = await NativeConnection.connect(options);
    try {
      const info = await native.workflowService.getSystemInfo({});
      expect(info.serverVersion).toBeTruthy();
    } finally {
      await native.close();
    }

    const withoutPair = temporalConnectionOptions(config.temporal.address!, { tls: { caFile: files.ca } });
    await expect(
      (async () => {
        const c = await Connection.connect({ ...withoutPair, connectTimeout: '2s' });
        try {
          await c.withDeadline(Date.now() + 2000, () => c.workflowService.getSystemInfo({}));
        } finally {
          await c.close();
        }
      })(),
    ).rejects.toThrow();
    // Plain gRPC to a TLS endpoint does not get through either.
    await expect(NativeConnection.connect({ address: config.temporal.address! })).rejects.toThrow();
  });
});
