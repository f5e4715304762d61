import { createHash, randomBytes, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import { notFound, SimulatorError } from './simulator-error.js';

/** Application permissions (app roles on Microsoft Graph) a registration can ask for. */
export const graphApplicationPermissions = [
  'GroupMember.Read.All',
  'Group.Read.All',
  'User.Read.All',
  'Organization.Read.All',
  'Directory.Read.All',
] as const;
export type GraphPermission = (typeof graphApplicationPermissions)[number];
export const defaultAppPermissions: GraphPermission[] = [
  'GroupMember.Read.All',
  'User.Read.All',
  'Organization.Read.All',
];

export interface AppCertificate {
  /** base64url SHA-1 / SHA-256 of the DER certificate: the `x5t` / `x5t#S256` a client assertion names. */
  x5t: string;
  x5tS256: string;
  publicKey: KeyObject;
}

export interface AppRegistration {
  clientId: string;
  displayName: string;
  secrets: string[];
  certificates: AppCertificate[];
  permissions: GraphPermission[];
  /** Redirect URIs admin consent may send the browser back to; `any` accepts every https/http URI (the default app, for demos on random ports). */
  redirectUris: string[] | 'any';
  /**
   * The manifest's `groupMembershipClaims`: Entra puts the user's directory roles into ID tokens as `wids` only
   * when it includes directory roles ('DirectoryRole' or 'All'); 'None' (Entra's default) leaves `wids` out.
   */
  groupMembershipClaims: 'None' | 'SecurityGroup' | 'DirectoryRole' | 'All';
}

export interface AppInput {
  clientId?: string;
  displayName?: string;
  clientSecret?: string;
  certificatePem?: string;
  permissions?: GraphPermission[];
  redirectUris?: string[] | 'any';
  groupMembershipClaims?: AppRegistration['groupMembershipClaims'];
}

/**
 * Consent as Entra has it, per tenant and app:
 * - none: no service principal in the tenant; the token endpoint refuses (AADSTS7000229);
 * - granted: tokens carry the app's permissions as `roles`;
 * - revoked: the service principal stays but its permissions were removed; tokens are still issued,
 *   without roles, so Graph answers 403 Authorization_RequestDenied. Like Entra, a revocation shows on
 *   the next token: one issued before keeps its roles until it expires.
 */
export type ConsentState = 'none' | 'granted' | 'revoked';

/** How the admin-consent page answers for a tenant: as if the admin accepted, declined, or let a person click. */
export type ConsentMode = 'grant' | 'deny' | 'interactive';

export class AppRegistry {
  private readonly apps = new Map<string, AppRegistration>();
  private readonly consents = new Map<string, ConsentState>();
  private readonly modes = new Map<string, ConsentMode>();

  register(input: AppInput = {}): AppRegistration & { clientSecret: string | undefined } {
    const clientId = (input.clientId ?? randomUUID()).toLowerCase();
    if (this.apps.has(clientId)) throw new SimulatorError(`app '${clientId}' is already registered`, 409);
    const clientSecret =
      input.clientSecret ?? (input.certificatePem ? undefined : randomBytes(30).toString('base64url'));
    const app: AppRegistration = {
      clientId,
      displayName: input.displayName ?? 'Directory Sync',
      secrets: clientSecret ? [clientSecret] : [],
      certificates: input.certificatePem ? [appCertificate(input.certificatePem)] : [],
      permissions: [...(input.permissions ?? defaultAppPermissions)],
      redirectUris: input.redirectUris ?? 'any',
      groupMembershipClaims: input.groupMembershipClaims ?? 'DirectoryRole',
    };
    this.apps.set(clientId, app);
    return { ...app, clientSecret };
  }

  find(clientId: string): AppRegistration | undefined {
    return this.apps.get(clientId.toLowerCase());
  }

  require(clientId: string): AppRegistration {
    const app = this.find(clientId);
    if (!app) throw notFound('app', clientId);
    return app;
  }

  list(): AppRegistration[] {
    return [...this.apps.values()];
  }

  consentState(tenantId: string, clientId: string): ConsentState {
    return this.consents.get(consentKey(tenantId, clientId)) ?? 'none';
  }

  grantConsent(tenantId: string, clientId: string): void {
    this.consents.set(consentKey(tenantId, this.require(clientId).clientId), 'granted');
  }

  /** Removes the granted permissions; with `removeServicePrincipal` the app leaves the tenant entirely. */
  revokeConsent(tenantId: string, clientId: string, options: { removeServicePrincipal?: boolean } = {}): void {
    const key = consentKey(tenantId, this.require(clientId).clientId);
    if (options.removeServicePrincipal) this.consents.delete(key);
    else if (this.consents.has(key)) this.consents.set(key, 'revoked');
  }

  /** The permissions a token issued now carries. */
  grantedPermissions(tenantId: string, clientId: string): GraphPermission[] {
    return this.consentState(tenantId, clientId) === 'granted' ? [...this.require(clientId).permissions] : [];
  }

  consentMode(tenantId: string): ConsentMode {
    return this.modes.get(tenantId) ?? 'grant';
  }

  setConsentMode(tenantId: string, mode: ConsentMode): void {
    this.modes.set(tenantId, mode);
  }
}

function consentKey(tenantId: string, clientId: string): string {
  return `${tenantId}/${clientId.toLowerCase()}`;
}

function appCertificate(pem: string): AppCertificate {
  const certificate = new X509Certificate(pem);
  return {
    x5t: createHash('sha1').update(certificate.raw).digest('base64url'),
    x5tS256: createHash('sha256').update(certificate.raw).digest('base64url'),
    publicKey: certificate.publicKey,
  };
}
