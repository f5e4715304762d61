import { readFileSync } from 'node:fs';
import { Client, Connection, type ConnectionLike, type TLSConfig } from '@temporalio/client';
import protos from '@temporalio/proto';
import type { TemporalSecurity } from '../config.js';
import { searchAttributes } from './search-attributes.js';

/** What both the client `Connection` and the worker's `NativeConnection` are given to reach Temporal. */
export interface TemporalConnectionOptions {
  address: string;
  /** Absent: plain gRPC (the dev server, a cluster on a private network). */
  tls?: TLSConfig;
  apiKey?: string;
}

/**
 * TLS with our CA and/or an mTLS client pair from TEMPORAL_TLS_*, and Temporal Cloud's API key, which implies
 * TLS (with the system's CAs unless TEMPORAL_TLS_CA is set). The files were checked when the config was loaded.
 */
export function temporalConnectionOptions(address: string, security: TemporalSecurity = {}): TemporalConnectionOptions {
  const options: TemporalConnectionOptions = { address };
  if (security.tls || security.apiKey) {
    const tls: TLSConfig = {};
    if (security.tls?.caFile) tls.serverRootCACertificate = readFileSync(security.tls.caFile);
    if (security.tls?.certFile && security.tls.keyFile) {
      tls.clientCertPair = { crt: readFileSync(security.tls.certFile), key: readFileSync(security.tls.keyFile) };
    }
    options.tls = tls;
  }
  if (security.apiKey) options.apiKey = security.apiKey;
  return options;
}

/** For logs: how we connect, never the key or the files' content. */
export function describeTemporalConnection(options: TemporalConnectionOptions): Record<string, unknown> {
  return {
    address: options.address,
    tls: !!options.tls,
    mtls: !!options.tls?.clientCertPair,
    customCa: !!options.tls?.serverRootCACertificate,
    apiKey: options.apiKey ? 'set' : 'none',
  };
}

export async function connectClient(
  address: string,
  namespace: string,
  security: TemporalSecurity = {},
): Promise<Client> {
  const connection = await Connection.connect({
    ...temporalConnectionOptions(address, security),
    connectTimeout: '5s',
  });
  return new Client({ connection, namespace });
}

/** Polls until the Temporal frontend answers, or throws after `timeoutMs`. */
export async function waitForTemporal(address: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: '2s' });
      try {
        await connection.healthService.check({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(
    `Temporal at ${address} did not answer within ${Math.round(timeoutMs / 1000)} s: ${lastError instanceof Error ? lastError.message : String(lastError)}`,
  );
}

/**
 * Registers our search attributes on the namespace when missing. Needed even for the dev server: it only
 * registers --search-attribute flags when it creates a new database file.
 */
export async function ensureSearchAttributes(
  connection: Pick<ConnectionLike, 'operatorService'>,
  namespace: string,
): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const missing: Record<string, protos.temporal.api.enums.v1.IndexedValueType> = {};
  for (const key of searchAttributes) {
    if (!existing.customAttributes?.[key.name]) {
      missing[key.name] = protos.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
    }
  }
  if (Object.keys(missing).length === 0) return;
  await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
}

/** True when the Temporal frontend answers within the timeout. */
export async function pingTemporal(client: Client, timeoutMs = 2000): Promise<boolean> {
  try {
    await client.connection.withDeadline(Date.now() + timeoutMs, () => client.workflowService.getSystemInfo({}));
    return true;
  } catch {
    return false;
  }
}
