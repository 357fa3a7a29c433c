/**
 * The shipped example that needs an organization, as users run it against moto holding an organization (moto makes an
 * Identity Center instance on first use): copied with the module, `terraform init`, apply with the validation step at
 * its default (the real c1-aws CLI), a second plan that is empty, destroy that leaves IAM as it was.
 * examples/generated (the stacks' `cdktf synth --hcl`) is the stacks' own configuration: stacks-deploy.test.ts.
 * examples/single-account is test/e2e/module-apply.test.ts; examples/provisioning is example-provisioning.test.ts;
 * examples/conductorone-provider needs a provider the offline mirror lacks (checked in test/security and
 * hcl-module.test.ts).
 */
import { CreateOrganizationCommand } from '@aws-sdk/client-organizations';
import { ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { AwsContext, createAwsContext } from '../../connector/src/aws';
import { prepareRoot, TerraformRoot } from '../harness/example-root';
import { MOTO_CREDENTIALS, MOTO_DEFAULT_ACCOUNT, MOTO_REGION, useMoto } from '../harness/moto';
import { rootLifecycle } from '../harness/root-lifecycle';
import defaults from '../../modules/conductorone-aws-role/defaults.json';
import manifest from '../../modules/conductorone-aws-role/policies/capabilities.json';

const SECRET = 'Mg8-ExamplesSecret-ExtId-0f4d2b6a9c1e7';
const ROLE_ARN = `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:role/${defaults.role_name}`;
const caps = manifest.capabilities;

const moto = useMoto({ resetBeforeEach: false });
let aws: AwsContext;
const roots: Record<string, TerraformRoot> = {};
const EXAMPLES = ['examples/management-account-identity-center'];

beforeAll(async () => {
  aws = createAwsContext({ region: MOTO_REGION, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
  await aws.organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const prepared = await Promise.all(EXAMPLES.map((example) => prepareRoot(moto, { example, externalId: SECRET })));
  EXAMPLES.forEach((e, i) => (roots[e] = prepared[i]));
}, 300000);
afterAll(() => aws?.destroy());

const policyNames = async () => ((await aws.iam.send(new ListRolePoliciesCommand({ RoleName: defaults.role_name }))).PolicyNames ?? []).sort();

// The README's command: `terraform apply -var identity_center_region=eu-west-1`.
rootLifecycle('examples/management-account-identity-center (Organizations + Identity Center in eu-west-1)', {
  root: () => roots['examples/management-account-identity-center'],
  aws: () => aws,
  roleArn: ROLE_ARN,
  args: ['-var', 'identity_center_region=eu-west-1'],
  mustPass: ['Role exists', 'Trust policy', 'Permissions', 'Organizations management account', 'Identity Center instance'],
  afterApply: async (apply) => {
    expect(await policyNames()).toEqual([caps.iam_sync.policy_name, caps.organizations_sync.policy_name, caps.identity_center_sync.policy_name].sort());
    expect(apply.output).toMatch(/PASS\s+Identity Center instance\s+.*eu-west-1/);
  },
});

test('the external ID appears in none of the captured output', () => {
  const captured = Object.values(roots).flatMap((r) => r.captured);
  expect(captured.length).toBeGreaterThanOrEqual(4);
  expect(captured.filter((t) => t.includes(SECRET))).toEqual([]);
});
