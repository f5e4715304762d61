/**
 * A tenant is named by its GUID or by one of its verified domains (contoso.onmicrosoft.com). Both are accepted
 * when a connection is created; after verification the connection keeps the GUID Microsoft returned.
 */
const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const domainPattern = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
/** Names Entra accepts in URLs but that do not identify one tenant. */
const multiTenantAliases = new Set(['common', 'organizations', 'consumers']);

export type TenantIdentifier = { kind: 'guid'; value: string } | { kind: 'domain'; value: string };

export function isGuid(value: string): boolean {
  return guidPattern.test(value);
}

/** The normalised identifier, or the reason the input is not one. */
export function parseTenantId(input: string): TenantIdentifier | { error: string } {
  const value = input.trim().toLowerCase();
  if (value === '') return { error: 'is required' };
  if (multiTenantAliases.has(value))
    return { error: `'${value}' does not name one tenant; use the tenant ID (a GUID) or a verified domain` };
  if (guidPattern.test(value)) {
    if (value === '00000000-0000-0000-0000-000000000000') return { error: 'is the empty GUID' };
    return { kind: 'guid', value };
  }
  if (domainPattern.test(value)) return { kind: 'domain', value };
  return {
    error:
      'must be a tenant ID (a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47) or a verified domain such as contoso.onmicrosoft.com',
  };
}
