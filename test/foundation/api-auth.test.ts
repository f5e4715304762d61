import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/api/keys.js';
import { createTestApi, createTestCompany, type TestApi } from '../support/api.js';

describe('API key authentication', () => {
  let api: TestApi;
  let company: { company: { id: string }; key: string };

  beforeAll(async () => {
    api = await createTestApi();
    company = await createTestCompany(api.db);
  });
  afterAll(() => api?.close());

  it('rejects a request without a key with 401 and the JSON error shape', async () => {
    const res = await api.call('GET', '/api/v1/me');
    expect(res.status).toBe(401);
    const body = await res.json();
    expect(body.error.code).toBe('unauthorized');
    expect(body.error.message).toMatch(/Bearer/);
    expect(body.error.requestId).toBeTruthy();
  });

  it('rejects a malformed header and a wrong key with 401', async () => {
    const malformed = await api.call('GET', '/api/v1/me', { headers: { authorization: 'Basic abc' } });
    expect(malformed.status).toBe(401);
    const wrong = await api.call('GET', '/api/v1/me', { key: 'dsk_not-a-real-key' });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.code).toBe('invalid_api_key');
  });

  it('accepts a company key and the operator key, telling them apart', async () => {
    const asCompany = await api.call('GET', '/api/v1/me', { key: company.key });
    expect(asCompany.status).toBe(200);
    expect(await asCompany.json()).toEqual({ kind: 'company', companyId: company.company.id });
    const asOperator = await api.call('GET', '/api/v1/me', { key: api.operatorKey });
    expect(await asOperator.json()).toEqual({ kind: 'operator', companyId: null });
  });

  it('stores only a hash of a company key, and a revoked key stops working', async () => {
    const stored = await api.db
      .selectFrom('api_keys')
      .selectAll()
      .where('company_id', '=', company.company.id)
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.key_hash).toBe(hashApiKey(company.key));
    expect(JSON.stringify(stored)).not.toContain(company.key);
    await api.db
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('company_id', '=', company.company.id)
      .execute();
    expect((await api.call('GET', '/api/v1/me', { key: company.key })).status).toBe(401);
  });

  it('answers unknown routes with the same JSON error shape', async () => {
    const res = await api.call('GET', '/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('not_found');
  });

  it('publishes an OpenAPI document with the bearer scheme, and interactive docs', async () => {
    const doc = await (await api.call('GET', '/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/api/v1/me']));
    const docs = await api.call('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });
});
