/**
 * Check 8 (member accounts on): for every ACTIVE member account of the organization, is the member role there and
 * right? Judged from what the deployer can see, with the deployer's own credentials:
 *   - the StackSet's instances (cloudformation:ListStackInstances on --member-stack-set-name): the account is a
 *     target and the last operation there succeeded (CURRENT / SUCCEEDED), or why not;
 *   - the role itself, read through the role the deployer has in each member account (--member-inspect-role-name,
 *     default OrganizationAccountAccessRole, which Organizations creates): it exists at the expected path, its trust
 *     is exactly the management role + aws:PrincipalOrgID with no external ID (policy/member-trust.ts), and its
 *     permissions are the member capabilities and nothing more (iam_sync, plus iam_provisioning narrowed to the group
 *     path with --member-provisioning), judged by the same coverage rule as the management role (policy/coverage.ts).
 * Ready means all of these were seen to hold; a role that could not be read is not ready ("unverified"): validate
 * passes only what it has checked. Accounts that are not ACTIVE are listed as skipped. The management account needs
 * no member role (service-managed StackSets never deploy there; the management role covers it).
 */
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { createChainedContext } from '../aws/context';
import { describeAwsError, errorName, isAccessDenied } from '../aws/errors';
import { AssumeRoleError } from '../aws/assume-role';
import type { StackInstanceSummary } from '../aws/cloudformation';
import { capability, CapabilityId } from '../policy/capabilities';
import { checkCoverage, IdentityPolicy, neededActions } from '../policy/coverage';
import { memberTrustProblems } from '../policy/member-trust';
import { mapLimit } from '../sync/concurrency';
import defaults from '../../../modules/conductorone-aws-role/defaults.json';
import { managedPolicyDocument, rolePolicies } from './role-policies';
import { organizationOf } from './organization';
import { Check, fail, pass, skip } from './types';

export const INSPECT_SESSION_NAME = 'c1-aws-validate-member';
const CONCURRENCY = 8;
const SHOW = 10;

export interface MemberAccountRow {
  accountId: string;
  name: string;
  /**
   * ready: seen to be right; not-ready: fails the check; not-targeted: the StackSet does not target the account and no
   * working member role is there (the user's choice of targets: reported, ConductorOne will not see its IAM, but it
   * does not fail the check); skipped: not ACTIVE.
   */
  status: 'ready' | 'not-ready' | 'not-targeted' | 'skipped';
  reasons: string[];
  stackInstance?: { status: string; detailedStatus?: string; statusReason?: string };
}

const isMissing = (e: unknown) => /^NoSuchEntity(Exception)?$/.test(errorName(e));

