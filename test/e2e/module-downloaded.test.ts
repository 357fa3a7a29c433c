/**
 * A module Terraform downloads (git or registry source: a copy under .terraform/modules/) holds the CLI's file
 * (connector/bin/c1-aws.js, when the whole repository is fetched) but not its installed dependencies: its default
 * connector_command must not run it. Planned against moto from a git source of this repository's HEAD: the step is
 * off and sync_step_status says why; with connector_command set, the step is planned. The git repository is a
 * scratch one holding the working tree's module and CLI entry (what a git source of this repository fetches).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, useMoto } from '../harness/moto';
import { flat } from '../harness/example-root';
import { tempDir, terraform, terraformInit } from '../harness/terraform';

const moto = useMoto({ resetBeforeEach: false });
const SECRET = 'Gd5-DownloadedModule-ExtId-7c2e9a4b1f60';
let gitRepo: string;

beforeAll(() => {
  gitRepo = tempDir('c1-module-git-');
  cpSync(path.join(REPO_ROOT, 'modules', 'conductorone-aws-role'), path.join(gitRepo, 'modules', 'conductorone-aws-role'), {
    recursive: true,
    filter: (src) => !/[/\\](\.terraform|tests)$/.test(src),
  });
  mkdirSync(path.join(gitRepo, 'connector', 'bin'), { recursive: true });
  cpSync(path.join(REPO_ROOT, 'connector', 'bin', 'c1-aws.js'), path.join(gitRepo, 'connector', 'bin', 'c1-aws.js'));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: gitRepo, stdio: 'pipe' });
  git('init', '-q');
  git('add', '.');
  git('commit', '-q', '-m', 'module');
});

function root(extra: string): string {
  const dir = tempDir('c1-module-downloaded-');
  writeFileSync(
    path.join(dir, 'main.tf'),
    `variable "external_id" {
  type      = string
  sensitive = true
}
module "conductorone_role" {
  source      = "git::file://${gitRepo}//modules/conductorone-aws-role"
  external_id = var.external_id
${extra}}
output "sync_step_status" { value = module.conductorone_role.sync_step_status }
`,
  );
  const init = terraformInit(dir);
  if (init.code !== 0) throw new Error(init.output.slice(-3000));
  return dir;
}

const plan = (dir: string) => terraform(dir, ['plan', '-input=false', '-no-color', '-lock=false'], { ...moto.env, TF_VAR_external_id: SECRET });

test('a git-sourced copy of the module (with connector/bin/c1-aws.js beside it) plans the step off, saying why', () => {
  const dir = root('');
  const r = plan(dir);
  expect({ code: r.code, tail: r.code === 0 ? '' : r.output.slice(-2000) }).toEqual({ code: 0, tail: '' });
  const text = flat(r.output);
  expect(text).toContain('this module is a copy Terraform downloaded');
  expect(text).toContain(`${path.join(dir, '.terraform', 'modules', 'conductorone_role')}`);
  expect(text).not.toMatch(/terraform_data\.sync_step\[0\] will be created/);
  expect(text).toMatch(/aws_iam_role\.this will be created/);
  expect(r.output).not.toContain(SECRET);
}, 180000);

test('the same copy with connector_command set plans the step with that command', () => {
  const dir = root('  connector_command = ["c1-aws"]\n');
  const r = plan(dir);
  expect(r.code).toBe(0);
  const text = flat(r.output);
  expect(text).toMatch(/terraform_data\.sync_step\[0\] will be created/);
  expect(text).toContain('runs [\\"c1-aws\\",\\"step\\"]');
}, 180000);
