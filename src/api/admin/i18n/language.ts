import { getCookie, setCookie } from 'hono/cookie';
import type { MiddlewareHandler } from 'hono';
import type { AdminEnv } from '../env.js';
import { da } from './da.js';
import { en, type Messages } from './en.js';
import { languages, type Lang } from './languages.js';

export { languages, type Lang };

const dictionaries: Record<Lang, Messages> = { en, da };
const languageCookie = 'ds_lang';

export function messagesFor(lang: Lang): Messages {
  return dictionaries[lang];
}

function asLang(value: string | undefined): Lang | undefined {
  return (languages as readonly string[]).includes(value ?? '') ? (value as Lang) : undefined;
}

/**
 * The browser's preferred language among ours, from Accept-Language ("da-DK,da;q=0.9,en;q=0.8"): ranges in
 * order of their q weight, the primary subtag decides; English when nothing matches.
 */
export function negotiateLanguage(header: string | undefined): Lang {
  const ranges = (header ?? '')
    .split(',')
    .map((part, index) => {
      const [range = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { primary: range.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.primary && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const range of ranges) {
    const lang = asLang(range.primary);
    if (lang) return lang;
  }
  return 'en';
}

/**
 * Picks the page language: an explicit `?lang=` (the switch, remembered in a cookie for a year), else that
 * cookie, else the browser's Accept-Language.
 */
export const chooseLanguage: MiddlewareHandler<AdminEnv> = async (c, next) => {
  const switched = asLang(c.req.query('lang'));
  if (switched)
    setCookie(c, languageCookie, switched, {
      path: '/admin',
      sameSite: 'Lax',
      httpOnly: true,
      maxAge: 365 * 24 * 3600,
    });
  const lang = switched ?? asLang(getCookie(c, languageCookie)) ?? negotiateLanguage(c.req.header('accept-language'));
  c.set('lang', lang);
  c.set('t', messagesFor(lang));
  await next();
};
