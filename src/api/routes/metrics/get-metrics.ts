import type { App } from '../../context.js';
import { ApiError } from '../../errors.js';
import { metricsContentType, metricsText, scrapeAllowed } from '../../../metrics/exposition.js';

/**
 * GET /metrics (Prometheus text format): this process's counters and the gauges computed from Postgres. Not
 * public: a scrape sends `Authorization: Bearer <METRICS_TOKEN>` (or the operator key). Company keys get 403.
 */
export function registerGetMetrics(app: App): void {
  app.get('/metrics', async (c) => {
    const { config, db, logger } = c.get('deps');
    const header = c.req.header('authorization');
    if (!header)
      throw new ApiError(401, 'unauthorized', 'send "Authorization: Bearer <METRICS_TOKEN>" (or the operator key)');
    if (!scrapeAllowed(header, [config.metrics.token, config.operatorApiKey])) {
      throw new ApiError(403, 'forbidden', 'metrics need METRICS_TOKEN or the operator key');
    }
    const text = await metricsText({ db, logger });
    return c.body(text, 200, { 'content-type': metricsContentType, 'cache-control': 'no-store' });
  });
}
