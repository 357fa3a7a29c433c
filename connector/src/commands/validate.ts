/**
 * `c1-aws validate`: checks that a role is what ConductorOne needs, and no more (checks in ../validate/).
 * Exit codes: 0 every check passed (or was skipped), 1 a check failed, 2 a usage or configuration error, found
 * before any AWS call (a malformed role ARN included; the report is still printed).
 */
import { Command, Option } from 'commander';
import { bool, wholeNumber } from './parsers';
import { mkdirSync } from 'node:fs';
import { writePrivateFile } from '../files';
import * as path from 'node:path';
import { UsageError } from '../errors';
import { checkString } from '../grammar/check';
import { formatReport } from '../validate/report';
import { runValidate } from '../validate/run';
import type { ValidateConfig } from '../validate/types';
import { GROUP_ARNS_FLAG, GROUP_PATH_FLAG, OptionSource, RawGroupScopeOptions, resolveGroupScope } from '../validate/group-scope';
import { addAccessOptions, addFeatureOptions, addSyncSelectionOptions, ours, DEFAULT_IAM_ASSUME_ROLE_NAME, RawAccessOptions, RawFeatureOptions, resolveAccess, resolveFeatures } from './options';
import defaults from '../../../modules/conductorone-aws-role/defaults.json';

interface RawValidateOptions extends RawAccessOptions, RawFeatureOptions, RawGroupScopeOptions {
  externalIdSha256?: string;
  trustedPrincipalArn: string;
  assume?: boolean;
  assumeTimeout: number;
  wait: number;
  report?: string;
  json?: boolean;
  memberStackSetName: string;
  memberInspectRoleName: string;
  memberProvisioning?: boolean;
}

// The module's default stack set name (defaults.json, generated from variables.tf).
export const DEFAULT_MEMBER_STACK_SET_NAME: string = defaults.member_stack_set_name;
// The role Organizations creates in the accounts it creates (baton-aws's default assume name too).
export const DEFAULT_MEMBER_INSPECT_ROLE_NAME = DEFAULT_IAM_ASSUME_ROLE_NAME;

const seconds = wholeNumber(0, 3600, 'seconds');

/** Turns flags into a config, or throws UsageError; makes no AWS call. */
export function resolveValidateConfig(raw: RawValidateOptions, source?: OptionSource): ValidateConfig {
  if (!raw.roleArn) throw new UsageError('validate needs --role-arn (or BATON_ROLE_ARN)');
  // The ARN is left to the "Role ARN syntax" check, whose message names the exact rule broken.
  const { externalId, access } = resolveAccess({ ...raw, roleArn: undefined }, false);
  // Comma-separated: Terraform passes the digest of every external ID (rotation IDs too), the first being the one to use.
  let digests: string[] | undefined;
  if (raw.externalIdSha256 !== undefined) {
    digests = raw.externalIdSha256.split(',').map((d) => d.trim());
    for (const d of digests) {
      if (!/^[0-9a-fA-F]{64}$/.test(d)) throw new UsageError('--external-id-sha256 must be one or more comma-separated SHA-256 digests of 64 hexadecimal digits each (of the external ID, then of each rotation ID)');
    }
    digests = digests.map((d) => d.toLowerCase());
  }
  if (externalId === undefined && digests === undefined) {
    throw new UsageError('validate needs the external ID (BATON_EXTERNAL_ID or --external-id-file) or its SHA-256 (--external-id-sha256 or BATON_EXTERNAL_ID_SHA256)');
  }
  const principalErr = checkString('trusted_principal_arn', raw.trustedPrincipalArn, '--trusted-principal-arn');
  if (principalErr) throw new UsageError(principalErr);
  const { toggles, ssoRegion, memberRole } = resolveFeatures(raw);
  const groupScope = resolveGroupScope(raw, toggles, raw.roleArn, source);
  const stackSetName = raw.memberStackSetName ?? DEFAULT_MEMBER_STACK_SET_NAME;
  const stackSetErr = checkString('stack_set_name', stackSetName, '--member-stack-set-name');
  if (stackSetErr) throw new UsageError(stackSetErr);
  const inspectRoleName = raw.memberInspectRoleName ?? DEFAULT_MEMBER_INSPECT_ROLE_NAME;
  const inspectErr = inspectRoleName === '' ? null : checkString('role_name', inspectRoleName, '--member-inspect-role-name');
  if (inspectErr) throw new UsageError(inspectErr);
  if (raw.memberProvisioning === true && !toggles.provisioning) throw new UsageError('--member-provisioning needs --provisioning: the member role provisions only what the management role does');
  return {
    roleArn: raw.roleArn,
    externalId,
    externalIdSha256: digests,
    trustedPrincipalArn: raw.trustedPrincipalArn,
    toggles,
    ...(groupScope ? { groupScope } : {}),
    ssoRegion,
    assume: raw.assume === true,
    sessionName: raw.sessionName ?? 'c1-aws-connector',
    sessionDuration: raw.sessionDuration,
    assumeTimeoutMs: raw.assumeTimeout * 1000,
    waitMs: raw.wait * 1000,
    access: { ...access, ssoRegion },
    ...(memberRole ? { members: { role: memberRole, stackSetName, inspectRoleName, provisioning: raw.memberProvisioning === true } } : {}),
  };
}

