import type { PageContext } from '../components/layout.js';
import { CheckboxField, TextField, type FieldErrors } from '../components/fields.js';
import { ConnectionFormShell } from './connection-form.js';

/** What the form shows again after a refusal; never the password (it is typed again). */
export interface LdapConnectionFormValues {
  designation: string;
  url: string;
  bindDn: string;
  caCertificatePem: string;
  baseDn: string;
  allowUnencrypted: boolean;
}

export const emptyLdapConnectionForm: LdapConnectionFormValues = {
  designation: '',
  url: '',
  bindDn: '',
  caCertificatePem: '',
  baseDn: '',
  allowUnencrypted: false,
};

export function LdapConnectionFormPage({
  page,
  values,
  errors,
  failure,
}: {
  page: PageContext;
  values: LdapConnectionFormValues;
  errors: FieldErrors;
  failure?: string;
}) {
  const { t } = page;
  const l = t.ldap;
  const caError = errors.caCertificatePem;
  return (
    <ConnectionFormShell
      page={page}
      provider="ldap"
      intro={l.intro}
      action="/admin/system/ldap-connections"
      formId="ldap-connection-form"
      submitId="submit-ldap-connection"
      submitLabel={l.submit}
      designation={values.designation}
      errors={errors}
      failure={failure}
    >
      <TextField name="url" label={l.url} value={values.url} errors={errors} hint={l.urlHint} required />
      <TextField name="bindDn" label={l.bindDn} value={values.bindDn} errors={errors} hint={l.bindDnHint} required />
      <TextField
        name="bindPassword"
        type="password"
        autocomplete="new-password"
        label={l.bindPassword}
        errors={errors}
        hint={l.bindPasswordHint}
        required
      />
      <div class={caError ? 'field invalid' : 'field'}>
        <label for="caCertificatePem">
          {l.caCertificate}
          <span class="optional"> {t.common.optional}</span>
        </label>
        <textarea
          id="caCertificatePem"
          name="caCertificatePem"
          rows={6}
          class="mono"
          aria-invalid={caError ? 'true' : undefined}
          aria-describedby={caError ? 'caCertificatePem-error' : 'caCertificatePem-hint'}
        >
          {values.caCertificatePem}
        </textarea>
        {caError ? (
          <p class="field-error" id="caCertificatePem-error">
            {caError}
          </p>
        ) : null}
        <p class="hint" id="caCertificatePem-hint">
          {l.caCertificateHint}
        </p>
      </div>
      <TextField name="baseDn" label={l.baseDn} value={values.baseDn} errors={errors} hint={l.baseDnHint} required />
      <CheckboxField name="allowUnencrypted" label={l.allowUnencrypted} checked={values.allowUnencrypted} />
    </ConnectionFormShell>
  );
}
