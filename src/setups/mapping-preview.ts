/**
 * POST /setups/{id}/mapping-preview (issue 16): ten sample members of the setup's group as the saved mapping and
 * rules map them, and as proposed ones would. Reads the directory, checks the proposal as a save would, and
 * writes nothing.
 */
import type { DirectoryConnection, SyncSetup } from '../db/schema.js';
import type { DirectoryProvider } from '../directory/provider.js';
import { providerRuleGroups } from '../engine/rule-groups.js';
import { mapsManager, memberPolicyFromSetup, scopeFromSetup } from '../engine/setup-policy.js';
import { ruleGroupIds } from '../sync/customer-type-rules.js';
import { previewMember } from '../sync/mapping-preview.js';
import type { CheckedMappingSettings } from './mapping-settings.js';

export const PREVIEW_SAMPLE_SIZE = 10;

export async function previewMapping(
  provider: DirectoryProvider,
  setup: SyncSetup,
  connection: DirectoryConnection,
  proposal: CheckedMappingSettings,
) {
  const saved = memberPolicyFromSetup(setup, connection);
  const proposed = {
    ...saved,
    mapping: proposal.mapping?.compiled ?? saved.mapping,
    customerTypeRules: proposal.rules?.compiled ?? saved.customerTypeRules,
  };
  const scope = scopeFromSetup(setup);
  if (mapsManager(proposal.mapping?.stored ?? null)) scope.withManager = true;
  const pages = provider.pageMembers(scope, { pageSize: PREVIEW_SAMPLE_SIZE })[Symbol.asyncIterator]();
  const first = await pages.next();
  await pages.return?.(undefined);
  const members = first.done ? [] : first.value.users.slice(0, PREVIEW_SAMPLE_SIZE);
  const groupIds = [
    ...new Set([...ruleGroupIds(saved.customerTypeRules ?? []), ...ruleGroupIds(proposed.customerTypeRules ?? [])]),
  ];
  const membership =
    groupIds.length > 0 && members.length > 0
      ? await providerRuleGroups(provider)(
          members.map((m) => m.id),
          groupIds,
        )
      : new Map<string, Set<string>>();
  return members.map((member) => previewMember(member, saved, proposed, membership.get(member.id) ?? new Set()));
}
