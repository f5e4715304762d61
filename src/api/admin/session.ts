import { randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import type { CookieOptions } from 'hono/utils/cookie';
import type { AdminEnv, AdminSession } from './env.js';
import { csrfTokenFor } from './csrf.js';
import { renderMessage } from './render.js';

/**
 * The admin session lives in one cookie, HMAC-signed with SESSION_SECRET (hono's signed cookies): a tampered
 * value fails the signature and counts as no session. It holds ids only, never the API key. SameSite=Lax,
 * because the consent callback brings the admin back from Microsoft as a top-level GET, which Lax allows.
 * A signed-in session is also recorded in admin_sessions (see requireSignedIn), so sign-out ends it on the
 * server and a copied cookie stops working with it.
 */
const sessionCookie = 'ds_admin_session';
export const sessionLifetimeMs = 12 * 60 * 60 * 1000;

export function newSession(identity?: { keyId: string; companyId: string }): AdminSession {
  return {
    sid: randomBytes(18).toString('base64url'),
    keyId: identity?.keyId ?? null,
    companyId: identity?.companyId ?? null,
    issuedAt: Date.now(),
  };
}

function encode(session: AdminSession): string {
  return Buffer.from(JSON.stringify(session)).toString('base64url');
}

function decode(value: string): AdminSession | undefined {
  try {
    const s = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<AdminSession>;
    if (typeof s.sid !== 'string' || typeof s.issuedAt !== 'number') return undefined;
    return {
      sid: s.sid,
      keyId: typeof s.keyId === 'string' ? s.keyId : null,
      companyId: typeof s.companyId === 'string' ? s.companyId : null,
      issuedAt: s.issuedAt,
    };
  } catch {
    return undefined;
  }
}

function cookieOptions(c: Context<AdminEnv>): CookieOptions {
  const secure = c.get('deps').config.publicBaseUrl.startsWith('https://');
  return { path: '/admin', httpOnly: true, sameSite: 'Lax', secure, maxAge: sessionLifetimeMs / 1000 };
}

function secretOf(c: Context<AdminEnv>): string {
  return c.get('deps').config.sessionSecret!;
}

/** Writes the session cookie and makes it the request's session (with its CSRF token). */
export async function startSession(c: Context<AdminEnv>, session: AdminSession): Promise<void> {
  await setSignedCookie(c, sessionCookie, encode(session), secretOf(c), cookieOptions(c));
  c.set('session', session);
  c.set('csrfToken', csrfTokenFor(secretOf(c), session.sid));
}

export function endSession(c: Context<AdminEnv>): void {
  deleteCookie(c, sessionCookie, cookieOptions(c));
}

async function readSession(c: Context<AdminEnv>): Promise<AdminSession | undefined> {
  const value = await getSignedCookie(c, secretOf(c), sessionCookie);
  if (!value) return undefined; // absent, or `false`: the signature did not match
  const session = decode(value);
  if (!session || Date.now() - session.issuedAt > sessionLifetimeMs) return undefined;
  return session;
}

/**
 * Every admin request has a session: the signed-in one, or a fresh anonymous one (so the sign-in form, too,
 * carries a CSRF token). Without SESSION_SECRET nobody can sign in, and the page says so.
 */
export const loadSession: MiddlewareHandler<AdminEnv> = async (c, next) => {
  if (!c.get('deps').config.sessionSecret) {
    const t = c.get('t');
    return renderMessage(c, 503, t.errors.notConfiguredTitle, t.errors.notConfigured);
  }
  const existing = await readSession(c);
  if (existing) {
    c.set('session', existing);
    c.set('csrfToken', csrfTokenFor(secretOf(c), existing.sid));
  } else {
    await startSession(c, newSession());
  }
  await next();
};
