/**
 * Every HCL deploy snippet of README.md and of the module README, read from the Markdown at test time, applied as a
 * user would: the snippet as the root (at the path its `source` implies), plus only the declaration it leaves to the
 * user (`variable "conductorone_external_id"`, fed from TF_VAR_conductorone_external_id); no provider block, so the
 * AWS provider takes its region and credentials from the environment (here: moto's). The validation step runs at its
 * default (the real c1-aws CLI); a second plan is empty; destroy leaves IAM as it was. All roots are initialised at
 * once, then applied one after another against one moto holding an organization (the snippets share a role name).
 */
import { CreateOrganizationCommand } from '@aws-sdk/client-organizations';
import { AwsContext, createAwsContext } from '../../connector/src/aws';
import { codeBlocks, prepareRoot, TerraformRoot } from '../harness/example-root';
import { MOTO_CREDENTIALS, MOTO_DEFAULT_ACCOUNT, MOTO_REGION, useMoto } from '../harness/moto';
import { rootLifecycle } from '../harness/root-lifecycle';
import defaults from '../../modules/conductorone-aws-role/defaults.json';

const SECRET = 'Rd5-ReadmeSecret-ExtId-7e2a9c4f1b6d30';
const ROLE_ARN = `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:role/${defaults.role_name}`;
const VARIABLE = 'conductorone_external_id';
const DECLARATION = `variable "${VARIABLE}" {\n  type      = string\n  sensitive = true\n}\n`;

interface Snippet {
  name: string;
  text: string;
  /** Where the root goes so that its module `source` resolves like in the repository. */
  at: string;
}

/** The module blocks of a Markdown file; each snippet's root goes where its relative `source` points at modules/. */
function snippets(file: string): Snippet[] {
  return codeBlocks(file, 'hcl')
    .filter((t) => /module\s+"conductorone_role"/.test(t))
    .map((text, i) => {
      const source = /source\s*=\s*"([^"]+)"/.exec(text)?.[1] ?? '';
      // "./modules/x" -> the repository root; "../../modules/x" -> two levels down (examples/<name>).
      const depth = (source.match(/\.\.\//g) ?? []).length;
      const at = depth === 0 ? '.' : ['examples', ...Array.from({ length: depth - 1 }, (_, k) => `readme-snippet-${i}-${k}`)].join('/');
      return { name: `${file} snippet ${i + 1}`, text, at };
    });
}

const ALL = [...snippets('README.md'), ...snippets('modules/conductorone-aws-role/README.md')];

const moto = useMoto({ resetBeforeEach: false });
let aws: AwsContext;
const roots: TerraformRoot[] = [];

beforeAll(async () => {
  aws = createAwsContext({ region: MOTO_REGION, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
  // For the management-account snippet: the caller is the organization's management account.
  await aws.organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  roots.push(
    ...(await Promise.all(
      ALL.map((s) => prepareRoot(moto, { files: { 'main.tf': s.text, 'user_variables.tf': DECLARATION }, at: s.at, externalId: SECRET, externalIdVariable: VARIABLE })),
    )),
  );
}, 300000);
afterAll(() => aws?.destroy());

test('the READMEs hold the deploy snippets this file runs (root README: 1, module README: 4)', () => {
  expect(ALL.map((s) => s.name)).toEqual([
    'README.md snippet 1',
    'modules/conductorone-aws-role/README.md snippet 1',
    'modules/conductorone-aws-role/README.md snippet 2',
    'modules/conductorone-aws-role/README.md snippet 3',
    // connector_command set explicitly, as for a module copied out of this repository.
    'modules/conductorone-aws-role/README.md snippet 4',
  ]);
});

ALL.forEach((s, i) => {
  const orgs = /enable_organizations\s*=\s*true/.test(s.text.replace(/#.*$/gm, ''));
  const sso = /enable_identity_center\s*=\s*true/.test(s.text.replace(/#.*$/gm, ''));
  rootLifecycle(`${s.name}${orgs ? ' (Organizations)' : ''}${/enable_provisioning\s*=\s*true/.test(s.text) ? ' (provisioning)' : ''}`, {
    root: () => roots[i],
    aws: () => aws,
    roleArn: ROLE_ARN,
    mustPass: ['Role exists', 'Trust policy', 'Permissions', ...(orgs ? ['Organizations management account'] : []), ...(sso ? ['Identity Center instance'] : [])],
  });
});

test('the external ID appears in none of the captured output', () => {
  const captured = roots.flatMap((r) => r.captured);
  expect(captured.length).toBeGreaterThanOrEqual(ALL.length * 4);
  expect(captured.filter((t) => t.includes(SECRET))).toEqual([]);
});
