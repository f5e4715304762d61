import type { Reason } from '../sync/reasons.js';
import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable, Updateable } from 'kysely';
import type { DirectoryKind, IncrementalState } from '../directory/provider.js';
import type { DirectoryUser } from '../sync/types.js';
import type { CustomerTypeRule } from '../sync/customer-type-rules.js';
import type { ProductAttributes, StoredMapping } from '../sync/product-mapping.js';

/** Kysely's view of the tables created by the migrations in ./migrations (keep the two in step). */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type OptionalText = ColumnType<string | null, string | null | undefined, string | null>;

export type ConnectionStatus =
  'pending_consent' | 'verifying' | 'connected' | 'consent_denied' | 'consent_expired' | 'consent_revoked' | 'failed';
export type SetupStatus = 'active' | 'paused' | 'error';
export type RunStatus = 'queued' | 'running' | 'awaiting_approval' | 'succeeded' | 'failed' | 'cancelled';
export type RunTrigger = 'schedule' | 'manual' | 'api';
export type RunMode = 'full' | 'delta';
export type ChangeAuditAction =
  'create' | 'update' | 'adopt' | 'deactivate' | 'delete' | 'skip' | 'conflict' | 'failed';

export interface CompaniesTable {
  id: Generated<string>;
  name: string;
  directory_sync_enabled: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ApiKeysTable {
  id: Generated<string>;
  company_id: string;
  name: Generated<string>;
  prefix: string;
  key_hash: string;
  created_at: Generated<Date>;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface CustomerTypesTable {
  id: Generated<string>;
  company_id: string;
  name: string;
  created_at: Generated<Date>;
}

export interface DirectoryConnectionsTable {
  id: Generated<string>;
  company_id: string;
  provider: DirectoryKind;
  /** azure: as typed, then the tenant GUID Microsoft confirmed; ldap: the base DN, normalised. */
  tenant_id: string;
  tenant_guid: string | null;
  designation: string | null;
  status: Generated<ConnectionStatus>;
  status_reason: string | null;
  /** status_reason as a code with parameters (src/sync/status-reasons.ts); null before codes or without a reason. */
  status_reason_detail: JSONColumnType<Reason | null, string | null | undefined, string | null>;
  organization_name: string | null;
  verified_domains: JSONColumnType<string[], string | undefined, string>;
  connected_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  /** Who proved to be an admin of the tenant (OpenID Connect sign-in) when it was connected; null = never. */
  admin_upn: Generated<string | null>;
  admin_object_id: Generated<string | null>;
  admin_verified_at: Generated<Date | null>;
  /** provider 'ldap' only (null otherwise): how to reach the DC; the password only encrypted (secret-box). */
  ldap_url: OptionalText;
  ldap_bind_dn: OptionalText;
  ldap_bind_password_encrypted: OptionalText;
  ldap_ca_certificate_pem: OptionalText;
  ldap_base_dn: OptionalText;
  ldap_allow_unencrypted: Generated<boolean>;
  /** What the last verification read from the DC, or `{ failure: { reason, resultCode } }`. */
  ldap_verification_facts: JSONColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  ldap_verified_at: NullableTimestamp;
}

export interface ConsentStatesTable {
  state_hash: string;
  connection_id: string;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  created_at: Generated<Date>;
  /** 'consent': the admin-consent round trip; 'sign_in': the OpenID Connect sign-in that proves the admin. */
  purpose: Generated<'consent' | 'sign_in'>;
  company_id: string | null;
  nonce_hash: string | null;
  code_verifier: string | null;
}

export interface TenantSharesTable {
  tenant_guid: string;
  company_id: string;
  created_at: Generated<Date>;
}

export interface TenantShareAuditTable {
  id: Generated<string>;
  tenant_guid: string;
  action: 'set' | 'delete';
  company_ids: string[];
  actor: string;
  at: Generated<Date>;
}

export interface SyncSetupsTable {
  id: Generated<string>;
  company_id: string;
  connection_id: string;
  customer_type_id: string;
  resource_type: Generated<'users'>;
  designation: string | null;
  group_id: string;
  group_display_name: string | null;
  update_existing: Generated<boolean>;
  delete_removed: Generated<boolean>;
  match_on: Generated<'email' | 'initials'>;
  initials_attributes: ColumnType<string[], string[] | undefined, string[]>;
  ldap_path: string | null;
  ldap_filter: string | null;
  interval_minutes: Generated<number>;
  removal_grace_days: Generated<number>;
  deletion_threshold_count: Generated<number>;
  deletion_threshold_percent: Generated<number>;
  enabled: Generated<boolean>;
  status: Generated<SetupStatus>;
  status_reason: string | null;
  /** status_reason as a code with parameters (src/sync/status-reasons.ts); null before codes or without a reason. */
  status_reason_detail: JSONColumnType<Reason | null, string | null | undefined, string | null>;
  full_reconcile_hours: Generated<number>;
  /** Why the delta state was dropped by a setup change (the next run is full and says so), and when. */
  delta_reset_reason: Generated<string | null>;
  delta_reset_at: Generated<Date | null>;
  // issue 16: attribute mapping and customer-type rules (see the attribute_mapping migration)
  mapping: JSONColumnType<StoredMapping | null, string | null | undefined, string | null>;
  customer_type_rules: JSONColumnType<CustomerTypeRule[], string | undefined, string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface UsersTable {
  id: Generated<string>;
  company_id: string;
  customer_type_id: string;
  email: string | null;
  initials: string | null;
  first_name: string | null;
  last_name: string | null;
  display_name: string | null;
  phone: string | null;
  mobile: string | null;
  department: string | null;
  job_title: string | null;
  office_location: string | null;
  external_id: string | null;
  managing_setup_id: string | null;
  active: Generated<boolean>;
  deactivated_at: NullableTimestamp;
  deactivated_by_setup_id: string | null;
  /** issue 16: mapped product fields beyond the columns (src/sync/product-mapping.ts ProductAttributes). */
  attributes: JSONColumnType<ProductAttributes, string | undefined, string>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  /** Set by the sync, cleared by any other change (migration 2026_12_01_210000_settled_members). */
  settled_hash: Generated<string | null>;
  /** A managed user a run's removal phase saw outside the setup's group and kept (migration 2026_12_01_240000). */
  not_member_since: NullableTimestamp;
}

export interface SyncRunsTable {
  id: Generated<string>;
  setup_id: string | null;
  company_id: string;
  trigger: RunTrigger;
  mode: Generated<RunMode>;
  dry_run: Generated<boolean>;
  status: Generated<RunStatus>;
  counts: JSONColumnType<Record<string, number>, string | undefined, string>;
  progress: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  error: string | null;
  /** error as a code with parameters (src/sync/status-reasons.ts) when the failure has one. */
  error_detail: JSONColumnType<Reason | null, string | null | undefined, string | null>;
  workflow_id: string | null;
  created_at: Generated<Date>;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  /** Distinct members staged so far (kept exact by stageMembers: a replayed member is not counted twice). */
  members_read: Generated<number>;
  /** The highest Graph page staged so far. */
  pages_read: Generated<number>;
  /** Delta links this run stores for its setup when it succeeds. */
  pending_delta: JSONColumnType<IncrementalState | null, string | null | undefined, string | null>;
}

/** A run's staged directory members (see the sync engine migration). */
export interface SyncRunMembersTable {
  run_id: string;
  external_id: string;
  ordinal: number;
  /**
   * The mapped member; null for a settled member (`settled`: staged without its data, which the run does not need)
   * and for one staged as its directory sent it (`source`).
   */
  data: JSONColumnType<DirectoryUser | null, string | null, string | null>;
  /** The member as its directory sent it, in `source_format` (src/directory/staged-sources.ts), mapped on read-back. */
  source: JSONColumnType<object | null, string | null, string | null>;
  source_format: string | null;
  /** The mapped member's `enabled`, for the deletion guard; null when not read, or staged before this column. */
  enabled: boolean | null;
  /** A digest of `data` (sync-staging.ts); null for rows staged without one (a delta run's). */
  data_hash: Generated<string | null>;
  /** The member's user was settled when it was staged (sync-settled.ts): counted unchanged, not planned. */
  settled: Generated<boolean>;
}

/** The idempotency key and result of each applied batch. */
export interface SyncRunBatchesTable {
  run_id: string;
  batch_key: string;
  counts: JSONColumnType<Record<string, number>, string, string>;
  cursor: string | null;
  applied_at: Generated<Date>;
}

export interface SyncChangesTable {
  id: Generated<string>;
  run_id: string;
  setup_id: string;
  company_id: string;
  user_id: string | null;
  external_id: string | null;
  action: ChangeAuditAction;
  before: JSONColumnType<Record<string, unknown> | null, string | null, never>;
  after: JSONColumnType<Record<string, unknown> | null, string | null, never>;
  reason: string;
  /** The reason as { code, params } (src/sync/reasons.ts); null for rows written before it was stored. */
  reason_detail: JSONColumnType<Reason | null, string | null, never>;
  created_at: Generated<Date>;
  subject_key: string;
}

/** Where a setup's delta queries resume (see the delta_sync migration). */
export interface SyncDeltaStateTable {
  setup_id: string;
  /** The provider's own "where incremental reads stand" (Entra: its delta links), as JSON. */
  state: JSONColumnType<IncrementalState, string, string>;
  established_at: Timestamp;
  last_full_at: Timestamp;
  updated_at: Generated<Date>;
  /** The setup's non-member markers are complete (set by a full run's commit; migration 2026_12_01_240000). */
  non_members_marked: Generated<boolean>;
}

export interface SyncRunDeltaMembersTable {
  run_id: string;
  external_id: string;
  change: 'added' | 'removed';
}

export interface SyncRunDeltaUsersTable {
  run_id: string;
  external_id: string;
  data: JSONColumnType<DirectoryUser | null, string | null, string | null>;
  removed_reason: string | null;
}

export interface AdminSessionsTable {
  sid_hash: string;
  company_id: string;
  api_key_id: string;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  ended_at: NullableTimestamp;
}

/** The event feed and notification outbox; `txid` (xid8, as text) is the writing transaction's id. */
export interface DirectoryEventsTable {
  id: Generated<number>;
  txid: Generated<string>;
  company_id: string;
  type: string;
  setup_id: string | null;
  run_id: string | null;
  user_id: string | null;
  data: JSONColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: Generated<Date>;
}

export type NotificationTargetKind = 'webhook' | 'email';
export interface NotificationTargetsTable {
  id: Generated<string>;
  company_id: string;
  kind: NotificationTargetKind;
  name: string;
  url: string | null;
  emails: JSONColumnType<string[] | null, string | null, string | null>;
  /** AES-256-GCM under SECRETS_KEY (src/notifications/secret-box.ts); never returned. */
  secret_encrypted: string | null;
  event_types: ColumnType<string[], string[], string[]>;
  enabled: Generated<boolean>;
  created_at: Generated<Date>;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';
export interface NotificationDeliveriesTable {
  id: Generated<string>;
  event_id: number;
  target_id: string;
  company_id: string;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: Generated<Date>;
  delivered_at: NullableTimestamp;
  dispatched_at: NullableTimestamp;
}

export interface NotificationAttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  attempt: number;
  started_at: Generated<Date>;
  finished_at: NullableTimestamp;
  ok: boolean | null;
  status_code: number | null;
  error: string | null;
}

export interface NotificationRelayTable {
  id: number;
  txid: string;
  event_id: number;
}

export interface Database {
  companies: CompaniesTable;
  api_keys: ApiKeysTable;
  admin_sessions: AdminSessionsTable;
  customer_types: CustomerTypesTable;
  directory_connections: DirectoryConnectionsTable;
  consent_states: ConsentStatesTable;
  tenant_shares: TenantSharesTable;
  tenant_share_audit: TenantShareAuditTable;
  sync_setups: SyncSetupsTable;
  users: UsersTable;
  sync_runs: SyncRunsTable;
  sync_changes: SyncChangesTable;
  sync_delta_state: SyncDeltaStateTable;
  sync_run_delta_members: SyncRunDeltaMembersTable;
  sync_run_delta_users: SyncRunDeltaUsersTable;
  sync_run_members: SyncRunMembersTable;
  sync_run_batches: SyncRunBatchesTable;
  directory_events: DirectoryEventsTable;
  notification_targets: NotificationTargetsTable;
  notification_deliveries: NotificationDeliveriesTable;
  notification_attempts: NotificationAttemptsTable;
  notification_relay: NotificationRelayTable;
}

export type Company = Selectable<CompaniesTable>;
export type NewCompany = Insertable<CompaniesTable>;
export type CompanyUpdate = Updateable<CompaniesTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type CustomerType = Selectable<CustomerTypesTable>;
export type DirectoryConnection = Selectable<DirectoryConnectionsTable>;
export type SyncSetup = Selectable<SyncSetupsTable>;
export type UserRow = Selectable<UsersTable>;
export type SyncRun = Selectable<SyncRunsTable>;
export type SyncChange = Selectable<SyncChangesTable>;
export type NewSyncChange = Insertable<SyncChangesTable>;
export type SyncRunBatch = Selectable<SyncRunBatchesTable>;