export const memberAccountsCheck: Check = {
  id: 'member-accounts',
  title: 'Member accounts',
  needs: ['organizations'],
  async run(ctx) {
    const { config } = ctx;
    const members = config.members;
    if (!config.toggles.member_accounts || !members) {
      return skip('member-account IAM is not read (needs Organizations, and Identity Center off or --global-aws-cross-account-iam-enabled)');
    }
    const aws = ctx.aws();
    const role = ctx.state.role!;
    const org = await organizationOf(ctx);
    const accounts: { id: string; name: string; status: string }[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await aws.organizations.send(new ListAccountsCommand({ NextToken: token }));
        for (const a of page.Accounts ?? []) accounts.push({ id: a.Id!, name: a.Name ?? a.Id!, status: (a as { State?: string }).State ?? a.Status ?? 'UNKNOWN' });
        token = page.NextToken;
      } while (token);
    } catch (e) {
      return fail(`organizations:ListAccounts failed: ${describeAwsError(e)}`);
    }

    // The StackSet's view: which accounts it targets and how its last operation went there.
    let instances: Map<string, StackInstanceSummary> | undefined;
    let stackSetNote: string;
    try {
      instances = new Map((await aws.cloudFormation.listStackInstances(members.stackSetName)).map((i) => [i.account, i]));
      stackSetNote = `stack set ${members.stackSetName}: ${instances.size} instance(s)`;
    } catch (e) {
      stackSetNote =
        errorName(e) === 'StackSetNotFoundException'
          ? `no stack set named ${members.stackSetName} (--member-stack-set-name) in this account and region`
          : `the stack set ${members.stackSetName} cannot be read: cloudformation:ListStackInstances failed: ${describeAwsError(e)}`;
    }

    const managementId = org.managementAccountId ?? role.accountId;
    const memberAccounts = accounts.filter((a) => a.id !== managementId);
    const active = memberAccounts.filter((a) => a.status === 'ACTIVE');
    const skipped: MemberAccountRow[] = memberAccounts
      .filter((a) => a.status !== 'ACTIVE')
      .map((a) => ({ accountId: a.id, name: a.name, status: 'skipped', reasons: [`the account is ${a.status}`] }));

    const capabilities: CapabilityId[] = ['iam_sync', ...(members.provisioning ? (['iam_provisioning'] as const) : [])];
    const groupScope = { groupArns: [], groupPath: config.groupScope?.groupPath ?? defaults.provisioning_group_path };

    const rows = await mapLimit(active, CONCURRENCY, async (a): Promise<MemberAccountRow> => {
      const reasons: string[] = [];
      const inst = instances?.get(a.id);
      const untargeted = instances !== undefined && !inst;
      if (untargeted) reasons.push(`not a target of stack set ${members.stackSetName} (no stack instance: outside its OUs or account filter)`);
      if (inst && (inst.status !== 'CURRENT' || (inst.detailedStatus && inst.detailedStatus !== 'SUCCEEDED'))) {
        reasons.push(`stack instance ${inst.status}${inst.detailedStatus ? `/${inst.detailedStatus}` : ''}${inst.statusReason ? `: ${inst.statusReason}` : ''}`);
      }
      if (!members.inspectRoleName) reasons.push('the role was not read (--member-inspect-role-name is empty): its trust and permissions are unverified');
      else reasons.push(...(await inspect(a.id)));
      return {
        accountId: a.id,
        name: a.name,
        // Not targeted and no working role: reported, not failed. A role made by hand there still counts as ready.
        status: untargeted ? (reasons.length > 1 || !members.inspectRoleName ? 'not-targeted' : 'ready') : reasons.length ? 'not-ready' : 'ready',
        ...(untargeted && reasons.length === 1 && members.inspectRoleName ? { reasons: [] } : {}),
        reasons,
        ...(inst ? { stackInstance: { status: inst.status, detailedStatus: inst.detailedStatus, statusReason: inst.statusReason } } : {}),
      };
    });

    /** Reads the member role through the deployer's role in the account; returns what is wrong with it. */
    async function inspect(accountId: string): Promise<string[]> {
      const inspectArn = `arn:${role.partition}:iam::${accountId}:role/${members!.inspectRoleName}`;
      const expectedArn = `arn:${role.partition}:iam::${accountId}:role${members!.role.path}${members!.role.name}`;
      const reader = createChainedContext(aws, inspectArn, { sessionName: INSPECT_SESSION_NAME });
      try {
        let r;
        try {
          r = (await reader.iam.send(new GetRoleCommand({ RoleName: members!.role.name }))).Role!;
        } catch (e) {
          if (isMissing(e)) return [`no role named ${members!.role.name} in the account (expected ${expectedArn})`];
          if (e instanceof AssumeRoleError) return [`the role could not be read: cannot assume ${inspectArn} (${describeAwsError(e.cause)}); its trust and permissions are unverified`];
          return [`the role could not be read: iam:GetRole failed (${describeAwsError(e)}); its trust and permissions are unverified`];
        }
        const problems: string[] = [];
        if (r.Arn !== expectedArn) problems.push(`the role's ARN is ${r.Arn}, not ${expectedArn} (--iam-assume-role-name's path)`);
        for (const p of memberTrustProblems(r.AssumeRolePolicyDocument, role.arn, org.id)) problems.push(`trust policy: ${p}`);
        let identity: IdentityPolicy[];
        let boundary: IdentityPolicy | undefined;
        try {
          const pol = await rolePolicies(reader.iam, members!.role.name);
          identity = [...pol.inline, ...pol.attached];
          const b = r.PermissionsBoundary?.PermissionsBoundaryArn;
          if (b) boundary = { name: `permissions boundary ${b}`, document: await managedPolicyDocument(reader.iam, b) };
        } catch (e) {
          problems.push(`its policies could not be read (${describeAwsError(e)}): its permissions are unverified`);
          return problems;
        }
        const needed = neededActions(capabilities.map(capability), { partition: role.partition, accountId }, groupScope);
        const coverage = checkCoverage({ identity, boundary }, needed);
        if (coverage.missing.length) {
          const acts = [...new Set(coverage.missing.map((m) => m.action))];
          problems.push(`permissions: missing ${acts.length} action(s) ${capabilities.join(' + ')} need: ${acts.slice(0, SHOW).join(', ')}${acts.length > SHOW ? ' and more' : ''}`);
        }
        if (coverage.excess.length) {
          problems.push(`permissions: ${coverage.excess.length} statement(s) allow more than ${capabilities.join(' + ')}: ${coverage.excess.slice(0, 3).map((g) => g.statement).join(', ')}`);
        }
        return problems;
      } catch (e) {
        if (isAccessDenied(e)) return [`the role could not be read: ${describeAwsError(e)}; its trust and permissions are unverified`];
        throw e;
      } finally {
        reader.destroy();
      }
    }

    const ready = rows.filter((r) => r.status === 'ready').length;
    const notReady = rows.filter((r) => r.status === 'not-ready');
    const notTargeted = rows.filter((r) => r.status === 'not-targeted');
    const details = {
      organizationId: org.id,
      iamAssumeRoleName: members.role.iamAssumeRoleName,
      stackSetName: members.stackSetName,
      stackSet: stackSetNote,
      capabilities,
      ready,
      active: active.length,
      notTargeted: notTargeted.length,
      accounts: [...rows, ...skipped],
    };
    const skippedText = skipped.length ? `; skipped (not ACTIVE): ${skipped.map((s) => `${s.accountId} (${s.name}, ${s.reasons[0].replace('the account is ', '')})`).join(', ')}` : '';
    const summary = `${ready} of ${active.length} active member account(s) ready (${members.role.iamAssumeRoleName}; ${stackSetNote})`;
    const untargetedText = notTargeted.length
      ? `; not targeted by the stack set, so ConductorOne will not read their IAM: ${notTargeted.slice(0, SHOW).map((r) => `${r.accountId} (${r.name})`).join(', ')}${notTargeted.length > SHOW ? ` and ${notTargeted.length - SHOW} more` : ''}`
      : '';
    if (notReady.length === 0) return pass(`${summary}${untargetedText}${skippedText}`, details);
    const shown = notReady.slice(0, SHOW).map((r) => `${r.accountId} (${r.name}): ${r.reasons.join('; ')}`);
    return fail(`${summary}; not ready: ${shown.join(' | ')}${notReady.length > SHOW ? ` | and ${notReady.length - SHOW} more` : ''}${untargetedText}${skippedText}`, details);
  },
};