export function register(program: Command): void {
  const cmd = program
    .command('validate')
    .description(
      "Check the role ConductorOne assumes: ARN, existence, trust policy (only ConductorOne's principal, only with the external ID), " +
        'permissions (all needed, nothing beyond them), Organizations management account, Identity Center instance, and optionally AssumeRole.',
    );
  addAccessOptions(cmd);
  addFeatureOptions(cmd);
  addSyncSelectionOptions(cmd);
  cmd
    .addOption(ours(
      new Option(
        '--external-id-sha256 <hex,...>',
        "SHA-256 of the external ID, instead of the external ID itself; comma-separated with the digests of rotation IDs after it. With the external ID given too, these are the further IDs you own. Every sts:ExternalId value in the trust policy must be one of them",
      ).env(
        'BATON_EXTERNAL_ID_SHA256',
      ),
    ))
    .addOption(ours(new Option('--trusted-principal-arn <arn>', "ConductorOne's principal, the only one the trust policy may let in").env('BATON_TRUSTED_PRINCIPAL_ARN').default(defaults.trusted_principal_arn)))
    .addOption(ours(new Option('--assume [bool]', 'also assume the role with the external ID and ask STS who we are').env('BATON_VALIDATE_ASSUME').argParser(bool)))
    .addOption(ours(new Option('--assume-timeout <seconds>', 'keep retrying AccessDenied from AssumeRole this long (a new role takes time to propagate)').env('BATON_ASSUME_TIMEOUT').argParser(seconds).default(90)))
    .addOption(ours(
      new Option('--wait <seconds>', 'keep retrying NoSuchEntity/AccessDenied from iam:GetRole this long (a role created seconds ago may not be visible yet)')
        .env('BATON_VALIDATE_WAIT')
        .argParser(seconds)
        .default(0),
    ))
    .addOption(ours(
      new Option('--report <file>', 'also write the report to this file (e.g. when Terraform hides the output because the external ID is in the environment)').env(
        'BATON_VALIDATE_REPORT',
      ),
    ))
    .addOption(ours(
      new Option(`${GROUP_ARNS_FLAG} <arn,...>`, "with --provisioning: the IAM groups the role may change, comma-separated (the module's provisioning_group_arns)").env(
        'BATON_PROVISIONING_GROUP_ARNS',
      ),
    ))
    .addOption(ours(
      new Option(`${GROUP_PATH_FLAG} <path>`, `with --provisioning: the role may change the IAM groups under this path (the module's provisioning_group_path; default ${defaults.provisioning_group_path})`).env(
        'BATON_PROVISIONING_GROUP_PATH',
      ),
    ))
    .addOption(ours(
      new Option('--member-stack-set-name <name>', 'member accounts: the StackSet that deploys the member role (the module\'s member_stack_set_name)').env('BATON_MEMBER_STACK_SET_NAME').default(DEFAULT_MEMBER_STACK_SET_NAME),
    ))
    .addOption(ours(
      new Option('--member-inspect-role-name <name>', 'member accounts: the role the caller reads each member account through, to check the member role itself ("" = do not read; the role is then unverified)')
        .env('BATON_MEMBER_INSPECT_ROLE_NAME')
        .default(DEFAULT_MEMBER_INSPECT_ROLE_NAME),
    ))
    .addOption(ours(new Option('--member-provisioning [bool]', "member accounts: the member role also provisions IAM group membership (the module's enable_member_provisioning)").env('BATON_MEMBER_PROVISIONING').argParser(bool)))
    .addOption(ours(new Option('--json [bool]', 'print the report as JSON (schema: connector/src/validate/report.schema.json)').env('BATON_VALIDATE_JSON').argParser(bool)))
    .action(async (raw: RawValidateOptions) => {
      const config = resolveValidateConfig(raw, (name) => cmd.getOptionValueSource(name));
      const report = await runValidate(config);
      const text = raw.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report);
      if (raw.report) writeReport(raw.report, text);
      process.stdout.write(text);
      const arnFailed = report.checks.some((c) => c.id === 'arn-syntax' && c.status === 'fail');
      process.exitCode = arnFailed ? 2 : report.ok ? 0 : 1;
    });
}

/**
 * Writes the report file (its directory created), readable by the owner only: it names the role and the caller.
 * Mode 0600 (a stricter existing mode is kept), never through a symlink at the path (../files.ts).
 */
function writeReport(file: string, text: string): void {
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    writePrivateFile(file, text);
  } catch (e) {
    throw new UsageError(`--report: cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
