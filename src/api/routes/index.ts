import type { App } from '../context.js';
import { registerHealthRoutes } from './health.js';
import { registerMeRoute } from './me.js';

/** Every route module, in the order they appear in the OpenAPI document. */
export function registerRoutes(app: App): void {
  registerHealthRoutes(app);
  registerMeRoute(app);
}
