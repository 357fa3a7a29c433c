/**
 * Flags shared by every command that talks to AWS. A flag baton-aws (pkg/config/config.go) or baton-sdk
 * (pkg/field/defaults.go) also has is spelled as they spell it, with their environment variable BATON_<UPPER_SNAKE>
 * (baton-sdk's convention), so a self-hosted baton-aws environment works as is; every other flag is ours and says so
 * in --help (`ours()`, the "c1-aws extensions" group). Secrets come from env or a file; argv works but warns, since
 * other processes can read it.
 */
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { AwsAccessOptions, RetryMode } from '../aws';
import { retryDelayScale } from '../aws/retry';
import { parseRoleArn } from '../grammar/arn';
import { checkNumber, checkString } from '../grammar/check';
import { checkExternalId } from '../grammar/external-id';
import { UsageError } from '../errors';
import { allCapabilities, OPT_IN_RESOURCE_TYPES, resourceTypesFor, Toggle, Toggles } from '../policy/capabilities';
import { RESOURCE_TYPES } from '../model/ids';
import defaults from '../../../modules/conductorone-aws-role/defaults.json';

import { bool, wholeNumber } from './parsers';

export interface RawAccessOptions {
  roleArn?: string;
  externalId?: string;
  externalIdFile?: string;
  sessionName?: string;
  sessionDuration?: number;
  globalRegion?: string;
  retryMode?: RetryMode;
  maxAttempts?: number;
  /**
   * The principal the role trusts, where the command knows it (validate's --trusted-principal-arn): picks the
   * external ID's length rule (grammar/external-id.ts). Commands that only assume the role leave it unset: STS's limits.
   */
  trustedPrincipalArn?: string;
}

export interface RawFeatureOptions {
  globalAwsOrgsEnabled?: boolean;
  globalAwsSsoEnabled?: boolean;
  globalAwsSsoRegion?: string;
  globalAwsCrossAccountIamEnabled?: boolean;
  iamAssumeRoleName?: string;
  provisioning?: boolean;
  /** sync and validate only (addSyncSelectionOptions). */
  syncSecrets?: boolean;
  syncResourceTypes?: string;
  syncOnlyAttachedPolicies?: boolean;
}

/** The --help group of the flags baton-aws and baton-sdk do not have. */
export const EXTENSIONS_HELP_GROUP = 'c1-aws extensions (not in baton-aws):';

/** Marks a flag as ours (baton-aws has no such flag): listed under EXTENSIONS_HELP_GROUP in --help. */
export function ours(option: Option): Option {
  return option.helpGroup(EXTENSIONS_HELP_GROUP);
}

/** baton-aws's default for --iam-assume-role-name: the role Organizations creates in the accounts it creates. */
export const DEFAULT_IAM_ASSUME_ROLE_NAME = 'OrganizationAccountAccessRole';

export function addAccessOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--role-arn <arn>', 'ARN of the role ConductorOne assumes').env('BATON_ROLE_ARN'))
    .addOption(
      new Option('--external-id <id>', 'external ID (secret; prefer the env variable or --external-id-file: argv is visible to other processes)').env(
        'BATON_EXTERNAL_ID',
      ),
    )
    .addOption(ours(new Option('--external-id-file <path>', 'read the external ID from this file (trailing newline ignored)').env('BATON_EXTERNAL_ID_FILE')))
    .addOption(ours(new Option('--session-name <name>', 'role session name, shown in CloudTrail').env('BATON_SESSION_NAME').default('c1-aws-connector')))
    .addOption(ours(new Option('--session-duration <seconds>', 'assumed-role session length; refreshed before expiry').env('BATON_SESSION_DURATION').argParser(wholeNumber(900, 43200, 'seconds')).default(3600)))
    .addOption(new Option('--global-region <region>', 'region for STS and the global services (baton-aws: "the region for the aws account")').env('BATON_GLOBAL_REGION'))
    .addOption(ours(new Option('--retry-mode <mode>', 'SDK retry mode').choices(['adaptive', 'standard']).env('AWS_RETRY_MODE')))
    .addOption(ours(new Option('--max-attempts <n>', 'SDK attempts per call, first try included').env('AWS_MAX_ATTEMPTS').argParser(wholeNumber(1, 20))));
}

