import type { Child } from 'hono/jsx';
import { Layout, type PageContext } from '../components/layout.js';
import { entraKind } from '../../../directory/entra/kind.js';
import { Notice } from '../components/notice.js';
import { CsrfField } from '../components/post-button.js';
import { FormErrorSummary, SelectField, TextField, type FieldErrors } from '../components/fields.js';

export interface ConnectionFormValues {
  designation: string;
  tenantId: string;
}

/** Which directory the new connection is for: a link per provider (no script needed), the current one marked. */
export function ProviderChoice({ page, current }: { page: PageContext; current: 'azure' | 'ldap' }) {
  const { t } = page;
  const choices = [
    { value: 'azure', label: t.connectionForm.azure, href: '/admin/system/new' },
    { value: 'ldap', label: t.ldap.provider, href: '/admin/system/new?provider=ldap' },
  ];
  return (
    <nav class="filter" id="provider-choice" aria-label={t.ldap.choose}>
      {choices.map((c) => (
        <a
          href={c.href}
          id={`provider-${c.value}`}
          class={c.value === current ? 'current' : undefined}
          aria-current={c.value === current ? 'page' : undefined}
        >
          {c.label}
        </a>
      ))}
    </nav>
  );
}

/**
 * What both connection forms share: the heading, the failure and error notices, the directory choice, the
 * designation field and the buttons; `children` are the provider's own fields.
 */
export function ConnectionFormShell(props: {
  page: PageContext;
  provider: 'azure' | 'ldap';
  intro: string;
  action: string;
  formId: string;
  submitId: string;
  submitLabel: string;
  designation: string;
  errors: FieldErrors;
  failure?: string;
  children: Child;
}) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t.connectionForm.title} tab="system">
      <h1>{t.connectionForm.title}</h1>
      {props.failure ? <Notice kind="error">{props.failure}</Notice> : null}
      <FormErrorSummary errors={props.errors} message={t.common.formHasErrors} />
      <ProviderChoice page={props.page} current={props.provider} />
      <p class="intro">{props.intro}</p>
      <form method="post" action={props.action} class="narrow" id={props.formId} novalidate>
        <CsrfField page={props.page} />
        <TextField
          name="designation"
          label={t.common.designation}
          optional={t.common.optional}
          value={props.designation}
          errors={props.errors}
          hint={t.connectionForm.designationHint}
        />
        {props.children}
        <div class="buttons">
          <button type="submit" class="primary" id={props.submitId}>
            {props.submitLabel}
          </button>
          <a href="/admin/system" class="button">
            {t.common.cancel}
          </a>
        </div>
      </form>
    </Layout>
  );
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
    <ConnectionFormShell
      page={page}
      provider={entraKind}
      intro={t.connectionForm.intro}
      action="/admin/system/connections"
      formId="connection-form"
      submitId="submit-connection"
      submitLabel={t.connectionForm.submit}
      designation={values.designation}
      errors={errors}
      failure={failure}
    >
      <SelectField
        name="provider"
        label={t.connectionForm.provider}
        value={entraKind}
        options={[{ value: entraKind, label: t.connectionForm.azure }]}
        errors={errors}
      />
      <TextField
        name="tenantId"
        label={t.connectionForm.tenantId}
        value={values.tenantId}
        errors={errors}
        hint={t.connectionForm.tenantIdHint}
        required
      />
    </ConnectionFormShell>
  );
}
