import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { ensureCertificateAuthority } from '../../src/simulator/ca.js';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'sim-ca-')), 'ca');

describe('ensureCertificateAuthority', () => {
  it('creates a 10-year CA and a localhost server certificate signed by it', async () => {
    const files = await ensureCertificateAuthority(fresh());
    const ca = new X509Certificate(readFileSync(files.caFile));
    const server = new X509Certificate(readFileSync(files.certFile));
    expect(ca.ca).toBe(true);
    expect(Date.parse(ca.validTo) - Date.now()).toBeGreaterThan(9.9 * 365 * 86_400_000);
    expect(server.ca).toBe(false);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.subjectAltName).toContain('DNS:localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkIP('::1')).toBeDefined();
  });

  it('reuses valid files and replaces broken ones', async () => {
    const dir = fresh();
    const first = await ensureCertificateAuthority(dir);
    const pem = readFileSync(first.caFile, 'utf8');
    await ensureCertificateAuthority(dir);
    expect(readFileSync(first.caFile, 'utf8')).toBe(pem);
    writeFileSync(first.keyFile, 'not a key');
    await ensureCertificateAuthority(dir);
    expect(readFileSync(first.caFile, 'utf8')).not.toBe(pem);
    expect(
      new X509Certificate(readFileSync(first.certFile)).verify(
        new X509Certificate(readFileSync(first.caFile)).publicKey,
      ),
    ).toBe(true);
  });

  it('gives concurrent callers one and the same CA', async () => {
    const dir = fresh();
    const results = await Promise.all([1, 2, 3].map(() => ensureCertificateAuthority(dir)));
    const pems = results.map((r) => readFileSync(r.caFile, 'utf8'));
    expect(new Set(pems).size).toBe(1);
  });

  it('a TLS client that trusts the CA accepts the server for 127.0.0.1 and localhost', async () => {
    const files = await ensureCertificateAuthority(fresh());
    const server = createServer({ key: readFileSync(files.keyFile), cert: readFileSync(files.certFile) }, (_req, res) =>
      res.end('ok'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (const servername of ['localhost', undefined]) {
        const authorized = await new Promise<boolean>((resolve, reject) => {
          const socket = tlsConnect({ host: '127.0.0.1', port, ca: readFileSync(files.caFile), servername }, () => {
            resolve(socket.authorized);
            socket.end();
          });
          socket.on('error', reject);
        });
        expect(authorized).toBe(true);
      }
    } finally {
      server.close();
    }
  });
});
