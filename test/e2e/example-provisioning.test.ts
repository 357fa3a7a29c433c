/**
 * examples/provisioning as its README runs it (TF_VAR_external_id, `terraform init`, `terraform apply`), against moto,
 * with the module's validation step at its default (the real c1-aws CLI): apply exits 0 with every check passed, the
 * group statement is narrowed to the example's path, a second plan is empty, destroy leaves IAM as it was.
 *
 * Until validate judges the narrowed group statement by the scope the module narrows it to (issue 10, part 3), the
 * step reports the statement's actions missing and this apply fails: that failure is the bug, so the test says so.
 */
import { GetGroupCommand, GetRolePolicyCommand, ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { AwsContext, createAwsContext } from '../../connector/src/aws';
import { prepareRoot, TerraformRoot } from '../harness/example-root';
import { MOTO_CREDENTIALS, MOTO_DEFAULT_ACCOUNT, MOTO_REGION, useMoto } from '../harness/moto';
import { rootLifecycle } from '../harness/root-lifecycle';
import defaults from '../../modules/conductorone-aws-role/defaults.json';
import manifest from '../../modules/conductorone-aws-role/policies/capabilities.json';

const SECRET = 'Pv3-ProvisioningSecret-ExtId-58c1e0d9b7a4';
const ROLE_ARN = `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:role/${defaults.role_name}`;
/** The example's default provisioning_group_path (examples/provisioning/variables.tf). */
const GROUP_PATH = '/conductorone/';

const moto = useMoto({ resetBeforeEach: false });
let aws: AwsContext;
let root: TerraformRoot;

beforeAll(async () => {
  aws = createAwsContext({ region: MOTO_REGION, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
  root = await prepareRoot(moto, { example: 'examples/provisioning', externalId: SECRET });
}, 180000);
afterAll(() => aws?.destroy());

rootLifecycle('examples/provisioning', {
  root: () => root,
  aws: () => aws,
  roleArn: ROLE_ARN,
  mustPass: ['Role exists', 'Trust policy', 'Permissions'],
  afterApply: async () => {
    const group = (await aws.iam.send(new GetGroupCommand({ GroupName: 'Engineers' }))).Group!;
    expect(group.Path).toBe(GROUP_PATH);
    const names = (await aws.iam.send(new ListRolePoliciesCommand({ RoleName: defaults.role_name }))).PolicyNames ?? [];
    expect(names.sort()).toEqual([manifest.capabilities.iam_provisioning.policy_name, manifest.capabilities.iam_sync.policy_name].sort());
    const doc = JSON.parse(
      decodeURIComponent(
        (await aws.iam.send(new GetRolePolicyCommand({ RoleName: defaults.role_name, PolicyName: manifest.capabilities.iam_provisioning.policy_name }))).PolicyDocument!,
      ),
    ) as { Statement: Array<{ Resource: string | string[] }> };
    // Every group the role may change is under the example's path: the privilege-escalation guard as shipped.
    const resources = doc.Statement.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
    expect(resources.length).toBeGreaterThan(0);
    expect(resources.filter((r) => !r.startsWith(`arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:group${GROUP_PATH}`))).toEqual([]);
  },
});

test('the external ID appears in none of the captured output', () => {
  expect(root.captured.length).toBeGreaterThanOrEqual(4);
  expect(root.captured.filter((t) => t.includes(SECRET))).toEqual([]);
});
