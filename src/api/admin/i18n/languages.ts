/** The admin pages' languages (no imports: env.ts and language.ts both need them). */
export const languages = ['en', 'da'] as const;
export type Lang = (typeof languages)[number];
