/**
 * Every HCL deploy snippet of README.md and of the module README, read from the Markdown at test time, applied as a
 * user would: the snippet as the root (at the path its `source` implies), plus only the declaration it leaves to the
 * user (`variable "conductorone_external_id"`, fed from TF_VAR_conductorone_external_id); no provider block, so the
 * AWS provider takes its region and credentials from the environment (here: moto's). The validation step runs at its
 * default (the real c1-aws CLI) and every check passes; a second plan is empty. All roots are initialised at once,
 * then applied one after another against one moto holding an organization (the snippets share a role name).
 *
 * What would repeat another test is not run again: a snippet whose features (enable_* = true) are an example's is
 * not destroyed here (that example's lifecycle destroys the same resources: module-apply, examples-apply,
 * example-provisioning); moto is reset instead. A snippet whose module block equals an earlier one's (source and
 * comments aside) does not plan a second time. A snippet with features no example has gets the whole lifecycle.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CreateOrganizationCommand } from '@aws-sdk/client-organizations';
import { AwsContext, createAwsContext } from '../../connector/src/aws';
import { codeBlocks, prepareRoot, TerraformRoot } from '../harness/example-root';
import { MOTO_CREDENTIALS, MOTO_DEFAULT_ACCOUNT, MOTO_REGION, REPO_ROOT, useMoto } from '../harness/moto';
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

const withoutComments = (hcl: string) => hcl.replace(/#.*$/gm, '');
/** The module block's inputs, source and comments aside, whitespace normalised: equal blocks plan alike. */
const moduleInputs = (hcl: string) =>
  withoutComments(/module\s+"conductorone_role"\s*\{[\s\S]*?\n\}/.exec(hcl)?.[0] ?? hcl)
    .split('\n')
    .filter((l) => !/^\s*source\s*=/.test(l))
    .map((l) => l.trim().replace(/\s+/g, ' '))
    .filter(Boolean)
    .join('\n');
/** The toggles a root switches on literally. */
const features = (hcl: string) => ['enable_organizations', 'enable_identity_center', 'enable_provisioning'].filter((f) => new RegExp(`^\\s*${f}\\s*=\\s*true\\b`, 'm').test(withoutComments(hcl)));
/** Each shipped example's features (those passing a variable instead of a literal are left out: not comparable). */
const EXAMPLE_FEATURES = readdirSync(path.join(REPO_ROOT, 'examples'), { withFileTypes: true })
  .filter((e) => e.isDirectory() && e.name !== 'generated' && e.name !== 'conductorone-provider')
  .map((e) => ({ example: `examples/${e.name}`, main: readFileSync(path.join(REPO_ROOT, 'examples', e.name, 'main.tf'), 'utf8') }))
  .filter(({ main }) => !/^\s*enable_[a-z_]+\s*=\s*var\./m.test(main))
  .map(({ example, main }) => ({ example, features: features(main).join(',') }));

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

test('the examples a snippet defers its destroy to exist and switch on exactly those features', () => {
  expect(EXAMPLE_FEATURES).toEqual(
    expect.arrayContaining([
      { example: 'examples/single-account', features: '' },
      { example: 'examples/management-account-identity-center', features: 'enable_organizations,enable_identity_center' },
      { example: 'examples/provisioning', features: 'enable_provisioning' },
    ]),
  );
});

/** Back to the start for the next snippet: an empty moto holding an organization (as beforeAll left it). */
async function resetMoto(): Promise<void> {
  await moto.reset();
  await aws.organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
}

ALL.forEach((s, i) => {
  const on = features(s.text);
  const orgs = on.includes('enable_organizations');
  const sso = on.includes('enable_identity_center');
  const sameExample = EXAMPLE_FEATURES.find((e) => e.features === on.join(','));
  const samePlan = ALL.slice(0, i).find((earlier) => moduleInputs(earlier.text) === moduleInputs(s.text));
  rootLifecycle(`${s.name}${orgs ? ' (Organizations)' : ''}${on.includes('enable_provisioning') ? ' (provisioning)' : ''}`, {
    root: () => roots[i],
    aws: () => aws,
    roleArn: ROLE_ARN,
    mustPass: ['Role exists', 'Trust policy', 'Permissions', ...(orgs ? ['Organizations management account'] : []), ...(sso ? ['Identity Center instance'] : [])],
    repeats: sameExample ? { destroyOf: sameExample.example, secondPlanOf: samePlan?.name, reset: resetMoto } : undefined,
  });
});

test('the external ID appears in none of the captured output', () => {
  const captured = roots.flatMap((r) => r.captured);
  // init and apply of every root at least.
  expect(captured.length).toBeGreaterThanOrEqual(ALL.length * 2);
  expect(captured.filter((t) => t.includes(SECRET))).toEqual([]);
});
