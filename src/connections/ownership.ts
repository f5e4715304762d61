/** Reasons about who may hold a tenant, worded for the company that asked (nothing about any other company). */
export function tenantTakenReason(tenantGuid: string): string {
  return (
    `tenant ${tenantGuid} is already connected to another company in this product; a tenant belongs to one company ` +
    'unless the operator shares it between companies (ask the operator if your companies share one tenant)'
  );
}

export const neverConnected =
  'this connection was never connected through a tenant admin’s sign-in; a check only re-checks established connections — start a new consent attempt';
