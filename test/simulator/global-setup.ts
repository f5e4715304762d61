import { defaultCaDir, ensureCertificateAuthority } from '../../src/simulator/ca.js';

/**
 * For the simulator's own test config: create the CA before vitest forks the test processes and trust it
 * through NODE_EXTRA_CA_CERTS, which Node reads only at process start (the forks inherit it).
 * Does what the project's test/global-setup.ts does for the CA, without Temporal and Postgres.
 */
export default async function setup(): Promise<void> {
  const ca = await ensureCertificateAuthority(defaultCaDir);
  process.env.NODE_EXTRA_CA_CERTS = ca.caFile;
}
