import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Skip and delta tokens: the state a next page needs, signed so a client cannot forge or edit one
 * (Graph's tokens are opaque too; clients must follow the links verbatim).
 */
export class OpaqueTokenCodec {
  constructor(private readonly secret: Buffer = randomBytes(32)) {}

  encode(payload: object): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  decode<T>(token: string): T | null {
    const [body, signature] = token.split('.');
    if (!body || !signature) return null;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
    } catch {
      return null;
    }
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest().subarray(0, 16).toString('base64url');
  }
}
