/**
 * `c1-aws grant`: give a principal an entitlement, with the ids exactly as a `sync` snapshot writes them, or for
 * Identity Center by names (resolved to those ids with sync reads; --json shows the ids).
 * `revoke` (revoke.ts) shares this wiring. Exit codes: 0 granted/revoked, already so, or a dry run; 1 AWS refused
 * or failed (account not ACTIVE, assignment FAILED, status poll timed out, access denied, or the provisioning guard
 * refused what AWS says: a group, IAM or Identity Center, whose real id is not the spelled one or is outside
 * --allowed-groups, a name that resolved outside it, an ARN of another account, an ambiguous name, a MembershipId in
 * none of the groups --allowed-groups allows); 2 bad ids or
 * flags, a spelled group outside --allowed-groups, and a membership by name when the scope names no Identity Center
 * group: all found before any AWS call. --allowed-groups covers group memberships only; with it set, a permission-set
 * assignment prints a note saying it is not scoped.
 */
import { Command, Option } from 'commander';
import { bool, wholeNumber } from './parsers';
import { createAwsContext, AwsContext } from '../aws';
import { UsageError } from '../errors';
import { visible } from '../text';
import {
  checkNamedMembershipScope,
  checkResolvedGroupScope,
  FriendlyNames,
  friendlyShape,
  grant,
  hasFriendlyNames,
  isMembershipId,
  parseAllowedGroups,
  parseGrantId,
  planRequest,
  ProvisionIds,
  ProvisionError,
  ProvisionRequest,
  ProvisionResult,
  ProvisionVerb,
  resolveNames,
  revoke,
  SCOPE_NOT_ASSIGNMENTS,
  targetRegion,
} from '../provision';
import { addAccessOptions, addFeatureOptions, ours, RawAccessOptions, RawFeatureOptions, resolveAccess, resolveFeatures } from './options';

interface RawProvisionOptions extends RawAccessOptions, RawFeatureOptions, FriendlyNames {
  entitlement?: string;
  principalType?: string;
  principal?: string;
  grant?: string;
  allowedGroups?: string;
  waitTimeout?: number;
  dryRun?: boolean;
  json?: boolean;
}

const seconds = wholeNumber(1, 3600, 'seconds');

/** Adds the flags grant and revoke share. */
export function addProvisionOptions(cmd: Command, verb: ProvisionVerb): Command {
  // baton-aws's flags first: --help lists the "Options:" group before the extensions.
  addAccessOptions(cmd);
  addFeatureOptions(cmd);
  cmd
    .addOption(ours(new Option('--entitlement <id>', 'entitlement id from a sync snapshot or ConductorOne (baton-aws\'s ids), e.g. group:<groupArn>:member, sso_group:<id>:member, <accountId>|<permissionSetArn>')))
    .addOption(ours(new Option('--principal-type <type>', 'resource type of the principal: iam_user, sso_user or sso_group')))
    .addOption(ours(new Option('--principal <id>', 'resource id of the principal from a sync snapshot (an IAM user ARN, an Identity Center user or group id)')));
  if (verb === 'revoke') cmd.addOption(ours(new Option('--grant <id>', 'grant id from a sync snapshot or ConductorOne, instead of the three above: grant:<sso_user|sso_group>:<id>:<accountId>|<permissionSetArn>, group:<groupArn>:member:iam_user:<userArn>, or an Identity Center group membership\'s, the Identity Store MembershipId (its group and user are found with identitystore:ListGroups and ListGroupMemberships in --global-aws-sso-region; with --allowed-groups only in the groups it allows)')));
  cmd
    .addOption(ours(new Option('--sso-user <name>', 'instead of ids: an Identity Center user by user name or email')))
    .addOption(ours(new Option('--sso-group <name>', 'instead of ids: an Identity Center group by display name (the group to join, or the assignment\'s principal)')))
    .addOption(ours(new Option('--account <id or name>', 'instead of ids: the account of a permission-set assignment')))
    .addOption(ours(new Option('--permission-set <name>', 'instead of ids: the permission set of an assignment')));
  cmd
    .addOption(ours(
      new Option(
        '--allowed-groups <patterns>',
        'comma-separated group patterns; when set, EVERY group membership change (IAM or Identity Center, by id or by name) must match one of its own kind, ' +
          'decided on the group as AWS resolves it (a spelling outside: exit 2 before any call). IAM: arn:<partition>:iam::<account>:group/<path/name>, ' +
          'one partition and 12-digit account, * and ? in the path and name. Identity Center, the id sync writes for sso_group: ' +
          'arn:<partition>:identitystore:<region>::<identityStoreId>/group/<groupId>, * and ? in the group id only. ' +
          'Permission-set assignments are not group memberships and are NOT covered',
      ).env(
        'BATON_PROVISIONING_ALLOWED_GROUPS',
      ),
    ))
    .addOption(ours(new Option('--wait-timeout <seconds>', 'how long to wait for a permission-set assignment to finish').argParser(seconds).default(300)))
    .addOption(ours(new Option('--dry-run [bool]', 'make the reads, then say which write calls would be made, without making them').argParser(bool)))
    .addOption(ours(new Option('--json [bool]', 'print the result as JSON on stdout').argParser(bool)));
  return cmd;
}

const namesOf = (raw: RawProvisionOptions): FriendlyNames => ({ ssoUser: raw.ssoUser, ssoGroup: raw.ssoGroup, account: raw.account, permissionSet: raw.permissionSet });

