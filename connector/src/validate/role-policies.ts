/** Reads a role's identity policies: inline (ListRolePolicies/GetRolePolicy) and attached (GetPolicy/GetPolicyVersion). */
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import type { IdentityPolicy } from '../policy/coverage';

export async function managedPolicyDocument(iam: IAMClient, arn: string): Promise<string> {
  const p = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
  const v = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: p.Policy!.DefaultVersionId! }));
  return v.PolicyVersion!.Document!;
}

export async function rolePolicies(iam: IAMClient, roleName: string): Promise<{ inline: IdentityPolicy[]; attached: IdentityPolicy[] }> {
  const inline: IdentityPolicy[] = [];
  let marker: string | undefined;
  do {
    const page = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName, Marker: marker }));
    for (const name of page.PolicyNames ?? []) {
      const doc = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
      inline.push({ name, document: doc.PolicyDocument! });
    }
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  const attached: IdentityPolicy[] = [];
  do {
    const page = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker: marker }));
    for (const p of page.AttachedPolicies ?? []) attached.push({ name: p.PolicyArn!, document: await managedPolicyDocument(iam, p.PolicyArn!) });
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return { inline, attached };
}
