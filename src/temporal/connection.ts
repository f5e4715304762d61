import { Client, Connection, type ConnectionLike } from '@temporalio/client';
import protos from '@temporalio/proto';
import { searchAttributes } from './search-attributes.js';

export async function connectClient(address: string, namespace: string): Promise<Client> {
  const connection = await Connection.connect({ address, connectTimeout: '5s' });
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
  throw new Error(`Temporal at ${address} did not answer within ${Math.round(timeoutMs / 1000)} s: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}

/**
 * Registers our search attributes on the namespace when missing. Needed even for the dev server: it only
 * registers --search-attribute flags when it creates a new database file.
 */
export async function ensureSearchAttributes(connection: Pick<ConnectionLike, 'operatorService'>, namespace: string): Promise<void> {
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
