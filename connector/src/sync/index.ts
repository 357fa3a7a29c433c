/**
 * The library API of `c1-aws sync`: syncAws(ctx, options) reads the estate through an AwsContext and returns the
 * snapshot plus run statistics. The engine (engine.ts) is AWS-free; AWS lives in aws/ and resources/.
 */
import type { AwsContext } from '../aws';
import { runSync, SyncReporter } from './engine';
import { isAccessDenied } from '../aws/errors';
import { awsPhases, AwsPhaseOptions } from './aws/phases';
import { AwsSyncState, emptyState } from './aws/state';
import type { OptInToggle } from '../policy/capabilities';
import { accessKeySyncer } from './resources/access-key';
import { accountSyncer } from './resources/account';
import { accountIamSyncer } from './resources/account-iam';
import { groupSyncer } from './resources/group';
import { iamUserSyncer } from './resources/iam-user';
import { iamPolicySyncer } from './resources/iam-policy';
import { identityProviderSyncer } from './resources/identity-provider';
import { inlinePolicySyncer } from './resources/inline-policy';
import { roleSyncer } from './resources/role';
import { ssoGroupSyncer } from './resources/sso-group';
import { ssoUserSyncer } from './resources/sso-user';
import type { Snapshot } from './types';

export * from './types';
export { serializeSnapshot, writeFileAtomic, readSnapshot } from './snapshot';
export type { ScimConfig } from './aws/scim';

export const DEFAULT_CONCURRENCY = 8;

export interface SyncOptions extends Partial<Omit<AwsPhaseOptions, 'optIn'>> {
  /**
   * The opt-in toggles (features.toggles): `policies` adds iam_policy and inline_policy, `access_keys` adds
   * access-key, both from reads the sync makes anyway. Absent = off: the snapshot is what it was without them.
   */
  toggles?: Partial<Record<OptInToggle, boolean>>;
  /** baton-aws's --sync-only-attached-policies: iam_policy only for policies attached to a user, group or role. */
  syncOnlyAttachedPolicies?: boolean;
  /** Timestamp written into the snapshot; injectable so two syncs can be compared byte for byte. */
  syncedAt?: string;
  reporter?: SyncReporter;
}

export interface SyncResult {
  snapshot: Snapshot;
  stats: {
    durationMs: number;
    calls: Record<string, number>;
    totalCalls: number;
    counts: Record<string, number>;
    grants: number;
    assignmentStrategy?: string;
  };
}

export const SYNCERS = [accountSyncer, accountIamSyncer, iamUserSyncer, groupSyncer, roleSyncer, identityProviderSyncer, ssoUserSyncer, ssoGroupSyncer, iamPolicySyncer, inlinePolicySyncer, accessKeySyncer];

export async function syncAws(ctx: AwsContext, opts: SyncOptions = {}): Promise<SyncResult> {
  const started = Date.now();
  const before = ctx.calls.toJSON();
  const phaseOpts: AwsPhaseOptions = {
    organizations: opts.organizations ?? false,
    identityCenter: opts.identityCenter ?? false,
    concurrency: opts.concurrency ?? DEFAULT_CONCURRENCY,
    assignmentStrategy: opts.assignmentStrategy ?? 'auto',
    scim: opts.scim,
    credentialReport: opts.credentialReport ?? true,
    optIn: { policies: opts.toggles?.policies === true, onlyAttachedPolicies: opts.syncOnlyAttachedPolicies === true, accessKeys: opts.toggles?.access_keys === true },
    // Member accounts are accounts of the organization: without Organizations there are none to read.
    memberAccounts: opts.organizations ? opts.memberAccounts : undefined,
  };
  const state: AwsSyncState = { ...emptyState(ctx.ssoRegion), optIn: phaseOpts.optIn! };
  const snapshot = await runSync({
    state,
    phases: awsPhases(ctx, phaseOpts),
    syncers: SYNCERS,
    isDenied: isAccessDenied,
    syncedAt: opts.syncedAt ?? new Date().toISOString(),
    reporter: opts.reporter,
    source: (s) => ({
      accountId: s.accountId,
      partition: s.partition,
      callerArn: s.callerArn,
      accountAliases: s.aliases,
      organizationId: s.organization?.id,
      identityCenter: s.identityCenter ? { ...s.identityCenter, region: s.ssoRegion, assignmentStrategy: s.assignmentStrategy } : undefined,
      features: {
        organizations: phaseOpts.organizations,
        identityCenter: phaseOpts.identityCenter,
        scim: phaseOpts.scim !== undefined,
        memberAccounts: phaseOpts.memberAccounts !== undefined,
        // Opt-in data is named only when on, so a sync without it writes the same bytes as before it existed.
        ...(s.optIn.policies ? { policies: true, ...(s.optIn.onlyAttachedPolicies ? { onlyAttachedPolicies: true } : {}) } : {}),
        ...(s.optIn.accessKeys ? { accessKeys: true } : {}),
      },
      // Which member accounts' IAM the snapshot holds, and for the others why not (their data is missing, not empty).
      ...(s.memberAccounts ? { memberAccounts: s.memberAccounts.map((m) => ({ accountId: m.accountId, roleArn: m.roleArn, data: m.data, ...(m.reason ? { reason: m.reason } : {}) })) } : {}),
    }),
  });
  const calls: Record<string, number> = {};
  for (const [k, v] of Object.entries(ctx.calls.toJSON())) if (v - (before[k] ?? 0) > 0) calls[k] = v - (before[k] ?? 0);
  const counts: Record<string, number> = {};
  for (const r of snapshot.resources) counts[r.id.resourceType] = (counts[r.id.resourceType] ?? 0) + 1;
  return {
    snapshot,
    stats: {
      durationMs: Date.now() - started,
      calls,
      totalCalls: Object.values(calls).reduce((a, b) => a + b, 0),
      counts,
      grants: snapshot.grants.length,
      assignmentStrategy: state.assignmentStrategy,
    },
  };
}
