/**
 * Check 3: the trust policy lets ConductorOne's principal in with the external ID, refuses it with a wrong one and
 * with none (the confused-deputy guard), and lets no one else in. Judged by our evaluator (policy/trust.ts), not by
 * AWS: STS cannot be asked "would X get in?" without being X, and moto lets a missing external ID through.
 */
import { parseRoleArn } from '../grammar/arn';
import type { ContextValues } from '../policy/conditions';
import { ANONYMOUS } from '../policy/principal';
import { evaluateTrust, TrustResult } from '../policy/trust';
import { externalIdFromDigest, externalIdValues } from './external-id';
import { Check, fail, pass } from './types';

interface Probe {
  who: string;
  caller: string;
  /** The global keys AWS sets for this caller (aws:PrincipalArn is the role's ARN for a session), so trust policies
   * that pin aws:PrincipalArn or aws:PrincipalAccount are judged as AWS would. */
  context: ContextValues;
}

const principalContext = (principalArn: string | undefined): ContextValues => {
  const account = principalArn && accountOf(principalArn);
  return account ? { 'aws:PrincipalArn': principalArn, 'aws:PrincipalAccount': account } : {};
};

/** The caller ConductorOne really is: a session of its role (a role ARN in a trust policy covers its sessions). */
function trustedCaller(principalArn: string): Probe {
  const role = parseRoleArn(principalArn);
  const caller = role.ok ? `arn:${role.value.partition}:sts::${role.value.accountId}:assumed-role/${role.value.name}/c1-validate-probe` : principalArn;
  return { who: principalArn, caller, context: principalContext(principalArn) };
}

function accountOf(arn: string): string | undefined {
  return /^arn:[^:]+:[^:]+::(\d{12}):/.exec(arn)?.[1];
}

/** Principals that must never get in. Accounts are picked to differ from the role's and ConductorOne's. */
function intruders(partition: string, roleAccount: string, trustedArn: string): Probe[] {
  const trustedAccount = accountOf(trustedArn);
  const other = ['210987654321', '109876543210', '098765432109'].find((a) => a !== roleAccount && a !== trustedAccount)!;
  const session = (account: string, role: string) => ({
    caller: `arn:${partition}:sts::${account}:assumed-role/${role}/probe`,
    context: principalContext(`arn:${partition}:iam::${account}:role/${role}`),
  });
  const probes: Probe[] = [
    { who: `another account's root (${other})`, caller: `arn:${partition}:iam::${other}:root`, context: principalContext(`arn:${partition}:iam::${other}:root`) },
    { who: `a role in another account (${other})`, ...session(other, 'SomeRole') },
    { who: `a user in another account (${other})`, caller: `arn:${partition}:iam::${other}:user/someone`, context: principalContext(`arn:${partition}:iam::${other}:user/someone`) },
    { who: `another role in the role's own account (${roleAccount})`, ...session(roleAccount, 'SomeOtherRole') },
    { who: 'an anonymous caller ("*")', caller: ANONYMOUS, context: {} },
    { who: 'a service principal (ec2.amazonaws.com)', caller: 'ec2.amazonaws.com', context: {} },
  ];
  // A role (not account) principal: no other role of ConductorOne's account may ride on it.
  if (trustedAccount && !/:root$/.test(trustedArn) && trustedAccount !== roleAccount) {
    probes.push({ who: `another role in the trusted principal's account (${trustedAccount})`, ...session(trustedAccount, 'SomeOtherRole') });
  }
  return probes;
}

const via = (r: TrustResult) => (r.statement ? ` (${r.statement.label})` : '');

export const trustPolicyCheck: Check = {
  id: 'trust-policy',
  title: 'Trust policy',
  needs: ['role-exists'],
  async run(ctx) {
    const { config, state } = ctx;
    const policy = state.trustPolicy;
    if (!policy) return fail('the role has no trust policy document');
    let externalId = config.externalId;
    if (externalId === undefined && config.externalIdSha256) {
      externalId = externalIdFromDigest(policy, config.externalIdSha256);
      if (externalId === undefined) {
        const n = externalIdValues(policy).length;
        return fail(
          n === 0
            ? 'the trust policy has no sts:ExternalId condition: any caller the principal names may assume the role without the external ID'
            : `none of the ${n} sts:ExternalId value(s) in the trust policy has the given SHA-256 digest: the trust policy holds a different external ID`,
        );
      }
    }
    if (externalId === undefined) return fail('no external ID was given (BATON_EXTERNAL_ID, --external-id-file or --external-id-sha256)');
    state.externalId = externalId;

    const problems: string[] = [];
    const holes: { principal: string; externalId: 'given' | 'none'; statement?: string }[] = [];
    const c1 = trustedCaller(config.trustedPrincipalArn);
    const ask = (probe: Probe, id: string | undefined) =>
      evaluateTrust(policy, { principal: probe.caller, context: id === undefined ? probe.context : { ...probe.context, 'sts:ExternalId': id } });

    const good = ask(c1, externalId);
    if (good.decision !== 'Allowed') {
      const pinned = externalIdValues(policy);
      const hint =
        pinned.length === 0
          ? ''
          : !pinned.includes(externalId)
            ? '; the trust policy\'s sts:ExternalId condition holds a different value than the external ID given'
            : '';
      problems.push(`${config.trustedPrincipalArn} cannot assume the role with the external ID: ${good.decision}${via(good)}${hint}`);
    }
    const wrong = ask(c1, `${externalId.slice(0, 1) === 'x' ? 'y' : 'x'}${externalId.slice(1)}-wrong`);
    if (wrong.decision === 'Allowed') problems.push(`a wrong external ID is accepted${via(wrong)}: the sts:ExternalId condition does not pin the value`);
    const none = ask(c1, undefined);
    if (none.decision === 'Allowed') problems.push(`assuming without any external ID is allowed${via(none)}: add a StringEquals sts:ExternalId condition`);

    for (const probe of intruders(state.role!.partition, state.role!.accountId, config.trustedPrincipalArn)) {
      // Without an external ID first: a hole that needs no secret is the worse one to report.
      for (const id of [undefined, externalId]) {
        const r = ask(probe, id);
        if (r.decision === 'Allowed') {
          holes.push({ principal: probe.caller, externalId: id === undefined ? 'none' : 'given', statement: r.statement?.label });
          problems.push(`${probe.who} gets in${id === undefined ? ' without an external ID' : ' with the external ID'}${via(r)}`);
          break;
        }
      }
    }
    const details = { trustedPrincipalArn: config.trustedPrincipalArn, allowedBy: good.statement?.label, holes };
    if (problems.length) return fail(problems.join('; '), details);
    return pass(`only ${config.trustedPrincipalArn} may assume the role, and only with the external ID${via(good)}`, details);
  },
};
