/**
 * Flags shared by every command that talks to AWS. Names mirror baton-aws's where the concept is the same
 * (--role-arn, --external-id, --global-aws-orgs-enabled, ...); each is also read from BATON_<UPPER_SNAKE>, baton's
 * own convention, so a self-hosted baton-aws environment works as is. Secrets come from env or a file; argv works
 * but warns, since other processes can read it.
 */
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { AwsAccessOptions, RetryMode } from '../aws';
import { retryDelayScale } from '../aws/retry';
import { parseRoleArn } from '../grammar/arn';
import { checkNumber, checkString } from '../grammar/check';
import { checkExternalId } from '../grammar/external-id';
import { UsageError } from '../errors';
import type { Toggles } from '../policy/capabilities';
import defaults from '../../../modules/conductorone-aws-role/defaults.json';

import { bool, wholeNumber } from './parsers';

export interface RawAccessOptions {
  roleArn?: string;
  externalId?: string;
  externalIdFile?: string;
  sessionName?: string;
  sessionDuration?: number;
  region?: string;
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
    .addOption(new Option('--external-id-file <path>', 'read the external ID from this file (trailing newline ignored)').env('BATON_EXTERNAL_ID_FILE'))
    .addOption(new Option('--session-name <name>', 'role session name, shown in CloudTrail').env('BATON_SESSION_NAME').default('c1-aws-connector'))
    .addOption(new Option('--session-duration <seconds>', 'assumed-role session length; refreshed before expiry').env('BATON_SESSION_DURATION').argParser(wholeNumber(900, 43200, 'seconds')).default(3600))
    .addOption(new Option('--region <region>', 'region for STS and the global services').env('BATON_GLOBAL_REGION'))
    .addOption(new Option('--retry-mode <mode>', 'SDK retry mode').choices(['adaptive', 'standard']).env('AWS_RETRY_MODE'))
    .addOption(new Option('--max-attempts <n>', 'SDK attempts per call, first try included').env('AWS_MAX_ATTEMPTS').argParser(wholeNumber(1, 20)));
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
    .addOption(new Option('--provisioning [bool]', 'provisioning (grant/revoke) is enabled').env('BATON_PROVISIONING').argParser(bool));
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
  if (raw.region !== undefined) {
    const err = checkString('region', raw.region, '--region');
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
      region: raw.region,
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
  return { toggles, ssoRegion, ...(toggles.member_accounts ? { memberRole } : {}) };
}
