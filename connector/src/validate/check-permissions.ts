/**
 * Check 4: the role's effective permissions (inline and attached managed policies, within the permissions boundary
 * when one is set) allow every (action, resource) pair the enabled capabilities need, and nothing beyond them:
 * no action outside the needed set (reads included) and no needed action on a wider resource than needed (the
 * provisioning group scope). The judgement is in ../policy/coverage.ts. Also no role of the same account whose trust
 * policy lets this role in (reachable-roles.ts): that role's permissions would be ConductorOne's too.
 */
import { describeAwsError } from '../aws/errors';
import { enabledCapabilities, GroupScope, RenderVars, scopeResources } from '../policy/capabilities';
import { organizationOf } from './organization';
import { checkCoverage, ExcessGrant, IdentityPolicy, neededActions } from '../policy/coverage';
import defaults from '../../../modules/conductorone-aws-role/defaults.json';
import { managedPolicyDocument, rolePolicies } from './role-policies';
import { rolesTrustingRole } from './reachable-roles';
import { simulateActions } from './simulate';
import { Check, fail, pass } from './types';
import { MEMBER_ACCOUNTS_OPT_OUT } from './check-member-accounts';

const SHOW = 10;
/** Keeps a report readable when a policy allows "*": the JSON keeps this many actions per statement, and the count. */
const DETAIL_CAP = 200;
const capped = (xs: string[], show = SHOW) => (xs.length > show ? `${xs.slice(0, show).join(', ')} and ${xs.length - show} more` : xs.join(', '));

const DEFAULT_SCOPE: GroupScope = { groupArns: [], groupPath: defaults.provisioning_group_path };

/** One statement's excess in plain words. */
function describeExcess(g: ExcessGrant): string {
  const parts: string[] = [];
  if (g.outsideActions.length) {
    parts.push(`allows ${g.outsideActions.length} action(s) the enabled features do not need: ${capped(g.outsideActions.map((a) => a.action))}`);
  }
  // One phrase per distinct (allowed, needed) resource pair, listing its actions.
  const byResource = new Map<string, string[]>();
  for (const w of g.widerResources) {
    const where = w.allowed === '*' ? 'every resource ("*")' : w.allowed;
    const key = `on ${where}, wider than the ${w.needed.length > 1 ? 'needed resources' : 'needed resource'} ${w.needed.join(', ')}`;
    byResource.set(key, [...(byResource.get(key) ?? []), w.action]);
  }
  for (const [where, actions] of byResource) parts.push(`allows ${capped(actions)} ${where}`);
  for (const u of g.unbounded) parts.push(`cannot be bounded: ${u}`);
  return `${g.statement} ${parts.join('; ')}`;
}

