import {
  ConnectionInputRefused,
  ConnectionNotConnected,
  DirectoryAlreadyConnected,
  DirectoryUnavailable,
  GroupNotFound,
  NameTaken,
  NotConfigured,
  RunAlreadyActive,
  SecretsKeyMissing,
  SettingsRefused,
  SetupExists,
  TenantAlreadyConnected,
  TenantTaken,
  UnknownReference,
  type DomainError,
  type DomainErrorKind,
} from '../../src/domain/errors.js';

/** One refusal of every kind (a new kind without a sample does not compile), for the mapping tests of both edges. */
export const domainErrorSamples: Record<DomainErrorKind, DomainError> = {
  unknown_reference: new UnknownReference('customer type'),
  connection_not_connected: new ConnectionNotConnected('consent_revoked', 'the app has no admin consent'),
  group_not_found: new GroupNotFound('6a1b2c3d-0000-4000-8000-00000000000a'),
  directory_unavailable: new DirectoryUnavailable('6a1b2c3d-0000-4000-8000-00000000000a', 'HTTP 503'),
  setup_exists: new SetupExists(),
  run_already_active: new RunAlreadyActive('7b2c3d4e-0000-4000-8000-00000000000b'),
  name_taken: new NameTaken('Kunder'),
  tenant_taken: new TenantTaken('0c1d2e3f-0000-4000-8000-000000000001', 'tenant is connected elsewhere'),
  tenant_already_connected: new TenantAlreadyConnected('contoso.onmicrosoft.com'),
  not_configured: new NotConfigured('the Azure app identity is not configured on this service (AZURE_CLIENT_ID)'),
  settings_malformed: new SettingsRefused(true, [
    { field: 'mapping.employeeId', reason: 'unknown function Lowr', position: 0 },
  ]),
  connection_input_refused: new ConnectionInputRefused('baseDn', 'malformed at character 10: an empty RDN'),
  directory_already_connected: new DirectoryAlreadyConnected('baseDn'),
  secrets_key_missing: new SecretsKeyMissing('SECRETS_KEY is not set: an LDAP bind password cannot be stored'),
  settings_refused: new SettingsRefused(false, [
    { field: 'customerTypeRules[0].customerTypeId', reason: 'no such customer type in this company' },
  ]),
};
