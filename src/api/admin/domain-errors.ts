import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isDomainError, SettingsRefused, type DomainError, type DomainErrorKind } from '../../domain/errors.js';
import { mappingFieldErrors } from './data/mapping-form.js';
import { statusFor } from '../domain-errors.js';
import type { FieldErrors } from './components/fields.js';
import type { Messages } from './i18n/en.js';

/**
 * The one place the admin pages turn a use case's refusal (src/domain/errors.ts) into what a form shows: the
 * page's own words beside the refused field, or a line above the form when no field is to blame. The status is
 * the API's for the same refusal.
 */
export interface FormRefusal {
  status: ContentfulStatusCode;
  errors: FieldErrors;
  failure?: string;
}

type Words = (
  t: Messages,
  err: DomainError,
) => { field: string; message: string } | { failure: string } | { errors: FieldErrors };

const settingsWords: Words = (t, err) => {
  const problems = err instanceof SettingsRefused ? err.problems : [];
  const errors = mappingFieldErrors(t, problems);
  // what is not the mapping's (the LDAP path, the filter, the group's form) beside its own field
  for (const problem of problems)
    if (!problem.field.startsWith('mapping') && !problem.field.startsWith('customerTypeRules'))
      errors[problem.field] ??= t.common.invalid;
  return { errors };
};

const wordsFor: Record<DomainErrorKind, Words> = {
  unknown_reference: (t, err) =>
    err.field === 'connectionId'
      ? { field: 'connectionId', message: t.setupForm.errors.connectionId }
      : { field: 'customerTypeId', message: t.setupForm.errors.customerTypeId },
  connection_not_connected: (t) => ({ field: 'connectionId', message: t.setupForm.errors.connectionNotConnected }),
  group_not_found: (t) => ({ field: 'groupId', message: t.setupForm.errors.groupNotFound }),
  directory_unavailable: (t, err) => ({ failure: t.errors.upstream(err.message) }),
  setup_exists: (t) => ({ field: 'groupId', message: t.setupForm.errors.groupAlreadySetUp }),
  run_already_active: (t) => ({ failure: t.runs.alreadyActive }),
  name_taken: (t) => ({ field: 'name', message: t.customerTypes.duplicate }),
  tenant_taken: (t) => ({ field: 'tenantId', message: t.connectionForm.takenByAnotherCompany }),
  tenant_already_connected: (t) => ({ field: 'tenantId', message: t.connectionForm.alreadyConnected }),
  not_configured: (t) => ({ failure: t.errors.azureNotConfigured }),
  settings_malformed: settingsWords,
  settings_refused: settingsWords,
  // the client's own words name what is wrong with the value (a DN's position, a URL's part): shown as they are
  connection_input_refused: (t, err) => ({ field: err.field ?? 'url', message: err.fieldReason ?? err.message }),
  directory_already_connected: (t, err) => ({ field: err.field ?? 'baseDn', message: t.ldap.alreadyConnected }),
  secrets_key_missing: (t) => ({ failure: t.ldap.secretsKeyMissing }),
};

export function formRefusal(t: Messages, err: DomainError): FormRefusal {
  const words = wordsFor[err.kind](t, err);
  const status = statusFor(err);
  if ('failure' in words) return { status, errors: {}, failure: words.failure };
  if ('errors' in words) return { status, errors: words.errors };
  return { status, errors: { [words.field]: words.message } };
}

/** Runs a use case from a form: its domain refusal as the form shows it, anything else thrown on. */
export async function refusalOf<T>(
  t: Messages,
  useCase: () => Promise<T>,
): Promise<{ ok: true; value: T } | ({ ok: false } & FormRefusal)> {
  try {
    return { ok: true, value: await useCase() };
  } catch (err) {
    if (!isDomainError(err)) throw err;
    return { ok: false, ...formRefusal(t, err) };
  }
}
