import { Layout, type PageContext } from '../components/layout.js';
import { entraKind } from '../../../directory/entra/kind.js';
import { Notice } from '../components/notice.js';
import { CsrfField } from '../components/post-button.js';
import { FormErrorSummary, SelectField, TextField, type FieldErrors } from '../components/fields.js';

export interface ConnectionFormValues {
  designation: string;
  tenantId: string;
}

export function ConnectionFormPage({
  page,
  values,
  errors,
  failure,
}: {
  page: PageContext;
  values: ConnectionFormValues;
  errors: FieldErrors;
  failure?: string;
}) {
  const { t } = page;
  return (
    <Layout page={page} title={t.connectionForm.title} tab="system">
      <h1>{t.connectionForm.title}</h1>
      {failure ? <Notice kind="error">{failure}</Notice> : null}
      <FormErrorSummary errors={errors} message={t.common.formHasErrors} />
      <p class="intro">{t.connectionForm.intro}</p>
      <form method="post" action="/admin/system/connections" class="narrow" id="connection-form" novalidate>
        <CsrfField page={page} />
        <SelectField
          name="provider"
          label={t.connectionForm.provider}
          value={entraKind}
          options={[{ value: entraKind, label: t.connectionForm.azure }]}
          errors={errors}
        />
        <TextField
          name="designation"
          label={t.common.designation}
          optional={t.common.optional}
          value={values.designation}
          errors={errors}
          hint={t.connectionForm.designationHint}
        />
        <TextField
          name="tenantId"
          label={t.connectionForm.tenantId}
          value={values.tenantId}
          errors={errors}
          hint={t.connectionForm.tenantIdHint}
          required
        />
        <div class="buttons">
          <button type="submit" class="primary" id="submit-connection">
            {t.connectionForm.submit}
          </button>
          <a href="/admin/system" class="button">
            {t.common.cancel}
          </a>
        </div>
      </form>
    </Layout>
  );
}
