import { isEnabledInDirectory } from './mapping.js';
import type { DirectoryUser, ProductUser } from './types.js';

/**
 * Whether a linked product user should be active. Activation follows Entra whatever updateExisting says,
 * because it is access control, not an attribute — with one exception: the sync only undoes its own
 * deactivations. A user someone switched off in the product stays off even while Entra says enabled.
 */
export function desiredActive(member: DirectoryUser, current: ProductUser, setupId: string): boolean {
  if (!isEnabledInDirectory(member)) return false;
  return current.active || current.deactivatedBySetupId === setupId;
}
