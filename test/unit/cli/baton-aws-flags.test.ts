/**
 * Our flags against baton-aws's: every flag baton-aws (or baton-sdk, for the generic ones) has and we support is
 * spelled as it spells it, with its environment variable; every other flag of ours is in the "c1-aws extensions" help
 * group. Every [bool] flag takes `--flag`, `--flag=false` and `--flag false`. Then the selection flags
 * (--sync-secrets, --sync-resource-types, --sync-only-attached-policies) as resolveFeatures reads them, and their
 * usage errors through the CLI's main.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Command, Option } from 'commander';
import { buildProgram } from '../../../connector/src/cli';
import { EXTENSIONS_HELP_GROUP, knownResourceTypes, resolveFeatures } from '../../../connector/src/commands/options';
import { bool } from '../../../connector/src/commands/parsers';
import { resolveValidateConfig } from '../../../connector/src/commands/validate';
import { RESOURCE_TYPES } from '../../../connector/src/model/ids';
import { enabledCapabilities, OPT_IN_RESOURCE_TYPES, resourceTypesFor } from '../../../connector/src/policy/capabilities';
import { runMain } from '../../harness/cli-main';
import { REPO_ROOT } from '../../harness/moto';

interface BatonFlag {
  name: string;
  bool: boolean;
  short?: string;
  /** Where it is declared. */
  source: string;
}

const CONFIG = 'ConductorOne/baton-aws@2156bebe7fc2e24e20d5901ec13fc6a7d387756d pkg/config/config.go';
const SDK = 'ConductorOne/baton-sdk@01261dc264e33e1ea7ea710d0f1bbc859a36b0d3 pkg/field/defaults.go';

/** baton-aws's flags that we support, as written in config.go (the line of each field's name), and baton-sdk's. */
const SUPPORTED: BatonFlag[] = [
  { name: 'external-id', bool: false, source: `${CONFIG}:13` },
  { name: 'global-aws-orgs-enabled', bool: true, source: `${CONFIG}:24` },
  { name: 'global-aws-sso-enabled', bool: true, source: `${CONFIG}:29` },
  { name: 'global-aws-cross-account-iam-enabled', bool: true, source: `${CONFIG}:34` },
  { name: 'global-aws-sso-region', bool: false, source: `${CONFIG}:45` },
  { name: 'global-region', bool: false, source: `${CONFIG}:82` },
  { name: 'role-arn', bool: false, source: `${CONFIG}:101` },
  { name: 'sync-secrets', bool: true, source: `${CONFIG}:112` },
  { name: 'iam-assume-role-name', bool: false, source: `${CONFIG}:118` },
  { name: 'sync-only-attached-policies', bool: true, source: `${CONFIG}:130` },
  // baton-sdk's generic ones (DefaultFields), cited by variable name.
  { name: 'provisioning', bool: true, short: 'p', source: `${SDK} provisioningField` },
  { name: 'sync-resource-types', bool: false, source: `${SDK} syncResourceTypeIDs` },
];

/**
 * baton-aws's flags we do not have, and why: the hosted connector's own ("ops") credentials it assumes the role
 * from (global-*, use-assume), CloudTrail last login, and account creation (we provision memberships only).
 */
const NOT_SUPPORTED = [
  { name: 'global-access-key-id', source: `${CONFIG}:18` },
  { name: 'global-binding-external-id', source: `${CONFIG}:76` },
  { name: 'global-role-arn', source: `${CONFIG}:88` },
  { name: 'global-secret-access-key', source: `${CONFIG}:94` },
  { name: 'use-assume', source: `${CONFIG}:106` },
  { name: 'sync-sso-user-last-login', source: `${CONFIG}:124` },
  { name: 'create-account-resource-type', source: `${CONFIG}:136` },
];

const envOf = (name: string) => `BATON_${name.toUpperCase().replace(/-/g, '_')}`;
const commands = () => buildProgram().commands as Command[];
const optionsOf = (cmd: Command) => cmd.options as readonly Option[];

