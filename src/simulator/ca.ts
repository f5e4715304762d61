import { generateKeyPair, randomBytes, X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import forge from 'node-forge';

/** Where the CA lives unless told otherwise: under the git-ignored `.data/` of this checkout. */
export const defaultCaDir = fileURLToPath(new URL('../../.data/simulator-ca/', import.meta.url));

export interface CertificateAuthorityFiles {
  /** The CA certificate to trust (NODE_EXTRA_CA_CERTS). */
  caFile: string;
  /** The server certificate for localhost, 127.0.0.1 and ::1, signed by the CA. */
  certFile: string;
  keyFile: string;
}

const dayMs = 24 * 60 * 60 * 1000;
/** Renew the server certificate this long before it expires, so a long test run never sees it lapse. */
const renewBeforeMs = 30 * dayMs;
const serverNames = { dns: ['localhost'], ips: ['127.0.0.1', '::1'] };

/**
 * Creates, once, a private CA (10 years) and a server certificate for the local host signed by it, and
 * reuses them while they are valid. Several processes may call this at once (test workers, a benchmark):
 * a lock file makes one of them write and the others read its result.
 */
export async function ensureCertificateAuthority(dir: string): Promise<CertificateAuthorityFiles> {
  const files: CertificateAuthorityFiles = {
    caFile: join(dir, 'ca.pem'),
    certFile: join(dir, 'server.pem'),
    keyFile: join(dir, 'server-key.pem'),
  };
  if (await isUsable(files)) return files;
  await mkdir(dir, { recursive: true });
  const release = await lock(join(dir, '.lock'));
  try {
    if (!(await isUsable(files))) await create(files);
  } finally {
    await release();
  }
  return files;
}

async function isUsable(files: CertificateAuthorityFiles): Promise<boolean> {
  try {
    const [caPem, certPem, keyPem] = await Promise.all([
      readFile(files.caFile),
      readFile(files.certFile),
      readFile(files.keyFile),
    ]);
    const ca = new X509Certificate(caPem);
    const server = new X509Certificate(certPem);
    const now = Date.now();
    return (
      ca.ca &&
      server.verify(ca.publicKey) &&
      server.checkPrivateKey(createPrivateKey(keyPem)) &&
      Date.parse(ca.validTo) - now > renewBeforeMs &&
      Date.parse(server.validTo) - now > renewBeforeMs &&
      serverNames.dns.every((name) => server.checkHost(name) !== undefined) &&
      serverNames.ips.every((ip) => server.checkIP(ip) !== undefined)
    );
  } catch {
    return false;
  }
}

async function lock(path: string): Promise<() => Promise<void>> {
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.close();
      return () => unlink(path).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock older than a minute belongs to a process that died while writing.
      const age = await stat(path).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > 60_000) await unlink(path).catch(() => undefined);
      if (attempt > 600) throw new Error(`could not lock ${path}`);
      await sleep(100);
    }
  }
}

/** RSA keys from Node's crypto (fast, native); node-forge only builds and signs the X.509 structures. */
async function rsaKeyPair(): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] as number) & 0x7f; // positive
  return bytes.toString('hex');
}

async function create(files: CertificateAuthorityFiles): Promise<void> {
  const [caKeys, serverKeys] = await Promise.all([rsaKeyPair(), rsaKeyPair()]);
  const caKey = forge.pki.privateKeyFromPem(caKeys.privateKeyPem);
  const now = new Date();

  const ca = forge.pki.createCertificate();
  ca.publicKey = forge.pki.publicKeyFromPem(caKeys.publicKeyPem);
  ca.serialNumber = serialNumber();
  ca.validity.notBefore = new Date(now.getTime() - dayMs);
  ca.validity.notAfter = new Date(now.getTime() + 3650 * dayMs);
  const caSubject = [
    { name: 'commonName', value: 'directory-sync simulator CA' },
    { name: 'organizationName', value: 'directory-sync (local testing only)' },
  ];
  ca.setSubject(caSubject);
  ca.setIssuer(caSubject);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKey, forge.md.sha256.create());

  const server = forge.pki.createCertificate();
  server.publicKey = forge.pki.publicKeyFromPem(serverKeys.publicKeyPem);
  server.serialNumber = serialNumber();
  server.validity.notBefore = new Date(now.getTime() - dayMs);
  server.validity.notAfter = new Date(now.getTime() + 825 * dayMs);
  server.setSubject([{ name: 'commonName', value: 'localhost' }]);
  server.setIssuer(caSubject);
  server.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...serverNames.dns.map((value) => ({ type: 2, value })),
        ...serverNames.ips.map((ip) => ({ type: 7, ip })),
      ],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  server.sign(caKey, forge.md.sha256.create());

  // Write each file beside its final name and rename: readers never see half a PEM.
  const write = async (path: string, content: string, mode: number) => {
    const temporary = `${path}.${process.pid}.tmp`;
    await writeFile(temporary, content, { mode });
    await rename(temporary, path);
  };
  await write(files.keyFile, serverKeys.privateKeyPem, 0o600);
  await write(files.certFile, forge.pki.certificateToPem(server), 0o644);
  await write(files.caFile, forge.pki.certificateToPem(ca), 0o644);
}
