/** The form field every admin form carries (the CSRF token; checked by csrf.ts). */
export const csrfField = '_csrf';