function requestOf(verb: ProvisionVerb, raw: RawProvisionOptions): ProvisionRequest | null {
  const three = [raw.entitlement, raw.principalType, raw.principal];
  if (hasFriendlyNames(namesOf(raw))) {
    if (raw.grant !== undefined || three.some((v) => v !== undefined)) throw new UsageError('give either ids or names (--sso-user, --sso-group, --account, --permission-set), not both');
    friendlyShape(namesOf(raw));
    return null;
  }
  if (raw.grant !== undefined) {
    if (three.some((v) => v !== undefined)) throw new UsageError('give either --grant or --entitlement/--principal-type/--principal, not both');
    return { grant: raw.grant };
  }
  if (three.some((v) => v === undefined)) {
    throw new UsageError(`${verb} needs --entitlement, --principal-type and --principal${verb === 'revoke' ? ' (or --grant)' : ''}, or Identity Center names (--sso-user, --sso-group, --account, --permission-set)`);
  }
  return { entitlement: raw.entitlement!, principalType: raw.principalType!, principal: raw.principal! };
}

/** The human form of a result: warnings for stderr, the message and its calls for stdout. */
export function formatProvisionResult(r: Pick<ProvisionResult, 'message' | 'warnings' | 'changes'>, dryRun: boolean): { stdout: string; stderr: string } {
  // Messages and inputs name AWS principals and groups: escaped (../text.ts); --json stays exact.
  const stderr = r.warnings.map((w) => `c1-aws: warning: ${visible(w)}\n`).join('');
  const lines = [visible(r.message)];
  for (const c of r.changes) {
    if (dryRun) lines.push(`  would call ${visible(c.call)} ${visible(JSON.stringify(c.input))}`);
    else lines.push(`  ${visible(c.call)}: request ID ${visible(c.requestId ?? 'unknown')}${c.operationRequestId ? `, assignment request ${visible(c.operationRequestId)}` : ''}`);
  }
  return { stdout: `${lines.join('\n')}\n`, stderr };
}

function printResult(r: ProvisionResult, json: boolean, ctx: AwsContext, dryRun: boolean, ids: ProvisionIds | { grant: string }) {
  if (json) {
    process.stdout.write(`${JSON.stringify({ ...r, ids, dryRun, calls: ctx.calls.toJSON() }, null, 2)}\n`);
    return;
  }
  const { stdout, stderr } = formatProvisionResult(r, dryRun);
  process.stderr.write(stderr);
  process.stdout.write(stdout);
}

export async function runProvision(verb: ProvisionVerb, raw: RawProvisionOptions): Promise<void> {
  // Everything checkable offline first: a usage error must come before any AWS call.
  const allowedGroups = parseAllowedGroups(raw.allowedGroups);
  const byId = requestOf(verb, raw);
  const target = byId ? planRequest(byId, { allowedGroups }) : undefined;
  const scoped = allowedGroups !== undefined && allowedGroups.length > 0;
  const shape = byId ? undefined : friendlyShape(namesOf(raw));
  // A scope that names no Identity Center group refuses every membership by name, before any call.
  if (shape === 'membership') checkNamedMembershipScope(allowedGroups, raw.ssoGroup!);
  const features = resolveFeatures(raw);
  if (raw.provisioning === false) throw new UsageError(`${verb}: provisioning is turned off (--provisioning false / BATON_PROVISIONING)`);
  const { access } = resolveAccess(raw, raw.roleArn !== undefined);
  const ctx = createAwsContext({ ...access, ssoRegion: (target && targetRegion(target)) ?? features.ssoRegion });
  const json = raw.json === true;
  const dryRun = raw.dryRun === true;
  // The scope holds group memberships only; say so rather than let a scoped assignment look guarded.
  if (scoped && (target?.kind === 'assignment' || shape === 'assignment')) process.stderr.write(`${SCOPE_NOT_ASSIGNMENTS}\n`);
  try {
    const run = verb === 'grant' ? grant : revoke;
    // Names resolve to the snapshot ids (reads only), then take the same path; the output shows the ids.
    const request = byId ?? (await resolveNames(ctx, namesOf(raw)));
    // The ids names resolved to are held to the scope as AWS answered (exit 1, reads were made); the provisioner then
    // resolves the group again by its id and decides on that, as for ids.
    if (!byId && shape === 'membership') {
      const resolved = planRequest(request);
      if (resolved.kind === 'sso-group') checkResolvedGroupScope(resolved.groupResourceId, allowedGroups, `--sso-group "${raw.ssoGroup}"`);
    }
    const memberAccounts = features.memberRole ? { iamAssumeRoleName: features.memberRole.iamAssumeRoleName } : undefined;
    const result = await run(ctx, request, { dryRun, allowedGroups, memberAccounts, poll: { timeoutMs: (raw.waitTimeout ?? 300) * 1000 } });
    // A MembershipId's three ids are what it resolved to; one that no group holds has only itself.
    const ids = result.resolved ?? ('grant' in request ? (isMembershipId(request.grant) ? { grant: request.grant } : parseGrantId(request.grant)) : request);
    printResult(result, json, ctx, dryRun, ids);
    process.exitCode = 0;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const err = e instanceof ProvisionError ? e : new ProvisionError('aws-error', (e as Error).message);
    if (json) {
      process.stdout.write(`${JSON.stringify({ verb, status: 'failed', error: { code: err.code, message: err.message, requestId: err.requestId }, dryRun, calls: ctx.calls.toJSON() }, null, 2)}\n`);
    } else {
      process.stderr.write(`c1-aws: ${verb} failed: ${visible(err.message)}\n`);
    }
    process.exitCode = 1;
  } finally {
    ctx.destroy();
  }
}

export function register(program: Command): void {
  const cmd = program
    .command('grant')
    .description('Give a principal an entitlement (IAM group or Identity Center group membership, permission-set assignment); already granted exits 0');
  addProvisionOptions(cmd, 'grant').action((raw: RawProvisionOptions) => runProvision('grant', raw));
}
