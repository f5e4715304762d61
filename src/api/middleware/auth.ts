import type { MiddlewareHandler } from 'hono';
import { findActiveApiKeyByHash } from '../../db/repositories/api-keys.js';
import type { AppEnv, Principal } from '../context.js';
import { ApiError } from '../errors.js';
import { hashApiKey, keysEqual } from '../keys.js';

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Resolves `Authorization: Bearer <key>` to the operator or a company; anything else is 401. */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header('authorization');
  const key = bearerToken(header);
  if (!key) {
    throw new ApiError(
      401,
      'unauthorized',
      header
        ? 'the Authorization header must be "Bearer <api key>"'
        : 'an API key is required: send "Authorization: Bearer <api key>"',
    );
  }
  const { config, db } = c.get('deps');
  let principal: Principal | undefined;
  if (config.operatorApiKey && keysEqual(key, config.operatorApiKey)) {
    principal = { kind: 'operator' };
  } else {
    const row = await findActiveApiKeyByHash(db, hashApiKey(key));
    if (row) principal = { kind: 'company', companyId: row.company_id, apiKeyId: row.id };
  }
  if (!principal) throw new ApiError(401, 'invalid_api_key', 'the API key is not valid or has been revoked');
  c.set('principal', principal);
  await next();
};

export function requireOperator(principal: Principal): void {
  if (principal.kind !== 'operator') throw new ApiError(403, 'forbidden', 'this needs the operator API key');
}

/** The company the caller acts for; the operator may act for any company by id where a route allows it. */
export function requireCompany(principal: Principal): string {
  if (principal.kind !== 'company') throw new ApiError(403, 'forbidden', 'this needs a company API key');
  return principal.companyId;
}