test('every baton-aws flag we have is spelled as baton-aws spells it, with its environment variable and kind', () => {
  const seen = new Set<string>();
  for (const cmd of commands()) {
    for (const o of optionsOf(cmd)) {
      const flag = SUPPORTED.find((f) => o.long === `--${f.name}`);
      if (!flag) continue;
      seen.add(flag.name);
      const row = { command: cmd.name(), flag: o.long, source: flag.source };
      expect({ ...row, env: o.envVar, group: o.helpGroupHeading ?? null }).toEqual({ ...row, env: envOf(flag.name), group: null });
      // A baton bool is `--flag`, `--flag=false`: an optional value parsed by `bool`.
      if (flag.bool) expect({ ...row, optional: o.optional, parser: o.parseArg }).toEqual({ ...row, optional: true, parser: bool });
      else expect({ ...row, required: o.required }).toEqual({ ...row, required: true });
      if (flag.short) expect({ ...row, short: o.short }).toEqual({ ...row, short: `-${flag.short}` });
    }
  }
  expect([...seen].sort()).toEqual(SUPPORTED.map((f) => f.name).sort());
});

test('the flags sync and validate take: every selection flag on both', () => {
  const byName = new Map(commands().map((c) => [c.name(), new Set(optionsOf(c).map((o) => o.long))]));
  for (const command of ['sync', 'validate']) {
    for (const f of ['--sync-secrets', '--sync-resource-types', '--sync-only-attached-policies', '--global-region', '--provisioning']) expect([command, f, byName.get(command)!.has(f)]).toEqual([command, f, true]);
  }
  // grant/revoke do not sync: no selection flags there.
  expect(byName.get('grant')!.has('--sync-resource-types')).toBe(false);
});

test('baton-aws flags we do not support are not ours under the same name; every other flag of ours is marked an extension', () => {
  for (const cmd of commands()) {
    for (const o of optionsOf(cmd)) {
      if (o.long === '--help') continue;
      const row = { command: cmd.name(), flag: o.long };
      expect({ ...row, taken: NOT_SUPPORTED.some((f) => o.long === `--${f.name}`) }).toEqual({ ...row, taken: false });
      if (SUPPORTED.some((f) => o.long === `--${f.name}`)) continue;
      expect({ ...row, group: o.helpGroupHeading }).toEqual({ ...row, group: EXTENSIONS_HELP_GROUP });
    }
  }
  // --region was ours; baton-aws calls it --global-region.
  expect(commands().flatMap((c) => optionsOf(c).map((o) => o.long))).not.toContain('--region');
});

test('--help shows the extensions apart', () => {
  const sync = commands().find((c) => c.name() === 'sync')!;
  const help = sync.helpInformation();
  const [baton, ours] = help.split(EXTENSIONS_HELP_GROUP);
  expect(baton).toMatch(/--global-region <region>/);
  expect(baton).toMatch(/-p, --provisioning \[bool\]/);
  expect(ours).toMatch(/--concurrency <n>/);
  expect(ours).not.toMatch(/--global-region/);
  // On every command with baton-aws flags those come first, the extensions after (diff has none: only -h there).
  for (const cmd of commands().filter((c) => optionsOf(c).some((o) => SUPPORTED.some((f) => o.long === `--${f.name}`)))) {
    const text = cmd.helpInformation();
    if (text.includes(EXTENSIONS_HELP_GROUP)) expect([cmd.name(), text.indexOf('Options:') < text.indexOf(EXTENSIONS_HELP_GROUP)]).toEqual([cmd.name(), true]);
  }
});

test("the README's CLI section lists every extension flag, one line each", () => {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const cli = readme.slice(readme.indexOf('## The CLI'), readme.indexOf('\n## ', readme.indexOf('## The CLI') + 1));
  const extensions = new Set(commands().flatMap((c) => optionsOf(c).filter((o) => o.helpGroupHeading === EXTENSIONS_HELP_GROUP && !o.hidden).map((o) => o.long!)));
  expect(extensions.size).toBeGreaterThan(30);
  // One table row each: `| \`--flag <arg>\` |`.
  const rows = cli.split('\n').filter((l) => l.startsWith('| `--'));
  for (const flag of extensions) expect([flag, rows.filter((l) => l.startsWith(`| \`${flag} `) || l.startsWith(`| \`${flag}\``)).length]).toEqual([flag, 1]);
});

