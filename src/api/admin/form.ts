/** A submitted form as `c.req.parseBody()` returns it. */
export type FormBody = Record<string, string | File | (string | File)[]>;

/** A text field's trimmed value; '' when absent (or a file). */
export function formText(form: FormBody, name: string): string {
  const value = form[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** A checkbox: present (any value) when ticked. */
export function formChecked(form: FormBody, name: string): boolean {
  return typeof form[name] === 'string';
}

/** A number field as a number for the schema to judge: '' is absent, anything else NaN or the number. */
export function formNumber(form: FormBody, name: string): number | undefined {
  const text = formText(form, name);
  return text === '' ? undefined : Number(text);
}