export function addFeatureOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--global-aws-orgs-enabled [bool]', 'AWS Organizations support (the role must be in the management account)').env('BATON_GLOBAL_AWS_ORGS_ENABLED').argParser(bool))
    .addOption(new Option('--global-aws-sso-enabled [bool]', 'IAM Identity Center support (requires Organizations)').env('BATON_GLOBAL_AWS_SSO_ENABLED').argParser(bool))
    .addOption(new Option('--global-aws-sso-region <region>', 'region of the Identity Center instance').env('BATON_GLOBAL_AWS_SSO_REGION').default(defaults.identity_center_region))
    .addOption(
      new Option(
        '--global-aws-cross-account-iam-enabled [bool]',
        "read member accounts' IAM through --iam-assume-role-name while Identity Center is on; unset, it is read whenever Organizations is on and Identity Center off (baton-aws); false turns it off",
      )
        .env('BATON_GLOBAL_AWS_CROSS_ACCOUNT_IAM_ENABLED')
        .argParser(bool),
    )
    .addOption(
      new Option('--iam-assume-role-name <[path/]name>', "the role assumed in each member account, as typed into ConductorOne's \"IAM assume role name\" (a path goes before the name, without the leading /)")
        .env('BATON_IAM_ASSUME_ROLE_NAME')
        .default(DEFAULT_IAM_ASSUME_ROLE_NAME),
    )
    // -p as baton-sdk's provisioningField (pkg/field/defaults.go).
    .addOption(new Option('-p, --provisioning [bool]', 'provisioning (grant/revoke) is enabled').env('BATON_PROVISIONING').argParser(bool));
}

/**
 * What to sync, on `sync` and `validate` (validate checks the permissions of what sync would read). --sync-secrets
 * and --sync-only-attached-policies are baton-aws's (config.go), --sync-resource-types baton-sdk's
 * (defaults.go, syncResourceTypeIDs).
 */
export function addSyncSelectionOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--sync-secrets [bool]', 'sync IAM access keys (access-key) from the credential report').env('BATON_SYNC_SECRETS').argParser(bool))
    .addOption(
      new Option(
        '--sync-resource-types <ids>',
        `comma-separated resource type ids (repeatable): only these are synced, and naming a type read only on request (${Object.keys(OPT_IN_RESOURCE_TYPES)
          .filter((t) => t !== 'permission_set_assignment')
          .sort()
          .join(', ')}) switches it on; permission_set_assignment is accepted and yields nothing`,
      )
        .env('BATON_SYNC_RESOURCE_TYPES')
        // baton-sdk's field is a string slice: a repeated flag adds to the list.
        .argParser((value: string, previous: string | undefined) => [previous, value].filter((v) => v !== undefined && v.trim() !== '').join(',')),
    )
    .addOption(
      new Option('--sync-only-attached-policies [bool]', 'iam_policy resources only for managed policies attached to at least one user, group or role').env('BATON_SYNC_ONLY_ATTACHED_POLICIES').argParser(bool),
    );
}

/** Every type id --sync-resource-types takes: the model's types and every type a capability serves. */
export function knownResourceTypes(): string[] {
  return [...new Set([...Object.keys(RESOURCE_TYPES), ...allCapabilities().flatMap((c) => c.resourceTypes)])].sort();
}

/** The flag that switches each feature toggle on, for messages. Opt-in toggles are switched on by naming their types. */
const TOGGLE_FLAGS: Partial<Record<Toggle, string>> = {
  organizations: '--global-aws-orgs-enabled',
  identity_center: '--global-aws-sso-enabled',
  member_accounts: '--global-aws-orgs-enabled, with Identity Center off or --global-aws-cross-account-iam-enabled',
};

/** Splits --sync-resource-types (baton-sdk: empty = every type); refuses an unknown id, naming it and the valid ones. */
export function parseResourceTypes(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const known = knownResourceTypes();
  const ids = value.split(',').map((v) => v.trim());
  for (const id of ids) {
    if (id === '') throw new UsageError('--sync-resource-types: an empty type id (between commas); give comma-separated ids');
    if (!known.includes(id)) {
      const shown = id.length > 40 ? `${id.slice(0, 40)}...` : id;
      throw new UsageError(`--sync-resource-types: unknown resource type "${shown}"; valid: ${known.join(', ')}`);
    }
  }
  return [...new Set(ids)].sort();
}

/** The member role as baton-aws builds its ARN: arn:<partition>:iam::<account>:role/<iamAssumeRoleName>. */
export interface MemberRole {
  /** As given: [path/]name, no leading slash. */
  iamAssumeRoleName: string;
  /** The IAM path, with its leading and trailing slash ("/" when none). */
  path: string;
  name: string;
}

