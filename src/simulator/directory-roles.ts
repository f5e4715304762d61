import { SimulatorError } from './simulator-error.js';

/**
 * Entra's built-in directory roles the simulator knows, by role template id (Microsoft Entra built-in roles
 * reference, learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference). The first
 * four may grant tenant-wide admin consent to an app asking for application permissions on Microsoft Graph.
 */
export const directoryRoleTemplates = {
  'Global Administrator': '62e90394-69f5-4237-9190-012177145e10',
  'Privileged Role Administrator': 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  'Cloud Application Administrator': '158c047a-c907-4556-b7ef-446551a6b5f7',
  'Application Administrator': '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  'User Administrator': 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  'Global Reader': 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  'Directory Readers': '88d8e3e3-8f55-4a1e-953a-9b9898b8876b',
} as const;
export type DirectoryRoleName = keyof typeof directoryRoleTemplates;

const byTemplateId = new Map<string, DirectoryRoleName>(
  Object.entries(directoryRoleTemplates).map(([name, id]) => [id, name as DirectoryRoleName]),
);

/** Every signed-in member carries this one in `wids` too ("User" role template). */
export const memberUserTemplateId = 'b79fbf4d-3ef9-4689-8143-76b194e85509';

/** A role named by display name or template id, as its template id. */
export function roleTemplateId(ref: string): string {
  const name = ref as DirectoryRoleName;
  if (directoryRoleTemplates[name]) return directoryRoleTemplates[name];
  if (byTemplateId.has(ref.toLowerCase())) return ref.toLowerCase();
  throw new SimulatorError(`unknown directory role '${ref}'; known: ${Object.keys(directoryRoleTemplates).join(', ')}`);
}

export function roleDisplayName(templateId: string): string {
  return byTemplateId.get(templateId) ?? templateId;
}

/** Role assignments per tenant and user (template ids), kept beside the directory objects. */
export class DirectoryRoleAssignments {
  private readonly assignments = new Map<string, string[]>();

  set(tenantId: string, userId: string, roles: readonly string[]): string[] {
    const ids = [...new Set(roles.map(roleTemplateId))];
    this.assignments.set(`${tenantId}/${userId.toLowerCase()}`, ids);
    return ids;
  }

  of(tenantId: string, userId: string): string[] {
    return [...(this.assignments.get(`${tenantId}/${userId.toLowerCase()}`) ?? [])];
  }
}
