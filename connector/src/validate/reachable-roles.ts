/**
 * Roles of the same account whose trust policy lets the ConductorOne role in: power the role's own policies do not
 * show. In one account a trust policy that names a role (or "*") is enough for that role to assume it, so every
 * such role's permissions are ConductorOne's too, one AssumeRole away. Judged with the evaluator's rules
 * (policy/trust.ts principalAccess): an Allow that holds only under a condition still counts (what it needs may be
 * met), an unconditional Deny removes it. A trust that names only the account (its ID or root) also needs the
 * caller's own identity policy to allow sts:AssumeRole, which check 4 already refuses (no capability needs it), so
 * those are not counted here. Resource policies of other services (S3 buckets, KMS keys, secrets) are not read.
 */
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import type { RoleArn } from '../grammar/arn';
import { principalAccess } from '../policy/trust';

export interface ReachableRole {
  arn: string;
  /** True when the trust policy lets the role in only under conditions. */
  conditional: boolean;
}

export async function rolesTrustingRole(iam: IAMClient, role: RoleArn): Promise<{ reachable: ReachableRole[]; unreadable: string[] }> {
  const session = `arn:${role.partition}:sts::${role.accountId}:assumed-role/${role.name}/c1-validate`;
  const facts = { 'aws:PrincipalArn': role.arn, 'aws:PrincipalAccount': role.accountId, 'aws:PrincipalType': 'AssumedRole' };
  const reachable: ReachableRole[] = [];
  const unreadable: string[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(new ListRolesCommand({ Marker: marker }));
    for (const r of page.Roles ?? []) {
      if (!r.Arn || r.Arn === role.arn || !r.AssumeRolePolicyDocument) continue;
      try {
        const access = principalAccess(r.AssumeRolePolicyDocument, session, 'sts:AssumeRole', facts, undefined, { accountMatches: false });
        if (access.allowed) reachable.push({ arn: r.Arn, conditional: !!access.conditions });
      } catch {
        // A trust policy this evaluator cannot read might let the role in: say so rather than pass it.
        unreadable.push(r.Arn);
      }
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return { reachable, unreadable };
}
