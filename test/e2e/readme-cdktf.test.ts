/**
 * Every `npx cdktf deploy` line of README.md's "Deploy the role" block, read from the Markdown at test time and run
 * as written, with the external ID in TF_VAR_external_id as the README says (not --var), plus only what the README
 * says an offline, non-interactive run adds (--skip-provider-lock, --auto-approve) and an --output dir per command.
 * They run in a copy of the project (cdktf.json, package.json, stacks/, modules/; node_modules and connector linked):
 * the stacks keep their local state at terraform.<stack>.tfstate in the project directory, which
 * stacks-deploy.test.ts uses in the repository at the same time. Against one moto holding an organization: deploy exits 0 with the validation step's checks
 * passed (its default: the real c1-aws CLI), and a second plan of the deployed stack with the same variables
 * (`terraform plan` where cdktf ran it, cdktf.out/stacks/<stack>: what `cdktf diff` runs after re-synthesizing the
 * same app; stacks-deploy.test.ts runs `cdktf diff` itself) has nothing to change; then moto is reset.
 * (test/e2e/stacks-deploy.test.ts covers the stacks with --var, sync_step=sync, `cdktf diff` and `cdktf destroy`.)
 */
import { CreateOrganizationCommand } from '@aws-sdk/client-organizations';
import { ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { cpSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { AwsContext, createAwsContext } from '../../connector/src/aws';
import { codeBlocks, TerraformRoot } from '../harness/example-root';
import { MOTO_CREDENTIALS, MOTO_DEFAULT_ACCOUNT, MOTO_REGION, REPO_ROOT, useMoto } from '../harness/moto';
import { runAsync } from '../harness/process';
import { cdktfProvider } from '../harness/stacks';
import { rootLifecycle } from '../harness/root-lifecycle';
import { RunResult, tempDir, terraformAsync, terraformEnv } from '../harness/terraform';
import defaults from '../../modules/conductorone-aws-role/defaults.json';
import manifest from '../../modules/conductorone-aws-role/policies/capabilities.json';

const caps = manifest.capabilities;

const SECRET = 'Ck6-CdktfReadmeSecret-ExtId-3a8f5d1c9e2b';
const ROLE_ARN = `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:role/${defaults.role_name}`;

/** The deploy commands of the README block that exports TF_VAR_external_id, as argv after `npx cdktf deploy`. */
function deployCommands(): string[][] {
  const block = codeBlocks('README.md', 'sh').find((b) => b.includes('export TF_VAR_external_id'));
  if (!block) return [];
  return block
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => l.startsWith('npx cdktf deploy '))
    .map((l) => l.slice('npx cdktf deploy '.length).split(/\s+/));
}

const COMMANDS = deployCommands();
const moto = useMoto({ resetBeforeEach: false });
let aws: AwsContext;
let work: string;
const captured: string[] = [];

async function cdktf(verb: string, args: string[], out: string, extra: string[]): Promise<RunResult> {
  const env = { ...moto.env, TF_VAR_external_id: SECRET, CI: '1', FORCE_COLOR: '0' };
  const r = await cdktfProvider(path.join(out, 'stacks', args[0]), env).run((shared) =>
    runAsync('npx', ['cdktf', verb, ...args, '--skip-provider-lock', '--output', out, ...extra], { cwd: work, env: { ...process.env, ...terraformEnv(), ...env, ...shared } }),
  );
  captured.push(r.output);
  return r;
}

/** One command as a root: apply = deploy, plan = `terraform plan -detailed-exitcode` of the deployed stack, destroy = destroy. */
function cdktfRoot(args: string[], i: number): TerraformRoot {
  const out = () => path.join(work, `cdktf.out-${i}`);
  // `--var k=v` as Terraform spells it.
  const vars = args.slice(1).flatMap((a, j, all) => (a === '--var' ? ['-var', all[j + 1]] : []));
  return {
    dir: out(),
    work,
    tf: () => Promise.reject(new Error('not a Terraform root')),
    apply: () => cdktf('deploy', args, out(), ['--auto-approve']),
    plan: async () => {
      const r = await terraformAsync(path.join(out(), 'stacks', args[0]), ['plan', '-detailed-exitcode', '-input=false', '-no-color', ...vars], {
        ...moto.env,
        TF_VAR_external_id: SECRET,
      });
      captured.push(r.output);
      return r;
    },
    destroy: () => cdktf('destroy', args, out(), ['--auto-approve']),
    captured,
  };
}

beforeAll(async () => {
  aws = createAwsContext({ region: MOTO_REGION, credentials: MOTO_CREDENTIALS, maxAttempts: 1 });
  await aws.organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  // A copy of the project; the stacks find the CLI relative to their synthesized directory, as in the repository.
  work = tempDir('c1-readme-cdktf-');
  for (const f of ['cdktf.json', 'package.json', 'tsconfig.json']) cpSync(path.join(REPO_ROOT, f), path.join(work, f));
  for (const d of ['stacks', 'modules']) cpSync(path.join(REPO_ROOT, d), path.join(work, d), { recursive: true, filter: (src) => !/[/\\]\.terraform$/.test(src) });
  for (const d of ['connector', 'node_modules']) symlinkSync(path.join(REPO_ROOT, d), path.join(work, d));
}, 60000);
afterAll(() => aws?.destroy());

test('the README names the three deploys this file runs', () => {
  expect(COMMANDS.map((c) => c.join(' '))).toEqual([
    'conductorone-aws',
    'conductorone-aws-management',
    'conductorone-aws --var enable_provisioning=true --var provisioning_group_path=/conductorone/',
  ]);
});

/** Back to the start for the next command: an empty moto holding an organization (as beforeAll left it). */
async function resetMoto(): Promise<void> {
  await moto.reset();
  await aws.organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
}

// `cdktf destroy` is test/e2e/stacks-deploy.test.ts's (single-account stack); destroying the management stack's
// module inputs (Organizations + Identity Center) is examples-apply's management-account-identity-center lifecycle.
// Here moto is reset after each command (the stack's state then names resources moto no longer has: the next deploy
// of that stack plans them again).
COMMANDS.forEach((args, i) => {
  const management = args[0] === 'conductorone-aws-management';
  rootLifecycle(`npx cdktf deploy ${args.join(' ')}`, {
    root: () => cdktfRoot(args, i),
    aws: () => aws,
    roleArn: ROLE_ARN,
    mustPass: ['Role exists', 'Trust policy', 'Permissions', ...(management ? ['Organizations management account', 'Identity Center instance'] : [])],
    afterApply: management
      ? async () => {
          const names = (await aws.iam.send(new ListRolePoliciesCommand({ RoleName: defaults.role_name }))).PolicyNames ?? [];
          expect(names.sort()).toEqual(['iam_sync', 'identity_center_sync', 'organizations_sync'].map((id) => caps[id as keyof typeof caps].policy_name).sort());
        }
      : undefined,
    repeats: { destroyOf: management ? 'examples/management-account-identity-center' : 'test/e2e/stacks-deploy.test.ts', reset: resetMoto },
  });
});

test('the external ID appears in none of the captured output', () => {
  expect(captured.length).toBeGreaterThanOrEqual(COMMANDS.length * 2);
  expect(captured.filter((t) => t.includes(SECRET))).toEqual([]);
});