describe('every [bool] flag: --flag, --flag=false, --flag false, --flag=true, --flag true', () => {
  const NEEDS: Record<string, string[]> = { sync: ['-o', 'out.json'] };
  const saved = process.env;
  beforeEach(() => {
    process.env = Object.fromEntries(Object.entries(saved).filter(([k]) => !k.startsWith('BATON_') && !k.startsWith('AWS_')));
  });
  afterEach(() => {
    process.env = saved;
  });

  /** Parses argv for one command with its action replaced: the option values, no AWS call. */
  async function parsed(command: string, args: string[]): Promise<Record<string, unknown>> {
    const program = buildProgram();
    const cmd = (program.commands as Command[]).find((c) => c.name() === command)!;
    let values: Record<string, unknown> = {};
    cmd.action(() => {
      values = cmd.opts();
    });
    await program.parseAsync(['node', 'c1-aws', command, ...(NEEDS[command] ?? []), ...args]);
    return values;
  }

  const rows = commands().flatMap((cmd) => optionsOf(cmd).filter((o) => o.parseArg === bool).map((o) => [cmd.name(), o.long!, o.attributeName()] as const));

  test('the flags under test', () => {
    // The baton-aws booleans and ours; diff's --json stays a plain switch (an optional value would take <old>).
    expect(rows.map(([c, f]) => `${c} ${f}`)).toEqual(expect.arrayContaining(['sync --sync-secrets', 'sync --provisioning', 'validate --global-aws-orgs-enabled', 'validate --sync-only-attached-policies', 'grant --dry-run', 'revoke --json', 'sync --quiet']));
  });

  test.each(rows)('%s %s', async (command, flag, key) => {
    const cases: [string[], boolean][] = [
      [[flag], true],
      [[`${flag}=false`], false],
      [[flag, 'false'], false],
      [[`${flag}=true`], true],
      [[flag, 'true'], true],
      // Followed by another flag, the value is not taken from it.
      [[flag, '--global-aws-sso-region', 'eu-west-1'], true],
    ];
    for (const [args, want] of cases) expect([args, (await parsed(command, args))[key]]).toEqual([args, want]);
  });

  test('-p as baton-sdk: -p, -p=false, -p false, -pfalse', async () => {
    expect((await parsed('validate', ['-p'])).provisioning).toBe(true);
    expect((await parsed('validate', ['-p=false'])).provisioning).toBe(false);
    expect((await parsed('validate', ['-p', 'false'])).provisioning).toBe(false);
    expect((await parsed('grant', ['-pfalse'])).provisioning).toBe(false);
  });
});

describe('resolveFeatures: the selection flags', () => {
  test('--sync-secrets switches access keys on, as baton-aws', () => {
    const f = resolveFeatures({ syncSecrets: true });
    expect(f.toggles.access_keys).toBe(true);
    expect(f.resourceTypes).toContain('access-key');
    expect(f.resourceTypesSelected).toBe(false);
    expect(resolveFeatures({ syncSecrets: false }).toggles.access_keys).toBeFalsy();
  });

  test('without --sync-resource-types: every type the toggles enable', () => {
    const f = resolveFeatures({ globalAwsOrgsEnabled: true, globalAwsSsoEnabled: true });
    expect(f.resourceTypes).toEqual(resourceTypesFor(f.toggles));
    expect(f.resourceTypes).toEqual(['account', 'group', 'iam_user', 'identity_provider', 'role', 'sso_group', 'sso_user']);
  });

  test('naming an opt-in type switches its toggle on; the list is trimmed, deduplicated and sorted', () => {
    const f = resolveFeatures({ syncResourceTypes: ' iam_policy,role , iam_policy' });
    expect(f.toggles.policies).toBe(true);
    expect(f.resourceTypes).toEqual(['iam_policy', 'role']);
    expect(f.resourceTypesSelected).toBe(true);
    for (const [type, toggle] of Object.entries(OPT_IN_RESOURCE_TYPES)) {
      const flags = { globalAwsOrgsEnabled: true, globalAwsSsoEnabled: true, syncResourceTypes: type };
      expect([type, resolveFeatures(flags).toggles[toggle]]).toEqual([type, true]);
    }
  });

  test('empty is every type (baton-sdk), as unset', () => {
    expect(resolveFeatures({ syncResourceTypes: '' }).resourceTypesSelected).toBe(false);
    expect(resolveFeatures({ syncResourceTypes: '  ' }).resourceTypesSelected).toBe(false);
  });

  test('valid ids: the model types and every capability type', () => {
    for (const t of Object.keys(RESOURCE_TYPES)) expect(knownResourceTypes()).toContain(t);
    for (const t of ['iam_policy', 'inline_policy', 'access-key', 'permission_set', 'permission_set_assignment', 'organization', 'organizational_unit']) expect(knownResourceTypes()).toContain(t);
  });

  test('--sync-only-attached-policies passes through', () => {
    expect(resolveFeatures({ syncOnlyAttachedPolicies: true }).syncOnlyAttachedPolicies).toBe(true);
    expect(resolveFeatures({}).syncOnlyAttachedPolicies).toBe(false);
  });

  test("validate's toggles follow the selection: the opt-in capabilities' permissions are checked", () => {
    const config = resolveValidateConfig({
      roleArn: 'arn:aws:iam::123456789012:role/C1',
      externalIdSha256: 'a'.repeat(64),
      trustedPrincipalArn: 'arn:aws:iam::765656841499:role/ConductorOneService',
      assumeTimeout: 90,
      wait: 0,
      memberStackSetName: 'ConductorOneMemberAccess',
      memberInspectRoleName: 'OrganizationAccountAccessRole',
      syncSecrets: true,
      syncResourceTypes: 'iam_user,iam_policy',
    });
    expect(enabledCapabilities(config.toggles).map((c) => c.id)).toEqual(['access_key_sync', 'iam_sync', 'policy_sync']);
  });
});

