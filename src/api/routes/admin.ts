import { createAdminPages } from '../admin/app.js';
import type { App } from '../context.js';

/** The server-rendered admin pages under /admin (src/api/admin); not part of the JSON API or its OpenAPI document. */
export function registerAdminPages(app: App): void {
  app.route('/admin', createAdminPages());
}
