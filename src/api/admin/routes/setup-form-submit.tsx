import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { SyncSetup } from '../../../db/schema.js';
import { changeSetup, createSetup, previewSetupMapping } from '../../../setups/service.js';
import { mappingBody } from '../data/mapping-form.js';
import type { MappingPreviewItem } from '../components/mapping-fields.js';
import { testSetupScope } from '../../../setups/scope-test.js';
import { findCompanyConnection } from '../../../db/repositories/connections.js';
import type { FieldErrors } from '../components/fields.js';
import { refusalOf } from '../domain-errors.js';
import { searchTenantGroups } from '../data/group-search.js';
import { setupChoices } from '../data/setup-choices.js';
import {
  parseNewSetup,
  parseSetupChange,
  setupFieldErrors,
  submittedSetupValues,
  type SetupFormValues,
} from '../data/setup-form-input.js';
import type { AdminEnv } from '../env.js';
import { formText } from '../form.js';
import { SetupFormPage, type GroupSearchResult } from '../pages/setup-form.js';
import { pageContext, redirectTo, render } from '../render.js';

interface Shown {
  errors?: FieldErrors;
  search?: GroupSearchResult;
  failure?: string;
  preview?: MappingPreviewItem[];
  scopeTest?: { count: number; first: { id: string; email: string | null; displayName: string | null }[] };
}

/** The setup form, empty or as it was submitted, with what went wrong beside the fields. */
export async function renderSetupForm(
  c: Context<AdminEnv>,
  values: SetupFormValues,
  setupId?: string,
  shown: Shown = {},
  status: ContentfulStatusCode = 200,
) {
  const choices = await setupChoices(c, setupId ? values.connectionId : undefined);
  return render(
    c,
    <SetupFormPage
      page={pageContext(c)}
      setupId={setupId}
      values={values}
      choices={choices}
      errors={shown.errors ?? {}}
      search={shown.search}
      failure={shown.failure}
      preview={shown.preview}
      scopeTest={shown.scopeTest}
    />,
    status,
  );
}

async function saveNew(c: Context<AdminEnv>, values: SetupFormValues): Promise<Response> {
  const parsed = parseNewSetup(values);
  if (!parsed.ok)
    return renderSetupForm(c, values, undefined, { errors: setupFieldErrors(c.get('t'), parsed.problems) }, 400);
  const created = await refusalOf(c.get('t'), () => createSetup(c.get('deps'), c.get('company').id, parsed.body));
  if (!created.ok) return renderSetupForm(c, values, undefined, created, created.status);
  const { setup, group } = created.value;
  return redirectTo(c, '/admin/setup', { notice: 'setup_created', setup: setup.id, users: String(group.userCount) });
}

async function saveChange(c: Context<AdminEnv>, values: SetupFormValues, existing: SyncSetup): Promise<Response> {
  const parsed = parseSetupChange(values);
  if (!parsed.ok)
    return renderSetupForm(c, values, existing.id, { errors: setupFieldErrors(c.get('t'), parsed.problems) }, 400);
  const changed = await refusalOf(c.get('t'), () => changeSetup(c.get('deps'), existing, parsed.body));
  if (!changed.ok) return renderSetupForm(c, values, existing.id, changed, changed.status);
  return redirectTo(c, '/admin/setup', { notice: 'setup_saved' });
}

/** Preview (issue 16): ten members under the saved and the form's mapping and rules, nothing saved. */
async function previewChange(c: Context<AdminEnv>, values: SetupFormValues, existing: SyncSetup): Promise<Response> {
  const previewed = await refusalOf(c.get('t'), () =>
    previewSetupMapping(c.get('deps'), existing, mappingBody(values.mapping)),
  );
  if (!previewed.ok) return renderSetupForm(c, values, existing.id, previewed, previewed.status);
  return renderSetupForm(c, values, existing.id, { preview: previewed.value });
}

/** "Test path and filter": the form again, with how many users they select and the first ten; nothing saved. */
async function testScope(c: Context<AdminEnv>, values: SetupFormValues, existing?: SyncSetup): Promise<Response> {
  const t = c.get('t');
  const connection = await findCompanyConnection(c.get('deps').db, c.get('company').id, values.connectionId);
  if (!connection || connection.status !== 'connected')
    return renderSetupForm(c, values, existing?.id, { errors: { connectionId: t.common.invalid } }, 400);
  const outcome = await testSetupScope(c.get('deps'), connection, values);
  switch (outcome.kind) {
    case 'invalid':
      return renderSetupForm(
        c,
        values,
        existing?.id,
        { errors: Object.fromEntries(outcome.problems.map((p) => [p.field, p.message])) },
        400,
      );
    case 'group_not_found':
      return renderSetupForm(c, values, existing?.id, { errors: { groupId: outcome.message } }, 422);
    case 'directory_error':
      return renderSetupForm(c, values, existing?.id, { failure: t.errors.upstream(outcome.message) }, 502);
    default:
      return renderSetupForm(c, values, existing?.id, { scopeTest: outcome });
  }
}

/**
 * One form, four buttons: Preview (the mapping's effect, on an existing setup), Search (find the group by name), Use (take a found group's id) and Create/Save.
 * Searching re-renders the form with everything typed so far, so it works without JavaScript.
 */
export async function submitSetupForm(c: Context<AdminEnv>, existing?: SyncSetup): Promise<Response> {
  const form = await c.req.parseBody();
  const values = submittedSetupValues(form);
  if (existing) values.connectionId = existing.connection_id; // shown, never changed
  const picked = formText(form, 'pickGroup');
  if (picked) values.groupId = picked;
  if (existing && formText(form, 'intent') === 'preview') return previewChange(c, values, existing);
  if (formText(form, 'intent') === 'test-scope') return testScope(c, values, existing);
  if (formText(form, 'intent') !== 'search' && !picked)
    return existing ? saveChange(c, values, existing) : saveNew(c, values);

  const outcome = await searchTenantGroups(c, existing?.connection_id ?? values.connectionId, values.groupSearch);
  if ('fieldError' in outcome)
    return renderSetupForm(c, values, existing?.id, { errors: { groupSearch: outcome.fieldError } }, 400);
  if ('failure' in outcome) return renderSetupForm(c, values, existing?.id, { failure: outcome.failure }, 502);
  return renderSetupForm(c, values, existing?.id, { search: outcome.search });
}
