/**
 * Check 4: the role's identity policies allow every action the enabled capabilities need, and no write action
 * beyond them (least privilege: ConductorOne should not be able to change what it only reads). A permissions
 * boundary, when attached, must allow the needed actions too.
 */
import { enabledCapabilities } from '../policy/capabilities';
import { checkCoverage, neededActions } from '../policy/coverage';
import { describeAwsError } from '../aws/errors';
import { managedPolicyDocument, rolePolicies } from './role-policies';
import { simulateActions } from './simulate';
import { Check, fail, pass } from './types';

const SHOW = 10;
const list = (xs: string[]) => (xs.length > SHOW ? `${xs.slice(0, SHOW).join(', ')} and ${xs.length - SHOW} more` : xs.join(', '));

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
    const capabilities = enabledCapabilities(config.toggles);
    const needed = neededActions(capabilities, { partition: role.partition, accountId: role.accountId });
    const coverage = checkCoverage([...policies.inline, ...policies.attached], needed);
    const missing = coverage.missing.map((m) => ({ action: m.action, resource: m.resource, capability: m.capability, reason: m.reason }));

    if (state.permissionsBoundaryArn) {
      try {
        const boundary = [{ name: `boundary ${state.permissionsBoundaryArn}`, document: await managedPolicyDocument(iam, state.permissionsBoundaryArn) }];
        for (const m of checkCoverage(boundary, needed).missing) missing.push({ ...m, reason: `the permissions boundary does not allow it (${m.reason})` });
      } catch (e) {
        return fail(`cannot read the permissions boundary ${state.permissionsBoundaryArn}: ${describeAwsError(e)}`);
      }
    }

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
      inlinePolicies: policies.inline.map((p) => p.name),
      attachedPolicies: policies.attached.map((p) => p.name),
      missing,
      strayWriteActions: coverage.stray.map((s) => ({ action: s.action, level: s.level, allowedBy: s.allowedBy })),
      simulator,
    };
    const note = simulator.available ? '' : ` (iam:SimulatePrincipalPolicy unavailable: ${simulator.reason}; judged from the policy documents only)`;
    const problems: string[] = [];
    if (missing.length) {
      const missingActions = [...new Set(missing.map((m) => m.action))];
      problems.push(`missing ${missingActions.length} action(s) the enabled features need: ${list(missing.map((m) => `${m.action} on ${m.resource} (${m.capability}: ${m.reason})`))}`);
    }
    if (coverage.stray.length) {
      const sources = [...new Set(coverage.stray.flatMap((s) => s.allowedBy))];
      // Permissions management (iam:AttachRolePolicy...) first: those let the role grant itself anything.
      const ordered = [...coverage.stray.filter((s) => s.level === 'Permissions management'), ...coverage.stray.filter((s) => s.level !== 'Permissions management')];
      problems.push(`${coverage.stray.length} write action(s) allowed beyond the enabled features: ${list(ordered.map((s) => s.action))} (allowed by ${list(sources)})`);
    }
    if (problems.length) return fail(problems.join('; ') + note, details);
    return pass(`${actions.length} needed actions allowed (${capabilities.map((c) => c.id).join(', ')}), no write action beyond them${note}`, details);
  },
};
