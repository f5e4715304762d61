import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { SyncSetup } from '../../../db/schema.js';
import { changeSetup, createSetup, previewSetupMapping } from '../../../setups/service.js';
import type { MappingPreviewItem } from '../components/mapping-fields.js';
import { mappingBody } from '../data/mapping-form.js';
import { ApiError } from '../../errors.js';
import type { FieldErrors } from '../components/fields.js';
import { searchTenantGroups } from '../data/group-search.js';
import { setupChoices } from '../data/setup-choices.js';
import {
  parseNewSetup,
  parseSetupChange,
  serviceFieldErrors,
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
    />,
    status,
  );
}

/** The service's refusals of a valid form: its field problems beside the fields, Graph's failure on top. */
async function refused(
  c: Context<AdminEnv>,
  values: SetupFormValues,
  setupId: string | undefined,
  err: unknown,
): Promise<Response> {
  const t = c.get('t');
  if (!(err instanceof ApiError)) throw err;
  if (err.details) return renderSetupForm(c, values, setupId, { errors: serviceFieldErrors(t, err) }, err.status);
  if (err.code === 'upstream_error')
    return renderSetupForm(c, values, setupId, { failure: t.errors.upstream(err.message) }, 502);
  throw err;
}

async function saveNew(c: Context<AdminEnv>, values: SetupFormValues): Promise<Response> {
  const parsed = parseNewSetup(values);
  if (!parsed.ok)
    return renderSetupForm(c, values, undefined, { errors: setupFieldErrors(c.get('t'), parsed.problems) }, 400);
  try {
    const { setup, group } = await createSetup(c.get('deps'), c.get('company').id, parsed.body);
    return redirectTo(c, '/admin/setup', { notice: 'setup_created', setup: setup.id, users: String(group.userCount) });
  } catch (err) {
    return refused(c, values, undefined, err);
  }
}

async function saveChange(c: Context<AdminEnv>, values: SetupFormValues, existing: SyncSetup): Promise<Response> {
  const parsed = parseSetupChange(values);
  if (!parsed.ok)
    return renderSetupForm(c, values, existing.id, { errors: setupFieldErrors(c.get('t'), parsed.problems) }, 400);
  try {
    await changeSetup(c.get('deps'), existing, parsed.body);
    return redirectTo(c, '/admin/setup', { notice: 'setup_saved' });
  } catch (err) {
    return refused(c, values, existing.id, err);
  }
}

/** Preview (issue 16): ten members under the saved and the form's mapping and rules, nothing saved. */
async function previewChange(c: Context<AdminEnv>, values: SetupFormValues, existing: SyncSetup): Promise<Response> {
  try {
    const preview = await previewSetupMapping(c.get('deps'), existing, mappingBody(values.mapping));
    return renderSetupForm(c, values, existing.id, { preview });
  } catch (err) {
    return refused(c, values, existing.id, err);
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
  if (formText(form, 'intent') !== 'search' && !picked)
    return existing ? saveChange(c, values, existing) : saveNew(c, values);

  const outcome = await searchTenantGroups(c, existing?.connection_id ?? values.connectionId, values.groupSearch);
  if ('fieldError' in outcome)
    return renderSetupForm(c, values, existing?.id, { errors: { groupSearch: outcome.fieldError } }, 400);
  if ('failure' in outcome) return renderSetupForm(c, values, existing?.id, { failure: outcome.failure }, 502);
  return renderSetupForm(c, values, existing?.id, { search: outcome.search });
}