/**
 * Splits --iam-assume-role-name into the IAM path and name and checks both against grammar.json's role rules,
 * naming the flag: baton-aws puts the value after "role/", so "conductorone/X" is path /conductorone/, name X.
 */
export function parseIamAssumeRoleName(value: string, input = '--iam-assume-role-name'): MemberRole {
  if (value.startsWith('/')) throw new UsageError(`${input} takes the path without its leading / (baton-aws builds role/<value>): e.g. conductorone/ConductorOneMemberAccess`);
  const cut = value.lastIndexOf('/');
  const name = value.slice(cut + 1);
  const path = cut < 0 ? '/' : `/${value.slice(0, cut + 1)}`;
  const nameErr = checkString('role_name', name, `${input} (its name after the last /)`);
  if (nameErr) throw new UsageError(nameErr);
  // The group-path rule (no *, ? or $): the path lands in the management role's sts:AssumeRole Resource pattern.
  const pathErr = checkString('group_path', path, `${input} (its path, before the last /)`);
  if (pathErr) throw new UsageError(pathErr);
  return { iamAssumeRoleName: value, path, name };
}

export interface ResolvedAccess {
  roleArn?: string;
  externalId?: string;
  /** What createAwsContext takes; `assume` is set only when the caller asked to assume the role. */
  access: AwsAccessOptions;
}

