/** IAM users: resources only (baton-aws skips their entitlements); memberships are the groups' grants. */
import { RESOURCE_TYPES } from '../../model/ids';
import type { ResourceTypeSyncer } from '../engine';
import type { AwsSyncState } from '../aws/state';
import type { Resource } from '../types';
import { accountRef, acrossAccounts, compact, iso, tagsOf } from './common';

/** Emails: the user name when it is one (primary), then the `email` tag (baton-aws's rule). */
export function iamUserEmails(userName: string, tags: Record<string, string> | undefined): { address: string; primary: boolean }[] {
  const out: { address: string; primary: boolean }[] = [];
  if (userName.includes('@')) out.push({ address: userName, primary: true });
  const tag = Object.entries(tags ?? {}).find(([k]) => k.toLowerCase() === 'email')?.[1];
  if (tag && tag !== userName) out.push({ address: tag, primary: out.length === 0 });
  return out;
}

export const iamUserSyncer: ResourceTypeSyncer<AwsSyncState> = {
  type: RESOURCE_TYPES.iam_user,
  build: acrossAccounts((s) => {
    const resources = s.users.map((u): Resource => {
      const tags = tagsOf(u.Tags);
      const lastUsed = s.passwordLastUsed.get(u.Arn!);
      return {
        id: { resourceType: 'iam_user', resource: u.Arn! },
        parent: accountRef(s),
        displayName: u.UserName!,
        profile: compact({
          aws_arn: u.Arn,
          aws_path: u.Path,
          aws_user_id: u.UserId,
          aws_user_name: u.UserName,
          aws_created: iso(u.CreateDate),
          // A date, or the report's marker (no_information: never used; not_supported: no password).
          aws_password_last_used: lastUsed,
          emails: iamUserEmails(u.UserName!, tags),
          aws_tags: tags,
        }),
        status: 'enabled',
      };
    });
    return { resources, entitlements: [], grants: [] };
  }),
};
