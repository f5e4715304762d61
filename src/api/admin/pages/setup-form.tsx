import type { DirectoryGroup } from '../../../directory/provider.js';
import {
  CheckboxField,
  FormErrorSummary,
  RadioField,
  SelectField,
  TextField,
  type FieldErrors,
} from '../components/fields.js';
import { Layout, type PageContext } from '../components/layout.js';
import { Notice } from '../components/notice.js';
import { CsrfField } from '../components/post-button.js';
import type { SetupFormValues } from '../data/setup-form-input.js';
import { MappingFields, MappingPreview, RuleFields, type MappingPreviewItem } from '../components/mapping-fields.js';

export interface Choice {
  value: string;
  label: string;
}

export interface SetupChoices {
  connections: Choice[];
  customerTypes: Choice[];
}

export interface GroupSearchResult {
  query: string;
  groups: DirectoryGroup[];
}

interface Props {
  page: PageContext;
  /** Absent: a new setup. */
  setupId?: string;
  values: SetupFormValues;
  choices: SetupChoices;
  errors: FieldErrors;
  search?: GroupSearchResult;
  failure?: string;
  /** The mapping preview (issue 16): shown after the Preview button, before anything is saved. */
  preview?: MappingPreviewItem[];
  /** What "Test path and filter" found (nothing is saved). */
  scopeTest?: { count: number; first: { id: string; email: string | null; displayName: string | null }[] };
}

