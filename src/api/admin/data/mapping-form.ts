/**
 * The setup form's attribute mapping and customer-type rules (issue 16): form values ↔ the API body's `mapping`
 * and `customerTypeRules`, and the API's problems (field + position) as this page's words beside the fields.
 */
import type { SyncSetup } from '../../../db/schema.js';
import { MAPPING_FIELDS, type MappingField } from '../../../sync/mapping-expression.js';
import { MAX_RULES } from '../../../sync/customer-type-rules.js';
import type { FieldProblem } from '../../errors.js';
import type { FieldErrors } from '../components/fields.js';
import { formText, type FormBody } from '../form.js';
import type { Messages } from '../i18n/en.js';

export const SOURCE_KINDS = ['', 'attribute', 'constant', 'expression'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];
export const RULE_KINDS = ['memberOf', 'filter'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export interface MappingFormValues {
  fields: Record<MappingField, { kind: SourceKind; value: string }>;
  rules: { kind: RuleKind; value: string; customerTypeId: string }[];
}

/** Blank rule rows the form offers below the saved ones. */
export const BLANK_RULE_ROWS = 2;

const kindOf = (text: string): SourceKind =>
  (SOURCE_KINDS as readonly string[]).includes(text) ? (text as SourceKind) : '';

export function emptyMappingValues(): MappingFormValues {
  const fields = Object.fromEntries(
    MAPPING_FIELDS.map((f) => [f, { kind: '', value: '' }]),
  ) as MappingFormValues['fields'];
  return { fields, rules: [] };
}

export function mappingValuesOf(setup: SyncSetup): MappingFormValues {
  const values = emptyMappingValues();
  for (const [field, source] of Object.entries(setup.mapping ?? {})) {
    const [kind, value] = Object.entries(source as Record<string, string>)[0] ?? ['', ''];
    if (field in values.fields) values.fields[field as MappingField] = { kind: kindOf(kind), value };
  }
  values.rules = setup.customer_type_rules.map((rule) =>
    'memberOf' in rule
      ? { kind: 'memberOf', value: rule.memberOf, customerTypeId: rule.customerTypeId }
      : { kind: 'filter', value: rule.filter, customerTypeId: rule.customerTypeId },
  );
  return values;
}

export function submittedMappingValues(form: FormBody): MappingFormValues {
  const values = emptyMappingValues();
  for (const field of MAPPING_FIELDS)
    values.fields[field] = {
      kind: kindOf(formText(form, `mapping.${field}.kind`)),
      value: formText(form, `mapping.${field}.value`),
    };
  for (let i = 0; i < MAX_RULES + BLANK_RULE_ROWS; i++) {
    const value = formText(form, `rules.${i}.value`);
    if (value === '') continue;
    const kind = formText(form, `rules.${i}.kind`) === 'filter' ? 'filter' : 'memberOf';
    values.rules.push({ kind, value, customerTypeId: formText(form, `rules.${i}.customerTypeId`) });
  }
  return values;
}

/** What PATCH /setups/{id} takes: the fields not left on "as today" (none: today's mapping), the rules typed. */
export function mappingBody(values: MappingFormValues) {
  const mapping = Object.fromEntries(
    MAPPING_FIELDS.filter((f) => values.fields[f].kind !== '').map((f) => [
      f,
      { [values.fields[f].kind]: values.fields[f].value },
    ]),
  );
  return {
    mapping: Object.keys(mapping).length > 0 ? mapping : null,
    customerTypeRules: values.rules.map((r) => ({ [r.kind]: r.value, customerTypeId: r.customerTypeId })),
  };
}

/** The API's field (mapping.employeeId, customerTypeRules[2].filter) as the form field it came from. */
function formFieldOf(field: string): string | null {
  const mapped = /^mapping\.(\w+)$/.exec(field);
  if (mapped) return `mapping.${mapped[1]}.value`;
  const rule = /^customerTypeRules\[(\d+)\](?:\.(\w+))?$/.exec(field);
  if (rule) return `rules.${rule[1]}.${rule[2] === 'customerTypeId' ? 'customerTypeId' : 'value'}`;
  return null;
}

/**
 * The problems that concern the mapping and the rules, each beside its field in the reader's language: where in
 * the text it stops being valid (the parser's own words are English only, so they are not shown).
 */
export function mappingFieldErrors(t: Messages, problems: readonly FieldProblem[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const problem of problems) {
    const field = formFieldOf(problem.field);
    if (field === null) continue;
    errors[field] ??= field.endsWith('customerTypeId')
      ? t.mapping.unknownCustomerType
      : problem.field.endsWith('memberOf') && /not found/.test(problem.reason)
        ? t.mapping.groupNotFound
        : problem.position !== undefined && problem.position > 0
          ? t.mapping.invalidAt(problem.position)
          : t.mapping.invalid;
  }
  return errors;
}