describe('usage errors (exit 2, before any AWS call)', () => {
  const env = { PATH: process.env.PATH };
  const sync = (...args: string[]) => runMain(['sync', '-o', 'never-written.json', ...args], env);

  test('an unknown type is named, with the valid ids', async () => {
    const r = await sync('--sync-resource-types', 'iam_user,iam-user');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--sync-resource-types: unknown resource type "iam-user"; valid: access-key, account, account_iam, .*iam_policy.*, sso_user/);
  });

  test('a repeated --sync-resource-types adds to the list (baton-sdk string slice), never replaces it', async () => {
    // Were the last one to win, iam_user alone would pass: the first value is still checked.
    const r = await sync('--sync-resource-types', 'bogus', '--sync-resource-types', 'iam_user');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: expect.stringMatching(/unknown resource type "bogus"/) });
    const empty = await sync('--sync-resource-types', '', '--sync-resource-types', 'sso_user');
    expect(empty.stderr).toMatch(/sso_user needs --global-aws-sso-enabled\n/);
  });

  test('access-key named while --sync-secrets is false is refused', async () => {
    const r = await sync('--sync-secrets=false', '--sync-resource-types', 'iam_user,access-key');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: 'c1-aws: --sync-resource-types names access-key while --sync-secrets is false: drop one of them\n' });
  });

  test('a type whose feature is off names the feature flag', async () => {
    expect((await sync('--sync-resource-types', 'sso_user')).stderr).toMatch(/sso_user needs --global-aws-sso-enabled\n/);
    expect((await sync('--global-aws-orgs-enabled', '--sync-resource-types', 'permission_set')).stderr).toMatch(/permission_set needs --global-aws-sso-enabled\n/);
    expect((await sync('--sync-resource-types', 'organization')).stderr).toMatch(/organization needs --global-aws-orgs-enabled\n/);
    // account is not refused without Organizations: it is then the caller's own account (iam_sync's, our extension).
    // The selection passes; the next check (the region) is what stops this run.
    expect((await sync('--sync-resource-types', 'account', '--global-region', 'not a region')).stderr).toMatch(/^c1-aws: --global-region must be an AWS region name/);
    const members = await runMain(['validate', '--role-arn', 'arn:aws:iam::123456789012:role/C1', '--global-aws-orgs-enabled', '--global-aws-sso-enabled', '--sync-resource-types', 'account_iam'], { ...env, BATON_EXTERNAL_ID_SHA256: 'a'.repeat(64) });
    expect({ code: members.code, stderr: members.stderr }).toEqual({ code: 2, stderr: 'c1-aws: --sync-resource-types: account_iam needs --global-aws-orgs-enabled, with Identity Center off or --global-aws-cross-account-iam-enabled\n' });
  });

  test('access keys without the credential report they come from', async () => {
    for (const args of [['--sync-secrets'], ['--sync-resource-types', 'access-key']]) {
      const r = await sync(...args, '--credential-report=false');
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: 'c1-aws: --sync-secrets (access-key) reads the keys from the credential report: drop --credential-report=false\n' });
    }
  });

  test('--region is gone: baton-aws calls it --global-region', async () => {
    const r = await sync('--region', 'us-east-1');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--region'/);
  });

  test('a bad boolean names the flag or its variable', async () => {
    expect((await sync('--sync-secrets=maybe')).stderr).toMatch(/--sync-secrets \[bool\]' argument 'maybe' is invalid/);
    const r = await runMain(['sync', '-o', 'x.json'], { ...env, BATON_SYNC_ONLY_ATTACHED_POLICIES: 'sometimes' });
    expect({ code: r.code, env: /BATON_SYNC_ONLY_ATTACHED_POLICIES/.test(r.stderr) }).toEqual({ code: 2, env: true });
  });
});
