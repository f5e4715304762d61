import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { App } from './context.js';

/**
 * Swagger UI at /docs, served from the installed swagger-ui-dist package: no CDN, nothing fetched from the
 * internet by the browser, and no inline script (the page's own start-up code is a file too).
 */
const require = createRequire(import.meta.url);
const dist = (file: string) => readFileSync(require.resolve(`swagger-ui-dist/${file}`), 'utf8');

const files = new Map<string, { type: string; body: string }>([
  ['swagger-ui.css', { type: 'text/css; charset=utf-8', body: dist('swagger-ui.css') }],
  ['swagger-ui-bundle.js', { type: 'text/javascript; charset=utf-8', body: dist('swagger-ui-bundle.js') }],
  [
    'start.js',
    {
      type: 'text/javascript; charset=utf-8',
      body: "window.onload = () => { window.ui = SwaggerUIBundle({ dom_id: '#swagger-ui', url: '/openapi.json' }); };\n",
    },
  ],
]);

const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>directory-sync API</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/start.js"></script>
  </body>
</html>
`;

export function registerDocs(app: App): void {
  app.get('/docs', (c) => c.html(page));
  app.get('/docs/:file', (c) => {
    const file = files.get(c.req.param('file'));
    if (!file) return c.notFound();
    return c.body(file.body, 200, { 'Content-Type': file.type, 'Cache-Control': 'public, max-age=3600' });
  });
}
