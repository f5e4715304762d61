import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, type RunningApi } from '../../src/runtime/services.js';
import { createTestApi, createTestCompany, type TestApi } from '../support/api.js';

/**
 * Sends `total` bytes in 64 KB chunks, pausing between chunks, and reports when the answer came relative to the
 * last byte sent. With `chunked`, no Content-Length is sent (Transfer-Encoding: chunked).
 */
function slowPost(url: string, path: string, total: number, options: { chunked: boolean; contentType: string }) {
  return new Promise<{ status: number; body: string; answeredBeforeDone: boolean; bytesSent: number }>(
    (resolve, reject) => {
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      let answered = false;
      const req = httpRequest(`${url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': options.contentType,
          ...(options.chunked ? {} : { 'content-length': String(total) }),
        },
      });
      req.on('response', (res) => {
        answered = true;
        const answeredBeforeDone = sent < total;
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            body: Buffer.concat(parts).toString('utf8'),
            answeredBeforeDone,
            bytesSent: sent,
          }),
        );
      });
      req.on('error', (err) => (answered ? undefined : reject(err)));
      const pump = () => {
        if (answered || req.destroyed) return;
        if (sent >= total) return void req.end();
        sent += chunk.length;
        req.write(chunk, () => setTimeout(pump, 1));
      };
      pump();
    },
  );
}

describe('request hardening: body limits, error codes, caching of secrets, assets, docs', () => {
  let api: TestApi;
  let server: RunningApi;

  beforeAll(async () => {
    api = await createTestApi();
    server = await startApiServer({
      config: api.config,
      db: api.db,
      temporal: api.temporal,
      logger: (await import('../support/context.js')).testLogger(),
      port: 0,
    });
  });
  afterAll(async () => {
    await server?.close();
    await api?.close();
  });

  it('refuses a 60 MB unauthenticated POST to /admin/sign-in with 413 before the client has sent it, without buffering', async () => {
    const before = process.memoryUsage().rss;
    for (const chunked of [false, true]) {
      const result = await slowPost(server.url, '/admin/sign-in', 60 * 1024 * 1024, {
        chunked,
        contentType: 'application/x-www-form-urlencoded',
      });
      expect(result.status, `chunked=${chunked}`).toBe(413);
      expect(result.answeredBeforeDone, `chunked=${chunked}`).toBe(true);
      expect(result.bytesSent).toBeLessThan(10 * 1024 * 1024);
    }
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('refuses a JSON body over 1 MB to the API with 413 payload_too_large in the error shape, chunked too', async () => {
    for (const chunked of [false, true]) {
      const result = await slowPost(server.url, '/api/v1/companies', 3 * 1024 * 1024, {
        chunked,
        contentType: 'application/json',
      });
      expect(result.status).toBe(413);
      const body = JSON.parse(result.body);
      expect(body.error.code).toBe('payload_too_large');
      expect(body.error.message).toMatch(/1 MB/);
      expect(body.error.requestId).toBeTruthy();
    }
    // A normal body still works.
    const ok = await api.call('POST', '/api/v1/companies', { key: api.operatorKey, body: { name: 'Small body' } });
    expect(ok.status).toBe(201);
  });

  it('refuses an admin form over 64 KB, and accepts a small one', async () => {
    const big = await api.app.request('/admin/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `apiKey=${'x'.repeat(70 * 1024)}`,
    });
    expect(big.status).toBe(413);
    const small = await api.app.request('/admin/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'apiKey=x',
    });
    expect(small.status).toBe(403); // no CSRF token: refused by the CSRF check, not the limit
  });

  it('answers a body that is not JSON with 415 unsupported_media_type or 400, never internal_error', async () => {
    const res = await api.call('POST', '/api/v1/companies', {
      key: api.operatorKey,
      headers: { 'content-type': 'text/plain' },
    });
    const text = await api.app.request('/api/v1/companies', {
      method: 'POST',
      headers: { authorization: `Bearer ${api.operatorKey}`, 'content-type': 'text/plain' },
      body: 'name=x',
    });
    for (const r of [res, text]) {
      expect([400, 415]).toContain(r.status);
      const body = await r.json();
      expect(body.error.code).not.toBe('internal_error');
      if (r.status === 415) expect(body.error.code).toBe('unsupported_media_type');
    }
  });

  it('answers an asset named like an Object.prototype property with 404, not 500', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const res = await api.app.request(`/admin/assets/${name}`);
      expect(res.status, name).toBe(404);
    }
    expect((await api.app.request('/admin/assets/admin.css')).status).toBe(200);
  });

  it('marks a response carrying a new API key Cache-Control: no-store', async () => {
    const { company } = await createTestCompany(api.db);
    const res = await api.call('POST', `/api/v1/companies/${company.id}/api-keys`, {
      key: api.operatorKey,
      body: { name: 'ci' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('serves Swagger UI at /docs from the installed package, with no CDN', async () => {
    const page = await (await api.app.request('/docs')).text();
    expect(page).not.toMatch(/https?:\/\/(cdn|unpkg|jsdelivr)/i);
    const scripts = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      expect(src.startsWith('/docs/')).toBe(true);
      const asset = await api.app.request(src);
      expect(asset.status, src).toBe(200);
      const text = await asset.text();
      if (src.endsWith('start.js')) expect(text).toContain("url: '/openapi.json'");
      else expect(text.length).toBeGreaterThan(1000);
    }
    expect(scripts).toContain('/docs/swagger-ui-bundle.js');
  });
});
