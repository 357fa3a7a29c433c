/** Small helpers the resource-type builders share. */
import type { Tag } from '@aws-sdk/client-iam';
import type { ResourceId } from '../../model/ids';
import type { AwsSyncState } from '../aws/state';
import type { ResourceBatch } from '../types';

export const accountRef = (s: AwsSyncState): ResourceId => s.iamParent ?? { resourceType: 'account', resource: s.accountId };

/**
 * A resource type's builder over the management account's IAM and every member account's that was read (each
 * member account's resources are children of its account_iam resource, as baton-aws's).
 */
export function acrossAccounts(build: (s: AwsSyncState) => ResourceBatch): (s: AwsSyncState) => ResourceBatch {
  return (s) => {
    const out: Required<ResourceBatch> = { resources: [], entitlements: [], grants: [], warnings: [] };
    for (const state of [s, ...(s.memberAccounts ?? []).flatMap((m) => (m.iam ? [m.iam] : []))]) {
      const b = build(state);
      out.resources.push(...b.resources);
      out.entitlements.push(...b.entitlements);
      out.grants.push(...b.grants);
      out.warnings.push(...(b.warnings ?? []));
    }
    return out;
  };
}

export const iso = (d: Date | undefined): string | undefined => d?.toISOString();

export function tagsOf(tags: Tag[] | undefined): Record<string, string> | undefined {
  if (!tags || tags.length === 0) return undefined;
  return Object.fromEntries(tags.map((t) => [t.Key ?? '', t.Value ?? '']));
}

/** Drops undefined values so profiles only hold what AWS said. */
export function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export const nameFromArn = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
