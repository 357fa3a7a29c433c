/**
 * `validate`'s trust check against an adversarial corpus (test/fixtures/trust-corpus.ts), judged by iam-simulate:
 *   - whenever iam-simulate lets in any probe other than ConductorOne with an external ID we own, the check FAILS
 *     (the unsafe direction: no disagreement allowed);
 *   - every case of an unsafe class fails, even where no probe of ours got in (the rule is structural);
 *   - every harmless variant passes, and iam-simulate confirms it is harmless and lets ConductorOne in.
 * The check runs as validate runs it (trustPolicyCheck), given the trust policy as GetRole would return it; it makes
 * no AWS call.
 */
import { createHash } from 'node:crypto';
import { trustPolicyCheck } from '../../../connector/src/validate/check-trust';
import type { CheckContext, ValidateConfig } from '../../../connector/src/validate/types';
import { parseRoleArn } from '../../../connector/src/grammar/arn';
import { buildCorpus, C1, CLASS_COUNT, CorpusCase, OURS, probes, ROLE_ARN, ROTATED, simulate } from '../../fixtures/trust-corpus';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

async function verdict(policy: CorpusCase['policy']) {
  const config = { roleArn: ROLE_ARN, externalId: OURS, externalIdSha256: [sha(ROTATED)], trustedPrincipalArn: C1 } as ValidateConfig;
  const role = parseRoleArn(ROLE_ARN);
  if (!role.ok) throw new Error('bad fixture ARN');
  const ctx: CheckContext = {
    config,
    state: { role: role.value, trustPolicy: encodeURIComponent(JSON.stringify(policy)) },
    results: [],
    aws: () => {
      throw new Error('the trust check must not call AWS');
    },
  };
  return trustPolicyCheck.run(ctx);
}

const corpus = buildCorpus();
const PROBES = probes();

test(`the corpus covers every class (${CLASS_COUNT.unsafe} unsafe, ${CLASS_COUNT.harmless} harmless) in ${corpus.length} cases`, () => {
  expect(CLASS_COUNT.unsafe).toBeGreaterThanOrEqual(25);
  expect(new Set(corpus.map((c) => c.klass)).size).toBe(CLASS_COUNT.unsafe + CLASS_COUNT.harmless);
});

test('validate fails every policy iam-simulate finds a hole in, fails every unsafe class, and passes every harmless variant', async () => {
  const tally = { cases: 0, simulatedHoles: 0, unsafeDirection: 0, safeDirection: 0 };
  const wrong: string[] = [];
  for (const c of corpus) {
    tally.cases++;
    const holes: string[] = [];
    let c1Allowed = false;
    for (const { probe, legitimate } of PROBES) {
      const decision = await simulate(c.policy, probe);
      if (legitimate && probe.externalId === OURS) c1Allowed = decision === 'Allowed';
      if (!legitimate && decision === 'Allowed') {
        holes.push(`${probe.who} (${probe.action}, external ID ${probe.externalId === undefined ? 'none' : probe.externalId === OURS ? 'ours' : 'foreign'})`);
        if (c.expect === 'fail') break; // one hole is enough for an unsafe case
      }
    }
    const outcome = await verdict(c.policy);
    const name = `${c.klass} [${c.variant}]`;
    if (holes.length) tally.simulatedHoles++;
    if (holes.length && outcome.status !== 'fail') {
      tally.unsafeDirection++;
      wrong.push(`UNSAFE: ${name}: iam-simulate lets in ${holes.join(', ')} but validate says ${outcome.status}: ${outcome.message}`);
    }
    if (c.expect === 'fail' && outcome.status !== 'fail') wrong.push(`${name}: an unsafe class passed: ${outcome.message}`);
    if (c.expect === 'pass') {
      if (holes.length || !c1Allowed) wrong.push(`${name}: the corpus calls it harmless but iam-simulate ${holes.length ? `lets in ${holes.join(', ')}` : 'refuses ConductorOne'}`);
      if (outcome.status !== 'pass') {
        tally.safeDirection++;
        wrong.push(`${name}: a harmless variant failed: ${outcome.message}`);
      }
    }
    // Whatever it says, it never says an external ID.
    for (const secret of [OURS, ROTATED]) expect(JSON.stringify(outcome)).not.toContain(secret);
  }
  expect(wrong).toEqual([]);
  expect(tally.unsafeDirection).toBe(0);
  // The probes must find real holes, or the agreement above means little.
  expect(tally.simulatedHoles).toBeGreaterThan(corpus.filter((c) => c.expect === 'fail').length / 2);
  console.info(`trust corpus: ${JSON.stringify(tally)}`);
}, 300000);

test('every failure names the statement and says who it lets in', async () => {
  const outcome = await verdict({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ConductorOne', Effect: 'Allow', Principal: { AWS: C1 }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': OURS } } },
      { Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::111111111111:saml-provider/Corp' }, Action: 'sts:AssumeRoleWithSAML' },
    ],
  });
  expect(outcome.status).toBe('fail');
  expect(outcome.message).toMatch(/^Statement\[1\] lets in users of the identity provider\(s\) "arn:aws:iam::111111111111:saml-provider\/Corp"/);
  expect(outcome.message).toMatch(/Statement\[1\] allows "sts:AssumeRoleWithSAML"/);
});

test('a policy with the same key twice in one object is refused: which one AWS applies cannot be proven', async () => {
  const text = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"${C1}"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"${OURS}"},"StringEquals":{"sts:ExternalId":"${OURS}"}}}]}`;
  const role = parseRoleArn(ROLE_ARN);
  if (!role.ok) throw new Error('bad fixture ARN');
  const run = () =>
    trustPolicyCheck.run({
      config: { roleArn: ROLE_ARN, externalId: OURS, trustedPrincipalArn: C1 } as ValidateConfig,
      state: { role: role.value, trustPolicy: encodeURIComponent(text) },
      results: [],
      aws: () => {
        throw new Error('no AWS');
      },
    });
  expect(await run()).toMatchObject({ status: 'fail', message: expect.stringMatching(/^the trust policy cannot be judged: policy has the key "StringEquals" twice in one object/) });
});

test('a trusted account root may also be written as the bare account ID; another account may not', async () => {
  const { judgeTrustPolicy } = await import('../../../connector/src/policy/trust-judgement');
  const policy = (aws: string) => ({ Statement: [{ Effect: 'Allow', Principal: { AWS: aws }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': OURS } } }] });
  const root = 'arn:aws:iam::765656841499:root';
  expect(judgeTrustPolicy(policy('765656841499'), [root], { value: OURS }).safe).toBe(true);
  expect(judgeTrustPolicy(policy(root), [root], { value: OURS }).safe).toBe(true);
  expect(judgeTrustPolicy(policy('210987654321'), [root], { value: OURS }).findings).toEqual([
    { statement: 'Statement[0]', problem: 'lets in account 210987654321: any principal that account allows to assume the role' },
  ]);
  // A role principal does not make its account trusted.
  expect(judgeTrustPolicy(policy('765656841499'), [C1], { value: OURS }).safe).toBe(false);
});

test('redaction hides the external ID without revealing a short one through the words around it', async () => {
  const { redact } = await import('../../../connector/src/validate/run');
  expect(redact('the enabled features are unavailable', 'ab')).toBe('the enabled features are unavailable');
  expect(redact('id ab, and "ab"', 'ab')).toBe('id [external ID], and "[external ID]"');
  expect(redact(`x${OURS}y and ${OURS}`, OURS)).toBe('x[external ID]y and [external ID]');
});