/** The LDAP path and filter, with their "Test" button and what the last test found. */
function ScopeFields({ page, values, errors, scopeTest }: Pick<Props, 'page' | 'values' | 'errors' | 'scopeTest'>) {
  const { t } = page;
  const l = t.ldap;
  return (
    <fieldset class="scope">
      <TextField
        name="ldapPath"
        label={t.setupForm.ldapPath}
        optional={t.common.optional}
        value={values.ldapPath}
        errors={errors}
        hint={`${l.ldapPathHint} ${l.ldapPathAzureHint}`}
      />
      <TextField
        name="ldapFilter"
        label={t.setupForm.ldapFilter}
        optional={t.common.optional}
        value={values.ldapFilter}
        errors={errors}
        hint={l.ldapFilterHint}
      />
      <button type="submit" name="intent" value="test-scope" id="test-scope">
        {l.test}
      </button>
      {scopeTest ? (
        <div id="scope-test-result" data-count={scopeTest.count}>
          <p>{scopeTest.count === 0 ? l.testNone : l.testResult(scopeTest.count)}</p>
          {scopeTest.first.length > 0 ? (
            <>
              <p>{l.testFirst}</p>
              <ul>
                {scopeTest.first.map((u) => (
                  <li class="mono">{[u.displayName, u.email].filter(Boolean).join(' — ') || u.id}</li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}
    </fieldset>
  );
}

/** Find the group by name in the tenant: each hit has a button that puts its id into the Group ID field. */
function GroupSearch({ page, values, errors, search }: Pick<Props, 'page' | 'values' | 'errors' | 'search'>) {
  const { t } = page;
  const chosen = search?.groups.find((g) => g.id.toLowerCase() === values.groupId.toLowerCase());
  return (
    <div class="group-search">
      <div class="inline-field">
        <TextField name="groupSearch" label={t.setupForm.groupSearch} value={values.groupSearch} errors={errors} />
        <button type="submit" name="intent" value="search" id="search-groups">
          {t.setupForm.search}
        </button>
      </div>
      {chosen ? (
        <p class="chosen" id="chosen-group">
          {t.setupForm.chosenGroup(chosen.displayName)}
        </p>
      ) : null}
      {search && search.groups.length === 0 ? <p class="empty">{t.setupForm.noGroupsFound(search.query)}</p> : null}
      {search && search.groups.length > 0 ? (
        <ul class="group-results" id="group-results">
          {search.groups.map((g) => (
            <li>
              <span class="group-name">{g.displayName}</span> <code>{g.id}</code>{' '}
              <button type="submit" name="pickGroup" value={g.id} data-group-name={g.displayName}>
                {t.setupForm.use}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function SetupFormPage({ page, setupId, values, choices, errors, search, failure, preview, scopeTest }: Props) {
  const { t } = page;
  const f = t.setupForm;
  const title = setupId ? f.editTitle : f.createTitle;
  return (
    <Layout page={page} title={title} tab="setup">
      <h1>{title}</h1>
      {failure ? <Notice kind="error">{failure}</Notice> : null}
      <FormErrorSummary errors={errors} message={t.common.formHasErrors} />
      <form method="post" action={setupId ? `/admin/setup/${setupId}/edit` : '/admin/setup'} id="setup-form" novalidate>
        <CsrfField page={page} />
        {/* The first submit button is what Enter presses: saving, not searching. */}
        <button type="submit" name="intent" value="save" class="visually-hidden" tabindex={-1} aria-hidden="true" />
        <SelectField
          name="connectionId"
          label={f.connection}
          value={values.connectionId}
          options={choices.connections}
          errors={errors}
          disabled={Boolean(setupId)}
        />
        <SelectField
          name="customerTypeId"
          label={f.customerType}
          value={values.customerTypeId}
          options={choices.customerTypes}
          errors={errors}
        />
        <SelectField
          name="resourceType"
          label={f.resourceType}
          value="users"
          options={[{ value: 'users', label: f.resourceUsers }]}
          errors={errors}
        />
        <TextField
          name="designation"
          label={t.common.designation}
          optional={t.common.optional}
          value={values.designation}
          errors={errors}
        />
        <fieldset class="group">
          <legend>{t.setups.group}</legend>
          <TextField name="groupId" label={f.groupId} value={values.groupId} errors={errors} hint={f.groupHint} />
          <GroupSearch page={page} values={values} errors={errors} search={search} />
        </fieldset>
        <CheckboxField name="updateExisting" label={f.updateExisting} checked={values.updateExisting} />
        <CheckboxField name="deleteRemoved" label={f.deleteRemoved} checked={values.deleteRemoved} />
        <RadioField
          name="matchOn"
          label={f.matchOn}
          value={values.matchOn}
          options={[
            { value: 'email', label: f.email },
            { value: 'initials', label: f.initials },
          ]}
          errors={errors}
        />
        <ScopeFields page={page} values={values} errors={errors} scopeTest={scopeTest} />
        <fieldset>
          <legend>{f.schedule}</legend>
          <TextField
            name="intervalMinutes"
            type="number"
            min={1}
            max={10080}
            label={f.intervalMinutes}
            value={values.intervalMinutes}
            errors={errors}
          />
        </fieldset>
        <fieldset>
          <legend>{f.deletionGuard}</legend>
          <p class="hint">{f.guardHint}</p>
          <TextField
            name="deletionThreshold.count"
            type="number"
            min={0}
            label={f.thresholdCount}
            value={values['deletionThreshold.count']}
            errors={errors}
          />
          <TextField
            name="deletionThreshold.percent"
            type="number"
            min={0}
            max={100}
            label={f.thresholdPercent}
            value={values['deletionThreshold.percent']}
            errors={errors}
          />
        </fieldset>
        {setupId ? (
          <>
            <MappingFields t={t} values={values.mapping} errors={errors} />
            <RuleFields
              t={t}
              values={values.mapping}
              errors={errors}
              customerTypes={[{ value: '', label: t.mapping.noRule }, ...choices.customerTypes]}
            />
            <button type="submit" name="intent" value="preview" id="preview-mapping">
              {t.mapping.preview}
            </button>
            {preview ? <MappingPreview t={t} items={preview} customerTypes={choices.customerTypes} /> : null}
          </>
        ) : null}
        <div class="buttons">
          <button type="submit" name="intent" value="save" class="primary" id="save-setup">
            {setupId ? t.common.save : t.common.create}
          </button>
          <a href="/admin/setup" class="button">
            {t.common.cancel}
          </a>
        </div>
      </form>
    </Layout>
  );
}
