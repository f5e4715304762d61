import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from '../db/database.js';
import type { Logger } from '../logger.js';
import { keysEqual } from '../crypto/constant-time.js';
import { dbGaugeMetrics } from './db-gauges.js';
import { metricsRegistry } from './registry.js';

export const metricsContentType = metricsRegistry.contentType;

/** Whether a scrape may read the metrics: `Authorization: Bearer <token>` with one of the accepted tokens. */
export function scrapeAllowed(header: string | undefined, tokens: (string | undefined)[]): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return false;
  return tokens.some((t) => t !== undefined && keysEqual(match[1]!, t));
}

/** The SDK's own exporter (bound to TEMPORAL_METRICS_ADDRESS), fetched so one scrape of the worker has it all. */
async function temporalSdkMetrics(address: string | undefined, logger: Logger): Promise<string> {
  if (!address) return '';
  try {
    const response = await fetch(`http://${address}/metrics`, { signal: AbortSignal.timeout(2000) });
    return response.ok ? await response.text() : '';
  } catch (err) {
    logger.debug({ err, address }, 'the Temporal SDK metrics exporter did not answer');
    return '';
  }
}

/** What a scrape returns: this process's counters, then (when given) the Postgres gauges and the SDK's metrics. */
export async function metricsText(options: { db?: Db; temporalAddress?: string; logger: Logger }): Promise<string> {
  const parts = [await metricsRegistry.metrics()];
  if (options.db) parts.push(await dbGaugeMetrics(options.db));
  parts.push(await temporalSdkMetrics(options.temporalAddress, options.logger));
  return parts
    .filter((p) => p.trim() !== '')
    .map((p) => (p.endsWith('\n') ? p : `${p}\n`))
    .join('');
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * A worker's /metrics on METRICS_PORT (a port of its own, not the API's). With METRICS_TOKEN set a scrape must
 * send it as a bearer token; without, the port should only be reachable from the monitoring network.
 */
export async function startMetricsServer(options: {
  port: number;
  host: string;
  token?: string;
  db?: Db;
  temporalAddress?: string;
  logger: Logger;
}): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: scrape GET /metrics\n');
      return;
    }
    if (options.token && !scrapeAllowed(req.headers.authorization, [options.token])) {
      res.writeHead(401, { 'content-type': 'text/plain' }).end('send Authorization: Bearer <METRICS_TOKEN>\n');
      return;
    }
    metricsText(options).then(
      (text) => res.writeHead(200, { 'content-type': metricsContentType }).end(text),
      (err) => {
        options.logger.error({ err }, 'metrics scrape failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed; see the worker log\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
