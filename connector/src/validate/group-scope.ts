/**
 * validate's provisioning group scope: the same choice as the module's provisioning_group_arns /
 * provisioning_group_path, so check 4 can tell the group statement narrowed as the module narrows it from one
 * widened out of band. Refused (exit 2, before any AWS call) when a value breaks grammar.json's group_arn /
 * group_path rule, when both are given (the module's rule: ARNs only beside the default path), when a group is in
 * another account or partition than the role, or when given on the command line without --provisioning.
 */
import { UsageError } from '../errors';
import { parseRoleArn } from '../grammar/arn';
import { checkString } from '../grammar/check';
import type { GroupScope, Toggles } from '../policy/capabilities';
import defaults from '../../../modules/conductorone-aws-role/defaults.json';

export interface RawGroupScopeOptions {
  /** Group ARNs as a JSON array or comma-separated (--provisioning-group-arns / BATON_PROVISIONING_GROUP_ARNS). */
  provisioningGroupArns?: string;
  /** --provisioning-group-path / BATON_PROVISIONING_GROUP_PATH. */
  provisioningGroupPath?: string;
}

/** Where commander found a value: 'cli', 'env', 'default' or undefined. */
export type OptionSource = (name: keyof RawGroupScopeOptions) => string | undefined;

export const GROUP_ARNS_FLAG = '--provisioning-group-arns';
export const GROUP_PATH_FLAG = '--provisioning-group-path';

/**
 * A JSON array of strings (what the Terraform step passes: IAM group paths and names may hold commas, even ",arn:",
 * so no separator is safe), or, typed by a person, ARNs separated by commas where the next ARN starts.
 */
function parseGroupArns(value: string): string[] {
  if (value.trim().startsWith('[')) {
    let list: unknown;
    try {
      list = JSON.parse(value);
    } catch {
      throw new UsageError(`${GROUP_ARNS_FLAG} starts with "[" but is not a JSON array of strings`);
    }
    if (!Array.isArray(list) || !list.every((a) => typeof a === 'string')) throw new UsageError(`${GROUP_ARNS_FLAG} starts with "[" but is not a JSON array of strings`);
    return list as string[];
  }
  return value
    .split(/,(?=\s*arn:)/)
    .map((a) => a.trim())
    .filter((a) => a !== '');
}

export function resolveGroupScope(raw: RawGroupScopeOptions, toggles: Toggles, roleArn: string, source: OptionSource = () => 'cli'): GroupScope | undefined {
  const arns = parseGroupArns(raw.provisioningGroupArns ?? '');
  const groupPath = raw.provisioningGroupPath ?? defaults.provisioning_group_path;
  const pathGiven = groupPath !== defaults.provisioning_group_path;
  if (!toggles.provisioning) {
    // The Terraform step passes the module's scope whatever the toggle; a person typing it without --provisioning
    // has misunderstood what is checked.
    const typed = (arns.length && source('provisioningGroupArns') === 'cli') || (pathGiven && source('provisioningGroupPath') === 'cli');
    if (typed) throw new UsageError(`${arns.length ? GROUP_ARNS_FLAG : GROUP_PATH_FLAG} only applies with --provisioning (BATON_PROVISIONING): it scopes the IAM groups provisioning may change`);
    return undefined;
  }
  const pathErr = checkString('group_path', groupPath, GROUP_PATH_FLAG);
  if (pathErr) throw new UsageError(pathErr);
  if (arns.length && pathGiven) {
    throw new UsageError(`${GROUP_ARNS_FLAG} and ${GROUP_PATH_FLAG} are alternatives (as the module's provisioning_group_arns and provisioning_group_path): list the groups, or give their path, not both`);
  }
  const role = parseRoleArn(roleArn);
  arns.forEach((arn, i) => {
    const input = `${GROUP_ARNS_FLAG} entry ${i + 1}`;
    const err = checkString('group_arn', arn, input);
    if (err) throw new UsageError(err);
    // The role can only change its own account's groups; the ARN check reports a malformed role ARN itself.
    const [, partition, , , account] = arn.split(':');
    if (role.ok && (partition !== role.value.partition || account !== role.value.accountId)) {
      throw new UsageError(`${input} must be a group of the role's account ${role.value.accountId} and partition ${role.value.partition} (got account ${account}, partition ${partition})`);
    }
  });
  return { groupArns: [...new Set(arns)], groupPath };
}
