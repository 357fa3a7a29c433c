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
import { parsePolicy, toArray } from '../policy/document';
import { principalAccess } from '../policy/trust';

export interface ReachableRole {
  arn: string;
  /** True when the trust policy lets the role in only under conditions. */
  conditional: boolean;
}

/**
 * The sessions to ask about: one of ours, and every session of this role the policy names by its session ARN
 * (arn:...:sts::<account>:assumed-role/<role>/<session>): a caller picks its session name, so each may be it.
 */
function sessionsToTry(policy: string, role: RoleArn): string[] {
  const prefix = `arn:${role.partition}:sts::${role.accountId}:assumed-role/`;
  const named = new Set<string>([`${prefix}${role.name}/c1-validate`]);
  for (const s of toArray(parsePolicy(policy).Statement)) {
    for (const element of [s.Principal, s.NotPrincipal]) {
      if (!element || typeof element !== 'object') continue;
      for (const entry of toArray((element as Record<string, unknown>).AWS as string | string[] | undefined)) {
        if (typeof entry !== 'string' || !entry.startsWith(prefix)) continue;
        const [roleName, ...session] = entry.slice(prefix.length).split('/');
        if (roleName.toLowerCase() === role.name.toLowerCase() && session.length) named.add(`${prefix}${role.name}/${session.join('/')}`);
      }
    }
  }
  return [...named];
}

export async function rolesTrustingRole(iam: IAMClient, role: RoleArn): Promise<{ reachable: ReachableRole[]; unreadable: string[] }> {
  // The roles looked at are in the role's own account: aws:ResourceAccount is that account too.
  const facts = { 'aws:PrincipalArn': role.arn, 'aws:PrincipalAccount': role.accountId, 'aws:PrincipalType': 'AssumedRole', 'aws:PrincipalIsAWSService': 'false', 'aws:ResourceAccount': role.accountId };
  const reachable: ReachableRole[] = [];
  const unreadable: string[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(new ListRolesCommand({ Marker: marker }));
    for (const r of page.Roles ?? []) {
      if (!r.Arn || r.Arn === role.arn || !r.AssumeRolePolicyDocument) continue;
      try {
        const accesses = sessionsToTry(r.AssumeRolePolicyDocument, role).map((session) =>
          principalAccess(r.AssumeRolePolicyDocument!, session, 'sts:AssumeRole', facts, undefined, { accountMatches: false }),
        );
        const allowed = accesses.filter((a) => a.allowed);
        if (allowed.length) reachable.push({ arn: r.Arn, conditional: allowed.every((a) => a.allowed && !!a.conditions) });
      } catch {
        // A trust policy this evaluator cannot read might let the role in: say so rather than pass it.
        unreadable.push(r.Arn);
      }
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return { reachable: reachable.sort((a, b) => a.arn.localeCompare(b.arn)), unreadable: unreadable.sort() };
}
