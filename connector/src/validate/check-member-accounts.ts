/**
 * Check 8 (member accounts on): for every ACTIVE member account of the organization, is the member role there and
 * right? Judged from what the deployer can see, with the deployer's own credentials:
 *   - the StackSet's instances (cloudformation:ListStackInstances on --member-stack-set-name): the account is a
 *     target and the last operation there succeeded (CURRENT / SUCCEEDED), or why not;
 *   - the role itself, read through the role the deployer has in each member account (--member-inspect-role-name,
 *     default OrganizationAccountAccessRole, which Organizations creates): it exists at the expected path, its trust
 *     is exactly the management role + aws:PrincipalOrgID with no external ID (policy/member-trust.ts), and its
 *     permissions are the member capabilities and nothing more (iam_sync, plus iam_provisioning narrowed to the group
 *     path with --member-provisioning, policy_sync with the policies toggle and access_key_sync with access_keys:
 *     ConductorOne's connector reads member accounts' policies and keys through the member role, baton-aws 2156bebe
 *     pkg/connector/iam_policy.go:138, inline_policy.go:82, secrets.go:55), judged by the same coverage rule as the
 *     management role (policy/coverage.ts): a capability left out is "missing", one present while off is "excess".
 * Ready means all of these were seen to hold. Where the deployer cannot read the role (the inspect role cannot be
 * assumed or may not call iam:GetRole, or --member-inspect-role-name is ""), a CURRENT/SUCCEEDED instance of the stack
 * set is all there is to go on: ready, with verifiedBy "stack-instance" and a note that trust and permissions were not
 * checked. A role that can be read is always judged on what it is. Accounts that are not ACTIVE are listed as skipped. The management account needs
 * no member role (service-managed StackSets never deploy there; the management role covers it).
 */
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { createChainedContext } from '../aws/context';
import { describeAwsError, errorName, isAccessDenied } from '../aws/errors';
import { AssumeRoleError } from '../aws/assume-role';
import { listStackInstances, StackInstanceSummary } from '../aws/stack-instances';
import { capability, CapabilityId, Toggles } from '../policy/capabilities';
import { checkCoverage, IdentityPolicy, neededActions } from '../policy/coverage';
import { memberTrustProblems } from '../policy/member-trust';
import { parsePolicy } from '../policy/document';
import { mapLimit } from '../sync/concurrency';
import defaults from '../../../modules/conductorone-aws-role/defaults.json';
import { managedPolicyDocument, rolePolicies } from './role-policies';
import { organizationOf } from './organization';
import { Check, fail, pass, skip } from './types';

/** Said beside a member-account failure: baton-aws reads member accounts whenever Organizations is on without Identity Center. */
export const MEMBER_ACCOUNTS_OPT_OUT =
  'member accounts are read because Organizations is on (baton-aws\'s rule); without member roles, say --global-aws-cross-account-iam-enabled=false (BATON_GLOBAL_AWS_CROSS_ACCOUNT_IAM_ENABLED=false)';

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
  /** How a ready account was judged: the member role read and checked, or (the role unreadable) its stack instance. */
  verifiedBy?: 'role' | 'stack-instance';
  note?: string;
}

type Inspection = { readable: true; problems: string[] } | { readable: false; why: string };

/**
 * What the member role must hold, and nothing more: the module's member_capability_ids (main.tf) for the same toggles.
 * Permission sets and the hierarchy are read in the management account only.
 */
