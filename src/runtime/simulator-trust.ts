import { spawn } from 'node:child_process';
import { defaultCaDir, ensureCertificateAuthority } from '../simulator/ca.js';

/**
 * Commands that run our service against the HTTPS simulator in one process (demo, bench) need Node to trust
 * the simulator's CA, and Node reads NODE_EXTRA_CA_CERTS only at start. So: make sure the CA exists, and if
 * this process was not started trusting it, run the same command again as a child that is, and wait for it.
 * Returns 'child' when the caller should stop (the child did the work), 'ready' when it may go on.
 */
export async function runTrustingSimulatorCa(): Promise<'ready' | 'child'> {
  const { caFile } = await ensureCertificateAuthority(defaultCaDir);
  if (process.env.NODE_EXTRA_CA_CERTS === caFile) return 'ready';
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
  });
  // Ctrl-C reaches the child too (same process group); a signal sent to this process alone is passed on. The
  // child takes the copies as one request (onShutdownSignal), shuts down in order, and this process waits for it.
  const forward = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise<number>((resolve) =>
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0))),
  );
  process.exitCode = code;
  return 'child';
}
