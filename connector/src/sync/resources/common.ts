/** Small helpers the resource-type builders share. */
import type { Tag } from '@aws-sdk/client-iam';
import type { ResourceId } from '../../model/ids';
import type { AwsSyncState } from '../aws/state';

export const accountRef = (s: AwsSyncState): ResourceId => ({ resourceType: 'account', resource: s.accountId });

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
