import type { Child } from 'hono/jsx';

/** Localised messages per form field name, shown beside the field. */
export type FieldErrors = Partial<Record<string, string>>;

/** Field names may hold dots (deletionThreshold.count); ids may not be selector-hostile, so dots become dashes. */
export function fieldId(name: string): string {
  return name.replace(/\./g, '-');
}

function FieldError({ name, message }: { name: string; message?: string }) {
  return message ? (
    <p class="field-error" id={`${fieldId(name)}-error`}>
      {message}
    </p>
  ) : null;
}

function Label({ name, label, optional }: { name: string; label: string; optional?: string }) {
  return (
    <label for={fieldId(name)}>
      {label}
      {optional ? <span class="optional"> {optional}</span> : null}
    </label>
  );
}

export function TextField(props: {
  name: string;
  label: string;
  value?: string | number | null;
  errors: FieldErrors;
  hint?: string;
  optional?: string;
  type?: 'text' | 'number' | 'password';
  required?: boolean;
  autocomplete?: string;
  min?: number;
  max?: number;
}) {
  const id = fieldId(props.name);
  const error = props.errors[props.name];
  return (
    <div class={error ? 'field invalid' : 'field'}>
      <Label name={props.name} label={props.label} optional={props.optional} />
      <input
        type={props.type ?? 'text'}
        id={id}
        name={props.name}
        value={props.value === null || props.value === undefined ? '' : String(props.value)}
        required={props.required}
        autocomplete={props.autocomplete}
        min={props.min}
        max={props.max}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}-error` : props.hint ? `${id}-hint` : undefined}
      />
      <FieldError name={props.name} message={error} />
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

export function SelectField(props: {
  name: string;
  label: string;
  value?: string | null;
  options: { value: string; label: string }[];
  errors: FieldErrors;
  hint?: string;
  disabled?: boolean;
}) {
  const id = fieldId(props.name);
  const error = props.errors[props.name];
  return (
    <div class={error ? 'field invalid' : 'field'}>
      <Label name={props.name} label={props.label} />
      <select id={id} name={props.name} disabled={props.disabled} aria-invalid={error ? 'true' : undefined}>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldError name={props.name} message={error} />
      {props.hint ? <p class="hint">{props.hint}</p> : null}
    </div>
  );
}

export function CheckboxField(props: { name: string; label: string; checked: boolean }) {
  const id = fieldId(props.name);
  return (
    <div class="field checkbox">
      <input type="checkbox" id={id} name={props.name} checked={props.checked} />
      <label for={id}>{props.label}</label>
    </div>
  );
}

export function RadioField(props: {
  name: string;
  label: string;
  value: string;
  options: { value: string; label: string }[];
  errors: FieldErrors;
}) {
  const error = props.errors[props.name];
  return (
    <fieldset class={error ? 'field radios invalid' : 'field radios'}>
      <legend>{props.label}</legend>
      {props.options.map((o) => (
        <label class="radio">
          <input
            type="radio"
            name={props.name}
            id={`${fieldId(props.name)}-${o.value}`}
            value={o.value}
            checked={o.value === props.value}
          />{' '}
          {o.label}
        </label>
      ))}
      <FieldError name={props.name} message={error} />
    </fieldset>
  );
}

export function FormErrorSummary({ errors, message }: { errors: FieldErrors; message: string; children?: Child }) {
  return Object.keys(errors).length > 0 ? (
    <p class="notice notice-error" role="alert" id="form-errors">
      {message}
    </p>
  ) : null;
}
