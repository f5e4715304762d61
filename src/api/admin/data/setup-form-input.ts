import type { z } from 'zod';
import { limits } from '../../../domain/rules.js';
import { problemsFromZod, type FieldProblem } from '../../errors.js';
import { CreateSetupBody, UpdateSetupBody } from '../../schemas/setup.js';
import { DEFAULT_DELETION_THRESHOLD } from '../../../sync/defaults.js';
import type { SyncSetup } from '../../../db/schema.js';
import type { FieldErrors } from '../components/fields.js';
import type { Messages } from '../i18n/en.js';
import { formChecked, formNumber, formText, type FormBody } from '../form.js';
import {
  emptyMappingValues,
  mappingBody,
  mappingValuesOf,
  submittedMappingValues,
  type MappingFormValues,
} from './mapping-form.js';

/**
 * The setup form as the admin typed it: field names are the API body's paths (deletionThreshold.count…), so
 * the API's own zod schemas validate the form and their problems land beside the right fields.
 */
export interface SetupFormValues {
  connectionId: string;
  customerTypeId: string;
  designation: string;
  groupId: string;
  groupSearch: string;
  updateExisting: boolean;
  deleteRemoved: boolean;
  matchOn: string;
  ldapPath: string;
  ldapFilter: string;
  intervalMinutes: string;
  'deletionThreshold.count': string;
  'deletionThreshold.percent': string;
  /** issue 16: the attribute mapping and customer-type rules (edited on an existing setup's form). */
  mapping: MappingFormValues;
}

/** The schedule a new setup starts with (the column default), shown in the form so nobody guesses. */
const defaultIntervalMinutes = 10;

export function newSetupValues(defaults: { connectionId?: string; customerTypeId?: string }): SetupFormValues {
  return {
    connectionId: defaults.connectionId ?? '',
    customerTypeId: defaults.customerTypeId ?? '',
    designation: '',
    groupId: '',
    groupSearch: '',
    updateExisting: true,
    deleteRemoved: true,
    matchOn: 'email',
    ldapPath: '',
    ldapFilter: '',
    intervalMinutes: String(defaultIntervalMinutes),
    'deletionThreshold.count': String(DEFAULT_DELETION_THRESHOLD.count),
    'deletionThreshold.percent': String(DEFAULT_DELETION_THRESHOLD.percent),
    mapping: emptyMappingValues(),
  };
}

export function setupValues(setup: SyncSetup): SetupFormValues {
  return {
    connectionId: setup.connection_id,
    customerTypeId: setup.customer_type_id,
    designation: setup.designation ?? '',
    groupId: setup.group_id,
    groupSearch: '',
    updateExisting: setup.update_existing,
    deleteRemoved: setup.delete_removed,
    matchOn: setup.match_on,
    ldapPath: setup.ldap_path ?? '',
    ldapFilter: setup.ldap_filter ?? '',
    intervalMinutes: String(setup.interval_minutes),
    'deletionThreshold.count': String(setup.deletion_threshold_count),
    'deletionThreshold.percent': String(setup.deletion_threshold_percent),
    mapping: mappingValuesOf(setup),
  };
}

export function submittedSetupValues(form: FormBody): SetupFormValues {
  return {
    connectionId: formText(form, 'connectionId'),
    customerTypeId: formText(form, 'customerTypeId'),
    designation: formText(form, 'designation'),
    groupId: formText(form, 'groupId'),
    groupSearch: formText(form, 'groupSearch'),
    updateExisting: formChecked(form, 'updateExisting'),
    deleteRemoved: formChecked(form, 'deleteRemoved'),
    matchOn: formText(form, 'matchOn'),
    ldapPath: formText(form, 'ldapPath'),
    ldapFilter: formText(form, 'ldapFilter'),
    intervalMinutes: formText(form, 'intervalMinutes'),
    'deletionThreshold.count': formText(form, 'deletionThreshold.count'),
    'deletionThreshold.percent': formText(form, 'deletionThreshold.percent'),
    mapping: submittedMappingValues(form),
  };
}

function bodyOf(values: SetupFormValues) {
  const number = (name: Exclude<keyof SetupFormValues, 'mapping'>) =>
    formNumber({ [name]: String(values[name]) }, name);
  return {
    customerTypeId: values.customerTypeId,
    resourceType: 'users',
    designation: values.designation,
    groupId: values.groupId,
    updateExisting: values.updateExisting,
    deleteRemoved: values.deleteRemoved,
    matchOn: values.matchOn,
    ldapPath: values.ldapPath,
    ldapFilter: values.ldapFilter,
    intervalMinutes: number('intervalMinutes'),
    deletionThreshold: { count: number('deletionThreshold.count'), percent: number('deletionThreshold.percent') },
    ...mappingBody(values.mapping),
  };
}

export type ParsedSetupForm<T extends z.ZodType> =
  { ok: true; body: z.infer<T> } | { ok: false; problems: FieldProblem[] };

function parseWith<T extends z.ZodType>(schema: T, body: unknown): ParsedSetupForm<T> {
  const parsed = schema.safeParse(body);
  return parsed.success
    ? { ok: true, body: parsed.data }
    : { ok: false, problems: problemsFromZod(parsed.error.issues) };
}

export function parseNewSetup(values: SetupFormValues) {
  return parseWith(CreateSetupBody, { ...bodyOf(values), connectionId: values.connectionId });
}

/** The connection of a setup does not change; everything else may. */
export function parseSetupChange(values: SetupFormValues) {
  return parseWith(UpdateSetupBody, bodyOf(values));
}

/** The schema's problems, each as this page's own words for the field (the schema's are English only). */
export function setupFieldErrors(t: Messages, problems: FieldProblem[]): FieldErrors {
  const e = t.setupForm.errors;
  const byField: Record<string, string> = {
    connectionId: e.connectionId,
    customerTypeId: e.customerTypeId,
    groupId: e.groupId,
    matchOn: e.matchOn,
    intervalMinutes: e.intervalMinutes,
    'deletionThreshold.count': e.thresholdCount,
    'deletionThreshold.percent': e.thresholdPercent,
    designation: t.common.tooLong(limits.designation),
    ldapPath: t.common.tooLong(limits.ldapPath),
    ldapFilter: t.common.tooLong(limits.ldapFilter),
  };
  const errors: FieldErrors = {};
  for (const problem of problems) errors[problem.field] ??= byField[problem.field] ?? t.common.invalid;
  return errors;
}
