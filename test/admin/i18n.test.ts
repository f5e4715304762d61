import { describe, expect, it } from 'vitest';
import { da } from '../../src/api/admin/i18n/da.js';
import { en } from '../../src/api/admin/i18n/en.js';
import { negotiateLanguage } from '../../src/api/admin/i18n/language.js';

/** Every leaf of a dictionary: strings as they are, functions called with sample arguments. */
function leaves(value: unknown, path = ''): [string, string][] {
  // The reason templates take a parameter reader, not sample values: test/admin/reason-templates.test.ts renders them.
  if (path === 'reasonTemplates') return [];
  if (typeof value === 'string') return [[path, value]];
  if (typeof value === 'function')
    return [[path, String(value(...Array.from({ length: value.length }, (_, i) => i + 2)))]];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) =>
    leaves(child, path ? `${path}.${key}` : key),
  );
}

describe('admin pages in English and Danish', () => {
  it('picks the browser’s preferred language we speak, by q weight, else English', () => {
    expect(negotiateLanguage('da-DK,da;q=0.9,en-US;q=0.8,en;q=0.7')).toBe('da');
    expect(negotiateLanguage('en-GB,en;q=0.9,da;q=0.8')).toBe('en');
    expect(negotiateLanguage('de-DE,da;q=0.5,en;q=0.4')).toBe('da');
    expect(negotiateLanguage('en;q=0.2, da;q=0.9')).toBe('da');
    expect(negotiateLanguage('da;q=0')).toBe('en');
    expect(negotiateLanguage('fr, de')).toBe('en');
    expect(negotiateLanguage(undefined)).toBe('en');
  });

  it('has every message in both languages, none empty', () => {
    const english = leaves(en);
    const danish = new Map(leaves(da));
    expect([...danish.keys()].sort()).toEqual(english.map(([key]) => key).sort());
    for (const [key, text] of [...english, ...danish]) expect(text.trim(), key).not.toBe('');
  });

  it('speaks Danish where the words differ', () => {
    expect(da.nav.setup).toBe('Opsætning');
    expect(da.common.create).toBe('Opret');
    const english = new Map(leaves(en));
    // Words that are the same in both languages (System, Status, Delta, API…) are few.
    const same = leaves(da).filter(([key, text]) => english.get(key) === text && !['lang', 'locale'].includes(key));
    expect(same.length).toBeLessThan(15);
  });
});