export const permissionsCheck: Check = {
  id: 'permissions',
  title: 'Permissions',
  needs: ['role-exists'],
  async run(ctx) {
    const { config, state } = ctx;
    const role = state.role!;
    const iam = ctx.aws().iam;
    let policies;
    try {
      policies = await rolePolicies(iam, role.name);
    } catch (e) {
      return fail(`cannot read the role's policies: ${describeAwsError(e)}`);
    }
    let boundary: IdentityPolicy | undefined;
    if (state.permissionsBoundaryArn) {
      try {
        boundary = { name: `permissions boundary ${state.permissionsBoundaryArn}`, document: await managedPolicyDocument(iam, state.permissionsBoundaryArn) };
      } catch (e) {
        return fail(`cannot read the permissions boundary ${state.permissionsBoundaryArn}: ${describeAwsError(e)}`);
      }
    }
    let chained;
    try {
      chained = await rolesTrustingRole(iam, role);
    } catch (e) {
      return fail(`cannot list the account's roles to find those whose trust policy lets this role in: ${describeAwsError(e)}`);
    }
    const capabilities = enabledCapabilities(config.toggles);
    let vars: RenderVars = { partition: role.partition, accountId: role.accountId };
    if (capabilities.some((c) => c.id === 'member_accounts_access') && config.members) {
      // member_accounts_access names the member role and the organization: from the flags and Organizations.
      let organizationId: string;
      try {
        organizationId = (await organizationOf(ctx)).id;
      } catch (e) {
        return fail(`member accounts are on, and the organization id the role's sts:AssumeRole statement must name cannot be read: organizations:DescribeOrganization failed: ${describeAwsError(e)}`);
      }
      vars = { ...vars, memberRolePath: config.members.role.path, memberRoleName: config.members.role.name, organizationId };
    }
    const scope = config.groupScope ?? DEFAULT_SCOPE;
    const needed = neededActions(capabilities, vars, scope);
    const coverage = checkCoverage({ identity: [...policies.inline, ...policies.attached], boundary }, needed);
    const missing = coverage.missing.map((m) => ({ action: m.action, resource: m.resource, capability: m.capability, reason: m.reason }));

    const actions = [...new Set(needed.map((n) => n.action))].sort();
    const simulator = await simulateActions(config.access, role.arn, actions);
    if (simulator.available) {
      // An explicit deny the documents do not show comes from an SCP or a boundary: the action will fail at run time.
      for (const action of simulator.explicitDeny) {
        if (!missing.some((m) => m.action === action)) missing.push({ action, resource: '*', capability: needed.find((n) => n.action === action)!.capability, reason: 'explicitly denied per iam:SimulatePrincipalPolicy (SCP or boundary)' });
      }
    }
    const details = {
      capabilities: capabilities.map((c) => c.id),
      ...(config.toggles.provisioning ? { groupScope: { ...scope, resources: scopeResources(scope, vars) } } : {}),
      inlinePolicies: policies.inline.map((p) => p.name),
      attachedPolicies: policies.attached.map((p) => p.name),
      ...(state.permissionsBoundaryArn ? { permissionsBoundary: state.permissionsBoundaryArn } : {}),
      missing,
      excess: coverage.excess.map((g) => ({
        statement: g.statement,
        outsideActionCount: g.outsideActions.length,
        outsideActions: g.outsideActions.slice(0, DETAIL_CAP),
        widerResources: g.widerResources,
        unbounded: g.unbounded,
      })),
      rolesItCanAssume: chained.reachable,
      ...(chained.unreadable.length ? { unreadableTrustPolicies: chained.unreadable } : {}),
      simulator,
    };
    const note = simulator.available ? '' : ` (iam:SimulatePrincipalPolicy unavailable: ${simulator.reason}; judged from the policy documents only)`;
    const problems: string[] = [];
    if (missing.length) {
      const missingActions = [...new Set(missing.map((m) => m.action))];
      const memberHint = missing.some((m) => m.capability === 'member_accounts_access') ? ` (${MEMBER_ACCOUNTS_OPT_OUT})` : '';
      problems.push(`missing ${missingActions.length} action(s) the enabled features need: ${capped(missing.map((m) => `${m.action} on ${m.resource} (${m.capability}: ${m.reason})`))}${memberHint}`);
    }
    if (coverage.excess.length) {
      const shown = coverage.excess.slice(0, SHOW).map(describeExcess);
      const more = coverage.excess.length > SHOW ? ` | and ${coverage.excess.length - SHOW} more statement(s)` : '';
      problems.push(`${coverage.excess.length} statement(s) allow more than the enabled features need: ${shown.join(' | ')}${more}`);
    }
    if (chained.reachable.length) {
      const names = chained.reachable.map((r) => `${r.arn}${r.conditional ? ' (under conditions)' : ''}`);
      problems.push(`the role can assume ${chained.reachable.length} other role(s) of its account, whose trust policy lets it in, and would hold their permissions too: ${capped(names)}`);
    }
    if (chained.unreadable.length) problems.push(`the trust policies of ${capped(chained.unreadable)} cannot be read, so whether they let this role in is unknown`);
    if (problems.length) return fail(problems.join('; ') + note, details);
    const scoped = config.toggles.provisioning ? `, IAM groups only ${scopeResources(scope, vars).join(', ')}` : '';
    return pass(`${actions.length} needed actions allowed (${capabilities.map((c) => c.id).join(', ')}${scoped}), nothing beyond them${note}`, details);
  },
};
