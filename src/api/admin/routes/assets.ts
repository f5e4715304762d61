import { readFileSync } from 'node:fs';
import type { Hono } from 'hono';
import type { AdminEnv } from '../env.js';

/** The pages' stylesheet and progress script, read once: files of our own, so the CSP can forbid inline code. */
// A Map, not an object: a name like `constructor` must not find Object.prototype's properties.
const assets = new Map<string, { type: string; body: string }>([
  [
    'admin.css',
    { type: 'text/css; charset=utf-8', body: readFileSync(new URL('../assets/admin.css', import.meta.url), 'utf8') },
  ],
  [
    'run-progress.js',
    {
      type: 'text/javascript; charset=utf-8',
      body: readFileSync(new URL('../assets/run-progress.js', import.meta.url), 'utf8'),
    },
  ],
]);

export function registerAssets(admin: Hono<AdminEnv>): void {
  admin.get('/assets/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) return c.text('not found', 404);
    return c.body(asset.body, 200, {
      'Content-Type': asset.type,
      'Cache-Control': 'public, max-age=300',
      'X-Content-Type-Options': 'nosniff',
    });
  });
}
