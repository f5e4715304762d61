import { createPublicKey, generateKeyPair, randomUUID, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { decodeJwt, signJwt, verifyJwtSignature } from './jwt.js';

export const graphResource = 'https://graph.microsoft.com';
/** Scopes the token endpoint accepts for Graph (the resource URI or Graph's well-known app id). */
export const graphDefaultScopes = new Set([
  `${graphResource}/.default`,
  '00000003-0000-0000-c000-000000000000/.default',
]);

export interface AccessTokenClaims {
  tid: string;
  appid: string;
  roles: string[];
  /** Real-time seconds, like every client that caches the token. */
  iat: number;
  exp: number;
}

export type TokenCheck =
  { ok: true; claims: AccessTokenClaims } | { ok: false; reason: 'malformed' | 'invalid' | 'expired' };

/**
 * Signs app-only access tokens as Entra does (RS256 JWT naming tenant, app, roles, issue and expiry
 * time) and checks them for the Graph side. The key lives as long as the simulator process.
 */
export class AccessTokenIssuer {
  private constructor(
    private readonly privateKey: KeyObject,
    private readonly publicKey: KeyObject,
    private readonly keyId: string,
  ) {}

  static async create(): Promise<AccessTokenIssuer> {
    const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
    return new AccessTokenIssuer(privateKey, createPublicKey(privateKey), randomUUID().replace(/-/g, '').slice(0, 27));
  }

  issue(input: {
    tenantId: string;
    clientId: string;
    appDisplayName: string;
    roles: string[];
    lifetimeSeconds: number;
  }): string {
    const iat = Math.floor(Date.now() / 1000);
    return signJwt(
      { kid: this.keyId, x5t: this.keyId },
      {
        aud: graphResource,
        iss: `https://sts.windows.net/${input.tenantId}/`,
        iat,
        nbf: iat,
        exp: iat + input.lifetimeSeconds,
        app_displayname: input.appDisplayName,
        appid: input.clientId,
        appidacr: '1',
        idp: `https://sts.windows.net/${input.tenantId}/`,
        idtyp: 'app',
        roles: input.roles,
        sub: input.clientId,
        tid: input.tenantId,
        uti: randomUUID(),
        ver: '1.0',
      },
      this.privateKey,
    );
  }

  /** Signs any token payload with the key the JWKS publishes (ID tokens, delegated access tokens). */
  sign(payload: Record<string, unknown>): string {
    return signJwt({ kid: this.keyId }, payload, this.privateKey);
  }

  /** A token this issuer signed, unexpired: its claims (for delegated Graph calls), or null. */
  verified(token: string): Record<string, unknown> | null {
    const jwt = decodeJwt(token);
    if (!jwt || !verifyJwtSignature(jwt, this.publicKey)) return null;
    const exp = jwt.payload.exp;
    return typeof exp === 'number' && exp * 1000 > Date.now() ? jwt.payload : null;
  }

  check(token: string): TokenCheck {
    const jwt = decodeJwt(token);
    if (!jwt) return { ok: false, reason: 'malformed' };
    const { tid, appid, roles, iat, exp, aud } = jwt.payload;
    if (
      !verifyJwtSignature(jwt, this.publicKey) ||
      aud !== graphResource ||
      typeof tid !== 'string' ||
      typeof appid !== 'string'
    ) {
      return { ok: false, reason: 'invalid' };
    }
    if (typeof exp !== 'number' || exp * 1000 <= Date.now()) return { ok: false, reason: 'expired' };
    return {
      ok: true,
      claims: { tid, appid, roles: Array.isArray(roles) ? roles.map(String) : [], iat: Number(iat), exp },
    };
  }

  jwks(): { keys: object[] } {
    return {
      keys: [{ kty: 'RSA', use: 'sig', kid: this.keyId, x5t: this.keyId, ...this.publicKey.export({ format: 'jwk' }) }],
    };
  }
}
