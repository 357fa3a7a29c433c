/**
 * The library API of `c1-aws sync`: syncAws(ctx, options) reads the estate through an AwsContext and returns the
 * snapshot plus run statistics. The engine (engine.ts) is AWS-free; AWS lives in aws/ and resources/.
 */
import type { AwsContext } from '../aws';
import { runSync, SyncReporter } from './engine';
import { isAccessDenied } from '../aws/errors';
import { awsPhases, AwsPhaseOptions } from './aws/phases';
import { AwsSyncState, emptyState, OptInReads } from './aws/state';
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
import { organizationSyncer } from './resources/organization';
import { organizationalUnitSyncer } from './resources/organizational-unit';
import { permissionSetInlinePolicySyncer, permissionSetSyncer } from './resources/permission-set';
import type { Snapshot } from './types';

export * from './types';
export { serializeSnapshot, snapshotChunks, writeFileAtomic, writeSnapshotFile, readSnapshot } from './snapshot';
export type { ScimConfig } from './aws/scim';

export const DEFAULT_CONCURRENCY = 8;

/**
 * optIn (AwsPhaseOptions): the opt-in toggles (features.toggles). `policies` adds iam_policy and inline_policy,
 * `access_keys` access-key, both from reads the sync makes anyway; `permission_sets` and `organization_hierarchy`
 * their own reads. Absent = off: the snapshot is what it was without them.
 */
export interface SyncOptions extends Partial<AwsPhaseOptions> {
  /** Timestamp written into the snapshot; injectable so two syncs can be compared byte for byte. */
  syncedAt?: string;
  reporter?: SyncReporter;
  /**
   * --sync-resource-types: only these types are written, and phases that feed none of them make no calls (the
   * engine's filter, engine.ts). Absent: every type the options enable.
   */
  resourceTypes?: readonly string[];
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

export const SYNCERS = [accountSyncer, accountIamSyncer, iamUserSyncer, groupSyncer, roleSyncer, identityProviderSyncer, ssoUserSyncer, ssoGroupSyncer];
/** The opt-in types of issue 13 (each yields nothing unless its toggle filled the state). */
SYNCERS.push(iamPolicySyncer, inlinePolicySyncer, accessKeySyncer, permissionSetSyncer, permissionSetInlinePolicySyncer, organizationSyncer, organizationalUnitSyncer);

/** Whether a type is in the --sync-resource-types selection (none = every type). */
const selected = (opts: SyncOptions, type: string) => opts.resourceTypes === undefined || opts.resourceTypes.includes(type);

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
    // Member accounts are accounts of the organization: without Organizations there are none to read.
    memberAccounts: opts.organizations ? opts.memberAccounts : undefined,
    syncOnlyAttachedPolicies: opts.syncOnlyAttachedPolicies ?? false,
    // Opt-in reads: permission sets need Identity Center, the hierarchy Organizations (capabilities.json requires).
    // As baton-aws (account.go:206-221, connector.go:256-261): without the organization type there is no tree (OUs
    // are crawled from the roots and accounts get no parent); without organizational_unit, only roots are parents.
    optIn: {
      ...opts.optIn,
      permission_sets: (opts.identityCenter ?? false) && opts.optIn?.permission_sets === true && selected(opts, 'permission_set'),
      organization_hierarchy: (opts.organizations ?? false) && opts.optIn?.organization_hierarchy === true && selected(opts, 'organization'),
    },
    organizationalUnits: selected(opts, 'organizational_unit'),
    permissionSetManagedPolicies: selected(opts, 'iam_policy'),
  };
  // The IAM opt-in reads (iam_policy/inline_policy from GAAD, access-key from the credential report), as the builders read them.
  const optInReads: OptInReads = {
    policies: phaseOpts.optIn?.policies === true && (selected(opts, 'iam_policy') || selected(opts, 'inline_policy')),
    onlyAttachedPolicies: phaseOpts.syncOnlyAttachedPolicies === true,
    accessKeys: phaseOpts.optIn?.access_keys === true && selected(opts, 'access-key'),
  };
  const state: AwsSyncState = { ...emptyState(ctx.ssoRegion), optIn: optInReads };
  // Present from the start, so permission sets are listed even when reading their policies is denied.
  if (phaseOpts.optIn?.permission_sets) state.permissionSetPolicies = new Map();
  const snapshot = await runSync({
    state,
    phases: awsPhases(ctx, phaseOpts),
    syncers: SYNCERS,
    isDenied: isAccessDenied,
    syncedAt: opts.syncedAt ?? new Date().toISOString(),
    reporter: opts.reporter,
    resourceTypes: opts.resourceTypes,
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
        // Only when on, so snapshots without the opt-in reads keep their bytes.
        ...(phaseOpts.optIn?.permission_sets ? { permissionSets: true } : {}),
        ...(phaseOpts.optIn?.organization_hierarchy ? { organizationHierarchy: true } : {}),
        // Opt-in data is named only when on, so a sync without it writes the same bytes as before it existed.
        ...(s.optIn.policies ? { policies: true, ...(s.optIn.onlyAttachedPolicies ? { onlyAttachedPolicies: true } : {}) } : {}),
        ...(s.optIn.accessKeys ? { accessKeys: true } : {}),
      },
      // The types read, when --sync-resource-types chose them: a type not listed was not read (absent, not empty).
      ...(opts.resourceTypes ? { resourceTypes: [...opts.resourceTypes] } : {}),
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
