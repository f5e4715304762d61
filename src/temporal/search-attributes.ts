import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes, so a person can find a company's, connection's, tenant's or setup's workflows
 * and schedules in the Temporal Web UI (e.g. `SetupId = '…'`). Registered by the dev server launcher and by
 * `directory-sync migrate` on an external cluster.
 */
export const CompanyIdAttribute = defineSearchAttributeKey('DsCompanyId', SearchAttributeType.KEYWORD);
export const ConnectionIdAttribute = defineSearchAttributeKey('DsConnectionId', SearchAttributeType.KEYWORD);
export const TenantIdAttribute = defineSearchAttributeKey('DsTenantId', SearchAttributeType.KEYWORD);
export const SetupIdAttribute = defineSearchAttributeKey('DsSetupId', SearchAttributeType.KEYWORD);
/** The connection's status as the onboarding workflow last saw it (pending_consent, verifying, connected, …). */
export const ConnectionStatusAttribute = defineSearchAttributeKey('DsConnectionStatus', SearchAttributeType.KEYWORD);

export const searchAttributes = [
  CompanyIdAttribute,
  ConnectionIdAttribute,
  TenantIdAttribute,
  SetupIdAttribute,
  ConnectionStatusAttribute,
];
