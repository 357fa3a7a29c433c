/** The shapes shared by validate's checks, runner and report (report.schema.json describes the JSON form). */
import type { AwsAccessOptions, AwsContext } from '../aws';
import type { RoleArn } from '../grammar/arn';
import type { GroupScope, Toggles } from '../policy/capabilities';

export type CheckStatus = 'pass' | 'fail' | 'skip';

export type CheckId = 'arn-syntax' | 'role-exists' | 'trust-policy' | 'permissions' | 'organizations' | 'identity-center' | 'member-accounts' | 'assume';

export interface CheckResult {
  id: CheckId;
  title: string;
  status: CheckStatus;
  /** One line a person can act on; for skip, the reason. Never holds the external ID. */
  message: string;
  details?: Record<string, unknown>;
}

export interface ValidateConfig {
  roleArn: string;
  /** The secret itself (env or file); or only its digest below. */
  externalId?: string;
  /**
   * Lower-case hex SHA-256 digests of the external IDs the caller owns, the one to use first: lets Terraform run
   * validate without handling the secret, and names the rotation IDs a trust policy may also hold.
   */
  externalIdSha256?: string[];
  /** ConductorOne's principal, the only one the trust policy may let in. */
  trustedPrincipalArn: string;
  toggles: Toggles;
  /** With provisioning: the IAM groups the role may change (--provisioning-group-arns / -path); absent = defaults.json's path. */
  groupScope?: GroupScope;
  ssoRegion: string;
  /** Also assume the role and ask STS who we are. */
  assume: boolean;
  sessionName: string;
  sessionDuration?: number;
  /** How long iam:GetRole keeps retrying NoSuchEntity/AccessDenied (a role created seconds ago); 0 = no retry. */
  waitMs?: number;
  /** How long AssumeRole keeps retrying AccessDenied (a role created seconds ago). */
  assumeTimeoutMs?: number;
  /** Base credentials, region and retry settings for every call except the assumed one. */
  access: AwsAccessOptions;
  /** Member accounts (toggles.member_accounts): the member role and how validate finds and reads it. */
  members?: MemberAccountsConfig;
}

export interface MemberAccountsConfig {
  /** --iam-assume-role-name split into IAM path and name. */
  role: { iamAssumeRoleName: string; path: string; name: string };
  /** The StackSet that deploys the member role (--member-stack-set-name). */
  stackSetName: string;
  /** The role the deployer reads each member account through (--member-inspect-role-name); "" = do not read. */
  inspectRoleName: string;
  /** The member role also provisions IAM group membership (--member-provisioning): it must then hold iam_provisioning. */
  provisioning: boolean;
}

/** Facts one check learns and later ones use. */
export interface ValidateState {
  role?: RoleArn;
  /** From iam:GetRole. */
  trustPolicy?: string;
  permissionsBoundaryArn?: string;
  /** The external ID to use: given, or found in the trust policy by its digest. Never reported. */
  externalId?: string;
  /** organizations:DescribeOrganization, once (the member-account checks need it). */
  organization?: { id: string; managementAccountId?: string };
}

export interface CheckContext {
  config: ValidateConfig;
  state: ValidateState;
  /** The AWS context with the base credentials, made on first use so a config error makes no call. */
  aws(): AwsContext;
  /** Results of the checks run so far. */
  results: CheckResult[];
}

export type CheckOutcome = Pick<CheckResult, 'status' | 'message' | 'details'>;

export interface Check {
  id: CheckId;
  title: string;
  /** Checks whose pass this one needs; when one did not pass, this one is skipped naming it. */
  needs: CheckId[];
  run(ctx: CheckContext): Promise<CheckOutcome>;
}

export interface ValidateReport {
  version: 1;
  roleArn: string;
  ok: boolean;
  checks: CheckResult[];
}

export const pass = (message: string, details?: Record<string, unknown>): CheckOutcome => ({ status: 'pass', message, details });
export const fail = (message: string, details?: Record<string, unknown>): CheckOutcome => ({ status: 'fail', message, details });
export const skip = (message: string): CheckOutcome => ({ status: 'skip', message });
