import { MAPPING_FIELDS } from '../../../sync/mapping-expression.js';
import { BLANK_RULE_ROWS, RULE_KINDS, SOURCE_KINDS, type MappingFormValues } from '../data/mapping-form.js';
import type { Messages } from '../i18n/en.js';
import { SelectField, TextField, type FieldErrors } from './fields.js';
import type { Choice } from '../pages/setup-form.js';
import { Table } from './table.js';

/** One preview row as POST /setups/{id}/mapping-preview answers it. */
export interface MappingPreviewItem {
  externalId: string;
  displayName: string | null;
  current: Record<string, string | null>;
  proposed: Record<string, string | null>;
}

/** The setup form's attribute mapping: per product field a kind of source and its text (issue 16). */
export function MappingFields({ t, values, errors }: { t: Messages; values: MappingFormValues; errors: FieldErrors }) {
  const m = t.mapping;
  return (
    <fieldset class="mapping" id="mapping">
      <legend>{m.title}</legend>
      <p class="hint">{m.intro}</p>
      {MAPPING_FIELDS.map((field) => (
        <div class="inline-field mapping-field">
          <SelectField
            name={`mapping.${field}.kind`}
            label={m.fields[field] ?? field}
            value={values.fields[field].kind}
            options={SOURCE_KINDS.map((kind) => ({ value: kind, label: m.kinds[kind] }))}
            errors={errors}
          />
          <TextField
            name={`mapping.${field}.value`}
            label={m.value}
            value={values.fields[field].value}
            errors={errors}
          />
        </div>
      ))}
    </fieldset>
  );
}

/** The ordered customer-type rules: the saved ones and a few blank rows (a row left blank is no rule). */
export function RuleFields(props: {
  t: Messages;
  values: MappingFormValues;
  errors: FieldErrors;
  customerTypes: Choice[];
}) {
  const m = props.t.mapping;
  const rows = [...props.values.rules, ...Array.from({ length: BLANK_RULE_ROWS }, () => null)];
  return (
    <fieldset class="rules" id="customer-type-rules">
      <legend>{m.rulesTitle}</legend>
      <p class="hint">{m.rulesIntro}</p>
      {rows.map((rule, i) => (
        <div class="inline-field rule">
          <SelectField
            name={`rules.${i}.kind`}
            label={m.ruleKind}
            value={rule?.kind ?? 'memberOf'}
            options={RULE_KINDS.map((kind) => ({ value: kind, label: m.ruleKinds[kind] }))}
            errors={props.errors}
          />
          <TextField name={`rules.${i}.value`} label={m.ruleValue} value={rule?.value ?? ''} errors={props.errors} />
          <SelectField
            name={`rules.${i}.customerTypeId`}
            label={m.ruleCustomerType}
            value={rule?.customerTypeId ?? ''}
            options={props.customerTypes}
            errors={props.errors}
          />
        </div>
      ))}
    </fieldset>
  );
}

/** What ten members become now and with the form's settings; a changed value is marked. */
export function MappingPreview(props: { t: Messages; items: MappingPreviewItem[]; customerTypes: Choice[] }) {
  const m = props.t.mapping;
  const typeName = (id: string | null) => props.customerTypes.find((c) => c.value === id)?.label ?? id;
  const fields = [...new Set(props.items.flatMap((i) => [...Object.keys(i.current), ...Object.keys(i.proposed)]))];
  const shown = (field: string, value: string | null | undefined) =>
    (field === 'customerTypeId' ? typeName(value ?? null) : value) ?? props.t.common.none;
  return (
    <section class="mapping-preview" id="mapping-preview">
      <h2>{m.previewTitle}</h2>
      <p class="hint">{m.previewIntro}</p>
      <Table
        id="mapping-preview-table"
        headers={[m.member, m.field, m.now, m.proposed]}
        empty={m.previewEmpty}
        rows={props.items.flatMap((item) =>
          fields.map((field) => {
            const changed = (item.current[field] ?? null) !== (item.proposed[field] ?? null);
            return (
              <tr class={changed ? 'changed' : undefined} data-member={item.externalId} data-field={field}>
                <td>{item.displayName ?? item.externalId}</td>
                <td>{m.fields[field] ?? field}</td>
                <td class="now">{shown(field, item.current[field])}</td>
                <td class="proposed">{shown(field, item.proposed[field])}</td>
              </tr>
            );
          }),
        )}
      />
    </section>
  );
}