/** Reads the external ID from argv, env or file; validates it (rule by raw.trustedPrincipalArn) without ever echoing it. */
export function resolveExternalId(raw: RawAccessOptions, warn: (m: string) => void = (m) => process.stderr.write(`${m}\n`)): string | undefined {
  let id = raw.externalId;
  if (raw.externalIdFile) {
    if (id) throw new UsageError('give the external ID once: --external-id (or BATON_EXTERNAL_ID) or --external-id-file, not both');
    try {
      id = readFileSync(raw.externalIdFile, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new UsageError(`--external-id-file: cannot read ${raw.externalIdFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  } else if (id !== undefined && process.env.BATON_EXTERNAL_ID !== id) {
    warn('c1-aws: warning: --external-id on the command line is visible to other processes; prefer BATON_EXTERNAL_ID or --external-id-file');
  }
  if (id === undefined) return undefined;
  const err = checkExternalId(id, raw.trustedPrincipalArn, 'external ID');
  if (err) throw new UsageError(err);
  return id;
}

/**
 * Validates access flags and builds the AWS options. `assume`: assume --role-arn with the external ID for every call;
 * otherwise the ambient credentials are used as they are.
 */
export function resolveAccess(raw: RawAccessOptions, assume: boolean): ResolvedAccess {
  if (raw.roleArn !== undefined) {
    // The parser, not just the pattern: it also enforces the 64-character name and 512-character path limits.
    const parsed = parseRoleArn(raw.roleArn, '--role-arn');
    if (!parsed.ok) throw new UsageError(parsed.error);
  }
  const sessionErr = raw.sessionName !== undefined ? checkString('session_name', raw.sessionName, '--session-name') : null;
  if (sessionErr) throw new UsageError(sessionErr);
  if (raw.sessionDuration !== undefined) {
    const err = checkNumber('assume_role_duration', raw.sessionDuration, '--session-duration');
    if (err) throw new UsageError(err);
  }
  if (raw.globalRegion !== undefined) {
    const err = checkString('region', raw.globalRegion, '--global-region');
    if (err) throw new UsageError(err);
  }
  if (raw.maxAttempts !== undefined && (raw.maxAttempts < 1 || raw.maxAttempts > 20)) {
    throw new UsageError(`--max-attempts must be from 1 to 20 (got ${raw.maxAttempts})`);
  }
  retryDelayScale(); // C1_AWS_RETRY_DELAY_SCALE, checked before any AWS call
  const externalId = resolveExternalId(raw);
  if (assume && !raw.roleArn) throw new UsageError('assuming the role needs --role-arn (or BATON_ROLE_ARN)');
  if (assume && !externalId) throw new UsageError('assuming the role needs the external ID: BATON_EXTERNAL_ID or --external-id-file');
  return {
    roleArn: raw.roleArn,
    externalId,
    access: {
      region: raw.globalRegion,
      retryMode: raw.retryMode,
      maxAttempts: raw.maxAttempts,
      assume: assume
        ? { roleArn: raw.roleArn!, externalId, sessionName: raw.sessionName, durationSeconds: raw.sessionDuration }
        : undefined,
    },
  };
}

export interface ResolvedFeatures {
  toggles: Toggles;
  /** The resource types sync writes: --sync-resource-types when given, else every type the toggles enable. */
  resourceTypes: string[];
  /** True when --sync-resource-types (BATON_SYNC_RESOURCE_TYPES) chose them: sync then writes only these. */
  resourceTypesSelected: boolean;
  /** --sync-only-attached-policies: iam_policy resources only for policies attached to a user, group or role. */
  syncOnlyAttachedPolicies: boolean;
  ssoRegion: string;
  /** Set when member-account IAM is read (toggles.member_accounts). */
  memberRole?: MemberRole;
}

export function resolveFeatures(raw: RawFeatureOptions): ResolvedFeatures {
  const toggles: Toggles = {
    organizations: raw.globalAwsOrgsEnabled === true,
    identity_center: raw.globalAwsSsoEnabled === true,
    provisioning: raw.provisioning === true,
  };
  if (toggles.identity_center && !toggles.organizations) {
    throw new UsageError('--global-aws-sso-enabled requires --global-aws-orgs-enabled: Identity Center assignments are per account of the organization');
  }
  if (raw.globalAwsCrossAccountIamEnabled === true && !toggles.organizations) {
    throw new UsageError('--global-aws-cross-account-iam-enabled requires --global-aws-orgs-enabled: member accounts are the accounts of the organization');
  }
  const ssoRegion = raw.globalAwsSsoRegion ?? defaults.identity_center_region;
  const err = checkString('region', ssoRegion, '--global-aws-sso-region');
  if (err) throw new UsageError(err);
  // Checked even when unused, so a typo fails now rather than the day the feature is switched on.
  const memberRole = parseIamAssumeRoleName(raw.iamAssumeRoleName ?? DEFAULT_IAM_ASSUME_ROLE_NAME);
  // baton-aws (config.go, connector.go): account_iam is registered when orgs && (!sso || cross-account-iam). One
  // departure: an explicit `false` turns member accounts off with Identity Center off too, so a management role
  // without member-account access (the module's enable_member_accounts = false) can still be validated and synced.
  const cross = raw.globalAwsCrossAccountIamEnabled;
  toggles.member_accounts = toggles.organizations && cross !== false && (!toggles.identity_center || cross === true);
  // baton-aws's --sync-secrets is its access-key type's switch.
  if (raw.syncSecrets === true) toggles.access_keys = true;
  const selected = parseResourceTypes(raw.syncResourceTypes);
  // baton-aws registers its access-key builder only with --sync-secrets: naming the type while saying no is a contradiction.
  if (raw.syncSecrets === false && selected?.includes('access-key')) {
    throw new UsageError('--sync-resource-types names access-key while --sync-secrets is false: drop one of them');
  }
  // Naming an opt-in type asks for it (baton-sdk syncs exactly the named types).
  for (const id of selected ?? []) if (OPT_IN_RESOURCE_TYPES[id]) toggles[OPT_IN_RESOURCE_TYPES[id]] = true;
  const enabled = resourceTypesFor(toggles);
  for (const id of selected ?? []) {
    const servedBy = allCapabilities().filter((c) => c.resourceTypes.includes(id));
    if (enabled.includes(id) || servedBy.length === 0) continue;
    // The feature toggles missing for the capability that needs fewest of them; on a tie the more basic feature
    // (account: Organizations, not Identity Center, which itself needs Organizations).
    const rank = (ts: Toggle[]) => ts.length * 10 + Math.min(...ts.map((t) => Object.keys(TOGGLE_FLAGS).indexOf(t) >>> 0));
    const missing = servedBy.map((c) => c.requires.filter((t) => toggles[t] !== true)).sort((a, b) => rank(a) - rank(b))[0] ?? [];
    const flags = missing.map((t) => TOGGLE_FLAGS[t] ?? t);
    throw new UsageError(`--sync-resource-types: ${id} needs ${flags.join(' and ') || 'a feature that is off'}`);
  }
  return {
    toggles,
    resourceTypes: selected ?? enabled,
    resourceTypesSelected: selected !== undefined,
    syncOnlyAttachedPolicies: raw.syncOnlyAttachedPolicies === true,
    ssoRegion,
    ...(toggles.member_accounts ? { memberRole } : {}),
  };
}
