/**
 * Check 3: the trust policy lets in ConductorOne's principal, and only it, and only with an external ID the caller
 * owns. Two judges:
 *   - who else may get in is decided from the policy's structure (policy/trust-judgement.ts): every Allow statement
 *     must be provably narrow, so a hole nobody thought to probe still fails;
 *   - whether ConductorOne itself gets in with the external ID is asked of the evaluator (policy/trust.ts), which
 *     applies Deny statements and conditions as IAM does.
 * AWS cannot be the judge: STS cannot be asked "would X get in?" without being X, and moto lets a missing external
 * ID through.
 */
import { parseRoleArn } from '../grammar/arn';
import type { ContextValues } from '../policy/conditions';
import { UnsupportedConditionError } from '../policy/conditions';
import { parsePolicy, PolicyParseError, RawStatement, toArray } from '../policy/document';
import { evaluateTrust } from '../policy/trust';
import { judgeTrustPolicy, ownsExternalId } from '../policy/trust-judgement';
import { checkExternalId, externalIdRule } from '../grammar/external-id';
import grammar from '../../../modules/conductorone-aws-role/grammar.json';
import { externalIdFromDigest, externalIdValues } from './external-id';
import { Check, fail, pass } from './types';

/** The caller ConductorOne really is: a session of its role (a role ARN in a trust policy covers its sessions). */
function trustedCaller(principalArn: string): { caller: string; context: ContextValues } {
  const role = parseRoleArn(principalArn);
  const caller = role.ok ? `arn:${role.value.partition}:sts::${role.value.accountId}:assumed-role/${role.value.name}/c1-validate-probe` : principalArn;
  const account = /^arn:[^:]+:iam::(\d{12}):/.exec(principalArn)?.[1];
  return { caller, context: account ? { 'aws:PrincipalArn': principalArn, 'aws:PrincipalAccount': account } : {} };
}

/** Request facts known for ConductorOne's AssumeRole call (lower-case). */
const KNOWN_KEYS = new Set(['sts:externalid', 'aws:principalarn', 'aws:principalaccount', 'aws:principaltype', 'aws:securetransport', 'aws:currenttime', 'aws:epochtime']);

function conditionKeys(statements: RawStatement[]): string[] {
  const keys = new Set<string>();
  for (const s of statements) for (const block of Object.values(s.Condition ?? {})) for (const k of Object.keys(block ?? {})) keys.add(k);
  return [...keys];
}

export const trustPolicyCheck: Check = {
  id: 'trust-policy',
  title: 'Trust policy',
  needs: ['role-exists'],
  async run(ctx) {
    const { config, state } = ctx;
    const policy = state.trustPolicy;
    if (!policy) return fail('the role has no trust policy document');
    try {
      parsePolicy(policy);
    } catch (e) {
      if (e instanceof PolicyParseError) return fail(`the trust policy cannot be judged: ${e.message}`);
      throw e;
    }
    const digests = config.externalIdSha256 ?? [];
    // The ID to try ConductorOne with: the one given, else the value whose digest comes first (Terraform's
    // external_id; the others are rotation IDs).
    let externalId = config.externalId;
    if (externalId === undefined && digests.length) {
      externalId = externalIdFromDigest(policy, digests[0]);
      if (externalId === undefined) {
        const n = externalIdValues(policy).length;
        return fail(
          n === 0
            ? 'the trust policy has no sts:ExternalId condition: any caller the principal names may assume the role without the external ID'
            : `none of the ${n} sts:ExternalId value(s) in the trust policy has the first given SHA-256 digest: the trust policy holds a different external ID`,
        );
      }
    }
    if (externalId === undefined) return fail('no external ID was given (BATON_EXTERNAL_ID, --external-id-file or --external-id-sha256)');
    state.externalId = externalId;

    const judgement = judgeTrustPolicy(policy, [config.trustedPrincipalArn], { value: config.externalId, digests });
    const problems = judgement.findings.map((f) => `${f.statement} ${f.problem}`);
    // IDs known only by digest were never checked against the grammar: ConductorOne's connector refuses some lengths.
    const owned = externalIdValues(policy).filter((v) => ownsExternalId({ value: config.externalId, digests }, v));
    const badLength = owned.filter((v) => externalIdRule(config.trustedPrincipalArn) === 'external_id_conductorone' && checkExternalId(v, config.trustedPrincipalArn) !== null);
    if (badLength.length) {
      problems.push(`${badLength.length} external ID(s) in the trust policy (of lengths ${badLength.map((v) => v.length).join(', ')}) break the rule for ConductorOne's principal: ${grammar.rules.external_id_conductorone.rule}`);
    }

    // ConductorOne itself must get in. Only a few request facts are known here; a condition on any other key (the
    // source IP, say) may hold for ConductorOne's real request, so an undecided answer is a note, not a failure:
    // this half is about ConductorOne's access, not about safety.
    const c1 = trustedCaller(config.trustedPrincipalArn);
    const statements = toArray(parsePolicy(policy).Statement);
    let unknowable = conditionKeys(statements).filter((k) => !KNOWN_KEYS.has(k.toLowerCase()));
    let allowedBy: string | undefined;
    let note = '';
    let decided: string | undefined;
    try {
      const now = new Date().toISOString();
      const good = evaluateTrust(policy, {
        principal: c1.caller,
        context: { ...c1.context, 'sts:ExternalId': externalId, 'aws:SecureTransport': 'true', 'aws:PrincipalType': 'AssumedRole', 'aws:CurrentTime': now, 'aws:EpochTime': String(Math.floor(Date.now() / 1000)) },
      });
      if (good.decision === 'Allowed') allowedBy = good.statement?.label;
      else {
        // A Deny decided on known facts alone is certain.
        if (good.decision === 'ExplicitlyDenied') unknowable = conditionKeys([statements[good.statement!.index]]).filter((k) => !KNOWN_KEYS.has(k.toLowerCase()));
        const hint = good.decision === 'ExplicitlyDenied' || externalIdValues(policy).includes(externalId) ? '' : "; the trust policy's sts:ExternalId condition holds a different value than the external ID given";
        decided = `${config.trustedPrincipalArn} cannot assume the role with the external ID: ${good.decision}${good.statement ? ` (${good.statement.label})` : ''}${hint}`;
      }
    } catch (e) {
      if (!(e instanceof UnsupportedConditionError)) throw e;
      decided = `whether ${config.trustedPrincipalArn} gets in cannot be decided: the trust policy uses the condition operator ${e.operator}, which this evaluator does not implement`;
      unknowable.push(e.operator);
    }
    if (decided && unknowable.length && judgement.safeStatements.length) note = `; ConductorOne gets in only if its request also meets the conditions on ${[...new Set(unknowable)].join(', ')}, which validate cannot know`;
    else if (decided) problems.unshift(decided);

    const details = { trustedPrincipalArn: config.trustedPrincipalArn, allowedBy, findings: judgement.findings };
    if (problems.length) return fail(problems.join('; '), details);
    return pass(`only ${config.trustedPrincipalArn} may assume the role, and only with an external ID you gave${allowedBy ? ` (${allowedBy})` : ''}${note}`, details);
  },
};
