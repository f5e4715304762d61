/**
 * What a use case refuses, in the domain's words: the services (src/setups, src/connections, src/customer-types)
 * throw these, and each edge turns them into its own answer in one place — the JSON API into its error shape
 * and status (src/api/domain-errors.ts), the admin pages into messages beside the form's fields
 * (src/api/admin/domain-errors.ts). `field` names the input that was refused, `fieldReason` says why in a few
 * words; the message is a whole English sentence for logs and the API.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  /** The input field this refusal is about, when it is about one. */
  readonly field?: string;
  /** Why, in a few words, for the field (the API's `details[].reason`). */
  readonly fieldReason?: string;

  constructor(message: string, field?: { name: string; reason: string }) {
    super(message);
    this.name = new.target.name;
    if (field) {
      this.field = field.name;
      this.fieldReason = field.reason;
    }
  }
}

export type DomainErrorKind =
  | 'unknown_reference'
  | 'connection_not_connected'
  | 'group_not_found'
  | 'directory_unavailable'
  | 'setup_exists'
  | 'run_already_active'
  | 'name_taken'
  | 'tenant_taken'
  | 'tenant_already_connected'
  | 'not_configured'
  | 'settings_malformed'
  | 'settings_refused'
  | 'connection_input_refused'
  | 'directory_already_connected'
  | 'secrets_key_missing';

/** Valid input the current state cannot satisfy, about one field: the message is "field: reason". */
abstract class FieldRefusal extends DomainError {
  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`, { name: field, reason });
  }
}

/**
 * An id in the input that names nothing of this company's (another company's id reads the same, so existence
 * never leaks): the connection or customer type of a setup.
 */
export class UnknownReference extends FieldRefusal {
  readonly kind = 'unknown_reference';
  constructor(readonly what: 'connection' | 'customer type') {
    super(what === 'connection' ? 'connectionId' : 'customerTypeId', `no such ${what} in this company`);
  }
}

/** The connection exists but is not connected (consent pending, failed, revoked…): nothing can be read through it. */
export class ConnectionNotConnected extends FieldRefusal {
  readonly kind = 'connection_not_connected';
  constructor(
    readonly status: string,
    readonly statusReason: string | null,
  ) {
    super(
      'connectionId',
      `the connection is ${status}${statusReason ? ` (${statusReason})` : ''}; it must be connected`,
    );
  }
}

/** The directory answered that the group does not exist in the tenant. */
export class GroupNotFound extends FieldRefusal {
  readonly kind = 'group_not_found';
  constructor(readonly groupId: string) {
    super('groupId', `group ${groupId} was not found in the tenant`);
  }
}

/** The directory could not be asked (an error, not an answer): nothing was decided about the input. */
export class DirectoryUnavailable extends DomainError {
  readonly kind = 'directory_unavailable';
  constructor(
    readonly groupId: string,
    readonly detail: string,
  ) {
    super(`Microsoft Graph could not be asked about group ${groupId}: ${detail}`);
  }
}

/** The connection already has a setup for this group and customer type. */
export class SetupExists extends DomainError {
  readonly kind = 'setup_exists';
  constructor() {
    super('a setup for this group and customer type already exists on this connection', {
      name: 'groupId',
      reason: 'already set up',
    });
  }
}

/** One run at a time per setup: the one going on is named. */
export class RunAlreadyActive extends DomainError {
  readonly kind = 'run_already_active';
  constructor(readonly activeRunId: string) {
    super(`a run of this setup is already in progress (${activeRunId})`);
  }
}

/** A name that must be unique in the company is taken (customer types). */
export class NameTaken extends DomainError {
  readonly kind = 'name_taken';
  constructor(readonly takenName: string) {
    super(`a customer type named '${takenName}' already exists`, { name: 'name', reason: 'already exists' });
  }
}

/** The tenant is connected to another company (and not shared with this one by the operator). */
export class TenantTaken extends DomainError {
  readonly kind = 'tenant_taken';
  constructor(
    readonly tenantGuid: string,
    message: string,
  ) {
    super(message, { name: 'tenantId', reason: 'connected to another company' });
  }
}

/** This company already has a connection for the tenant. */
export class TenantAlreadyConnected extends DomainError {
  readonly kind = 'tenant_already_connected';
  constructor(readonly tenantId: string) {
    super(`this company already has a connection for tenant '${tenantId}'`, {
      name: 'tenantId',
      reason: 'already connected',
    });
  }
}

/** The service lacks configuration the use case needs (the Azure app identity). */
export class NotConfigured extends DomainError {
  readonly kind = 'not_configured';
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}

/** One refused field of a setting checked as a whole (a mapping, the customer-type rules); `position` in its text. */
export interface SettingProblem {
  field: string;
  reason: string;
  position?: number;
}

/**
 * A setup's mapping or customer-type rules refused field by field: malformed (a source that does not parse or
 * type-check, a bad filter) or well-formed but not satisfiable (a customer type of another company, a group the
 * tenant does not have).
 */
export class SettingsRefused extends DomainError {
  readonly kind: 'settings_malformed' | 'settings_refused';
  constructor(
    malformed: boolean,
    readonly problems: SettingProblem[],
  ) {
    super(problems.map((p) => `${p.field}: ${p.reason}`).join('; '));
    this.kind = malformed ? 'settings_malformed' : 'settings_refused';
  }
}

/** The directory could not be read for a preview (an error, not an answer): nothing was decided. */
export class PreviewUnavailable extends DomainError {
  readonly kind = 'directory_unavailable';
  constructor(readonly detail: string) {
    super(`the directory could not be read for the preview: ${detail}`);
  }
}

/** A connection setting the directory's client cannot use (a URL, a DN): `reason` is the client's own words. */
export class ConnectionInputRefused extends FieldRefusal {
  readonly kind = 'connection_input_refused';
}

/** The company already has a connection to this directory (an LDAP base DN). */
export class DirectoryAlreadyConnected extends DomainError {
  readonly kind = 'directory_already_connected';
  constructor(field: string) {
    super('this company already has a connection for this base DN', { name: field, reason: 'already connected' });
  }
}

/** Credentials cannot be stored or read without SECRETS_KEY: the operator must set it. */
export class SecretsKeyMissing extends DomainError {
  readonly kind = 'secrets_key_missing';
}