export function memberCapabilities(toggles: Toggles, provisioning: boolean): CapabilityId[] {
  return [
    'iam_sync',
    ...(provisioning ? (['iam_provisioning'] as const) : []),
    ...(toggles.policies ? (['policy_sync'] as const) : []),
    ...(toggles.access_keys ? (['access_key_sync'] as const) : []),
  ];
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
      instances = new Map((await listStackInstances(aws.cloudFormation, members.stackSetName)).map((i) => [i.account, i]));
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

    const capabilities = memberCapabilities(config.toggles, members.provisioning);
    const groupScope = { groupArns: [], groupPath: config.groupScope?.groupPath ?? defaults.provisioning_group_path };

    const rows = await mapLimit(active, CONCURRENCY, async (a): Promise<MemberAccountRow> => {
      const inst = instances?.get(a.id);
      const untargeted = instances !== undefined && !inst;
      const untargetedReason = `not a target of stack set ${members.stackSetName} (no stack instance: outside its OUs or account filter)`;
      const stackProblem =
        inst && (inst.status !== 'CURRENT' || (inst.detailedStatus && inst.detailedStatus !== 'SUCCEEDED'))
          ? `stack instance ${inst.status}${inst.detailedStatus ? `/${inst.detailedStatus}` : ''}${inst.statusReason ? `: ${inst.statusReason}` : ''}`
          : undefined;
      const base = {
        accountId: a.id,
        name: a.name,
        ...(inst ? { stackInstance: { status: inst.status, detailedStatus: inst.detailedStatus, statusReason: inst.statusReason } } : {}),
      };
      const read: Inspection = members.inspectRoleName ? await inspect(a.id) : { readable: false, why: '--member-inspect-role-name is empty' };
      if (read.readable) {
        // A role made another way in an untargeted account still counts, when it is right.
        if (untargeted) return read.problems.length ? { ...base, status: 'not-targeted', reasons: [untargetedReason, ...read.problems] } : { ...base, status: 'ready', reasons: [], verifiedBy: 'role' };
        const reasons = [...(stackProblem ? [stackProblem] : []), ...read.problems];
        return { ...base, status: reasons.length ? 'not-ready' : 'ready', reasons, verifiedBy: 'role' };
      }
      // The deployer cannot read the role there: the stack instance is all there is to go on (the issue's "where the
      // deployer can read it"). A succeeded instance of the stack set is ready, and the row says how it was judged.
      const notRead = `the role was not read (${read.why})`;
      if (untargeted) return { ...base, status: 'not-targeted', reasons: [untargetedReason, notRead] };
      if (!instances) return { ...base, status: 'not-ready', reasons: [`${notRead}, and ${stackSetNote}: nothing shows the role is there`] };
      if (stackProblem) return { ...base, status: 'not-ready', reasons: [stackProblem, notRead] };
      return { ...base, status: 'ready', reasons: [], verifiedBy: 'stack-instance', note: `${notRead}: judged from the stack instance (CURRENT), so its trust and permissions were not checked` };
    });

    /** Reads the member role through the deployer's role in the account: what is wrong with it, or why it cannot be read. */
    async function inspect(accountId: string): Promise<Inspection> {
      const inspectArn = `arn:${role.partition}:iam::${accountId}:role/${members!.inspectRoleName}`;
      const expectedArn = `arn:${role.partition}:iam::${accountId}:role${members!.role.path}${members!.role.name}`;
      const reader = createChainedContext(aws, inspectArn, { sessionName: INSPECT_SESSION_NAME });
      try {
        let r;
        try {
          r = (await reader.iam.send(new GetRoleCommand({ RoleName: members!.role.name }))).Role!;
        } catch (e) {
          if (isMissing(e)) return { readable: true, problems: [`no role named ${members!.role.name} in the account (expected ${expectedArn})`] };
          if (e instanceof AssumeRoleError && isAccessDenied(e.cause)) return { readable: false, why: `cannot assume ${inspectArn}: ${describeAwsError(e.cause)}` };
          if (isAccessDenied(e)) return { readable: false, why: `iam:GetRole as ${inspectArn}: ${describeAwsError(e)}` };
          throw e;
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
          return { readable: true, problems };
        }
        // A document that is not a policy cannot be judged: said as such, not as "everything allowed".
        const unreadable = [...identity, ...(boundary ? [boundary] : [])].flatMap((p) => {
          try {
            parsePolicy(p.document);
            return [];
          } catch (e) {
            return [`policy ${p.name} is not a readable policy document (${(e as Error).message.slice(0, 120)})`];
          }
        });
        if (unreadable.length) return { readable: true, problems: [...problems, ...unreadable.map((u) => `permissions: ${u}`)] };
        const needed = neededActions(capabilities.map(capability), { partition: role.partition, accountId }, groupScope);
        const coverage = checkCoverage({ identity, boundary }, needed);
        if (coverage.missing.length) {
          const acts = [...new Set(coverage.missing.map((m) => m.action))];
          problems.push(`permissions: missing ${acts.length} action(s) ${capabilities.join(' + ')} need: ${acts.slice(0, SHOW).join(', ')}${acts.length > SHOW ? ' and more' : ''}`);
        }
        if (coverage.excess.length) {
          problems.push(`permissions: ${coverage.excess.length} statement(s) allow more than ${capabilities.join(' + ')}: ${coverage.excess.slice(0, 3).map((g) => g.statement).join(', ')}`);
        }
        return { readable: true, problems };
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
    const byInstance = rows.filter((r) => r.verifiedBy === 'stack-instance').length;
    const summary = `${ready} of ${active.length} active member account(s) ready${byInstance ? ` (${byInstance} judged from the stack instance only: the role could not be read)` : ''} (${members.role.iamAssumeRoleName}; ${stackSetNote})`;
    const untargetedText = notTargeted.length
      ? `; not targeted by the stack set, so ConductorOne will not read their IAM: ${notTargeted.slice(0, SHOW).map((r) => `${r.accountId} (${r.name})`).join(', ')}${notTargeted.length > SHOW ? ` and ${notTargeted.length - SHOW} more` : ''}`
      : '';
    if (notReady.length === 0) return pass(`${summary}${untargetedText}${skippedText}`, details);
    const shown = notReady.slice(0, SHOW).map((r) => `${r.accountId} (${r.name}): ${r.reasons.join('; ')}`);
    return fail(`${summary}; not ready: ${shown.join(' | ')}${notReady.length > SHOW ? ` | and ${notReady.length - SHOW} more` : ''}${untargetedText}${skippedText} (${MEMBER_ACCOUNTS_OPT_OUT})`, details);
  },
};
