import type { DirectoryKind } from '../provider.js';

/** The kind a Microsoft Entra ID connection names (`directory_connections.provider`), as the factory knows it. */
export const entraKind = 'azure' satisfies DirectoryKind;
