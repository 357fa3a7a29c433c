/**
 * The shared AWS provider of test/harness/provider-server.ts is used only where it is sound: one server per
 * provider environment, none for roots with provider aliases (or modules not yet installed), none for init and
 * `terraform test`, none when a CA bundle would be needed; and a server configured twice (two commands) still plans
 * against moto with AWS_CA_BUNDLE in the caller's environment (the failure that rule avoids).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { useMoto } from '../harness/moto';
import { declaresProviderAlias, mirrorProviderBinary, providerLease, serverEnv, stopProviderServers } from '../harness/provider-server';
import { providerMirror, tempDir, terraformAsync, terraformInit } from '../harness/terraform';

const binary = mirrorProviderBinary(providerMirror());
const root = (files: Record<string, string>) => {
  const dir = tempDir('c1-provider-server-');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
};
const PLAIN = { 'main.tf': 'provider "aws" {\n  region = "us-east-1"\n}\ndata "aws_caller_identity" "me" {}\noutput "account" {\n  value = data.aws_caller_identity.me.account_id\n}\n' };
const env = { PATH: process.env.PATH, HOME: process.env.HOME, AWS_ENDPOINT_URL: 'http://127.0.0.1:1', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 's' };

afterAll(() => stopProviderServers());

test('this machine has one mirrored provider binary to share (else every command starts its own)', () => {
  expect(binary).toMatch(/terraform-provider-aws_v[\d.]+_x5$/);
});

describe('one server per provider environment', () => {
  // A stand-in for the provider in debug mode: prints a reattach value naming its own pid, then waits to be killed
  // (the keying is what is tested here; the real binary serves the moto case below).
  let fake: string;
  beforeAll(() => {
    fake = path.join(tempDir('c1-fake-provider-'), 'terraform-provider-aws_v0.0.0_x5');
    writeFileSync(fake, `#!/bin/sh\necho "TF_REATTACH_PROVIDERS='{\\"registry.terraform.io/hashicorp/aws\\":{\\"Pid\\":$$}}'"\nexec sleep 600\n`, { mode: 0o755 });
  });
  let dir: string;
  beforeAll(() => {
    dir = root(PLAIN);
  });
  const reattach = (e: NodeJS.ProcessEnv, args = ['plan'], cwd = dir) => providerLease(fake, cwd, args, e)?.env.TF_REATTACH_PROVIDERS;

  test('the same environment: the same server; TF_VAR_* (Terraform\'s own) does not count', () => {
    const a = reattach(env);
    expect(a).toBeDefined();
    expect(reattach({ ...env })).toBe(a);
    expect(reattach({ ...env, TF_VAR_external_id: 'x' })).toBe(a);
  });

  test('other credentials or another endpoint: another server (the provider reads its own environment)', () => {
    const a = reattach(env);
    expect(reattach({ ...env, AWS_ACCESS_KEY_ID: 'b' })).not.toBe(a);
    expect(reattach({ ...env, AWS_ENDPOINT_URL: 'http://127.0.0.1:2' })).not.toBe(a);
  });

  test('another root directory: another server (the provider resolves its relative paths against its own)', () => {
    expect(reattach(env, ['plan'], root(PLAIN))).not.toBe(reattach(env));
  });

  test('the server never gets TF_VAR_* or AWS_CA_BUNDLE; a CA bundle with an https endpoint, or one the provider could not read: no server', () => {
    const pem = path.join(tempDir('c1-ca-'), 'ca.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(serverEnv({ ...env, TF_VAR_external_id: 'secret', AWS_CA_BUNDLE: pem })).toEqual(env);
    expect(serverEnv({ ...env, AWS_CA_BUNDLE: pem, AWS_ENDPOINT_URL_STS: 'https://sts.example' })).toBeNull();
    expect(serverEnv({ ...env, AWS_ENDPOINT_URL: undefined, AWS_CA_BUNDLE: pem })).toBeNull();
    // Terraform's own provider fails to start on these ("open ...: no such file or directory"): so must the test.
    expect(serverEnv({ ...env, AWS_CA_BUNDLE: path.join(path.dirname(pem), 'missing.pem') })).toBeNull();
    writeFileSync(pem, 'not a certificate');
    expect(serverEnv({ ...env, AWS_CA_BUNDLE: pem })).toBeNull();
  });

  test.each([['init'], ['test'], ['version'], ['providers', 'lock']])('terraform %s starts its own provider', (...args) => {
    expect(reattach(env, args)).toBeUndefined();
  });

  test('a caller\'s own TF_REATTACH_PROVIDERS is kept', () => {
    expect(providerLease(binary, root(PLAIN), ['plan'], { ...env, TF_REATTACH_PROVIDERS: '{}' })).toBeNull();
  });
});

describe('roots whose provider configurations would share one server', () => {
  test('an alias in the root (HCL or JSON): no server', () => {
    expect(declaresProviderAlias(root({ 'p.tf': 'provider "aws" {\n  alias  = "member"\n  region = "us-east-1"\n}\n' }))).toBe(true);
    expect(declaresProviderAlias(root({ 'cdk.tf.json': JSON.stringify({ provider: { aws: [{ region: 'x' }, { alias: 'm' }] } }) }))).toBe(true);
    expect(providerLease(binary, root({ 'p.tf': 'provider "aws" {\n  alias = "m"\n}\n' }), ['plan'], env)).toBeNull();
  });

  test('an alias in a module init recorded: no server; configuration_aliases alone declares none', () => {
    const dir = root({
      'main.tf': 'module "m" {\n  source = "./m"\n}\n',
      'm/main.tf': 'terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", configuration_aliases = [aws.x] }\n  }\n}\n',
      '.terraform/modules/modules.json': JSON.stringify({ Modules: [{ Key: '', Source: '', Dir: '.' }, { Key: 'm', Source: './m', Dir: 'm' }] }),
    });
    expect(declaresProviderAlias(dir)).toBe(false);
    writeFileSync(path.join(dir, 'm', 'providers.tf'), 'provider "aws" {\n  alias = "x"\n}\n');
    expect(declaresProviderAlias(dir)).toBe(true);
  });

  test('a root folder that does not exist yet (a cdktf stack before its first synth): no server', () => {
    expect(providerLease(binary, path.join(root(PLAIN), 'cdktf.out', 'stacks', 'x'), ['apply'], env)).toBeNull();
  });

  test('modules called but not installed: unknown, so no server', () => {
    const dir = root({ 'main.tf': 'module "m" {\n  source = "./m"\n}\n' });
    expect(declaresProviderAlias(dir)).toBe('unknown');
    expect(providerLease(binary, dir, ['plan'], env)).toBeNull();
  });
});

describe('against moto', () => {
  const moto = useMoto({ resetBeforeEach: false });

  test('one server configured by two commands in a row still plans, with AWS_CA_BUNDLE in the caller\'s environment', async () => {
    const dir = root(PLAIN);
    terraformInit(dir);
    const e = { ...moto.env, AWS_CA_BUNDLE: '/etc/ssl/certs/ca-certificates.crt' };
    const lease = providerLease(binary, dir, ['plan'], { ...process.env, ...e });
    expect(lease).not.toBeNull();
    for (let i = 0; i < 2; i++) {
      const r = await terraformAsync(dir, ['apply', '-auto-approve', '-input=false', '-no-color'], e);
      expect({ code: r.code, out: r.code ? r.output.slice(-2000) : '' }).toEqual({ code: 0, out: '' });
      expect(r.output).toContain('account = "123456789012"');
    }
  });
});
