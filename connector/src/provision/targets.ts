/**
 * Turns the ids a `sync` snapshot writes, which are baton-aws's (entitlement, principal type, principal, or a grant
 * id, as ConductorOne shows them), and our earlier spellings, into one of the three things c1-aws can provision. Pure:
 * every malformed or unsupported combination (an id of a type we do not provision, a malformed
 * `<accountId>|<permissionSetArn>`) is a UsageError naming the wrong part, before any AWS call. The Identity Center id format (baton-aws's synthetic ARN) is parsed in one place,
 * parseIdentityStoreArn, so it can follow model/ids.ts if the sync side settles on another shape.
 */
import { UsageError } from '../errors';
import { BATON_AWS_TYPE_IDS, parseAssignmentGrantId, parseEntitlementId, RESOURCE_TYPES, ResourceTypeId, SLUGS } from '../model/ids';
import { checkPathSegments, PathSegmentError } from './scope';

export interface IamGroupTarget {
  kind: 'iam-group';
  /** As the entitlement spells it; iam-group.ts holds it to the group's real ARN before any write. */
  groupArn: string;
  groupName: string;
  userArn: string;
  userName: string;
  accountId: string;
}

export interface SsoGroupTarget {
  kind: 'sso-group';
  /** The group's id as the entitlement spells it; with a scope, sso-group.ts holds it to the id the API resolves. */
  groupResourceId: string;
  region: string;
  identityStoreId: string;
  groupId: string;
  userId: string;
  /** Revoke by MembershipId (membership.ts): the one membership to delete, listed in this group for this user. */
  membershipId?: string;
}

export interface AssignmentTarget {
  kind: 'assignment';
  accountId: string;
  permissionSetArn: string;
  /** Derived from the permission set ARN, which embeds the instance id: no sso:ListInstances needed. */
  instanceArn: string;
  principalType: 'USER' | 'GROUP';
  principalId: string;
  /** Identity Center's region, from the principal's id. */
  region: string;
}

export type Target = IamGroupTarget | SsoGroupTarget | AssignmentTarget;

/**
 * baton-aws's grant id of an Identity Center group membership: the Identity Store MembershipId alone
 * (pkg/connector/sso_group.go:130-134). It names neither group nor user: revoke finds them with reads (membership.ts).
 */
export interface MembershipIdTarget {
  kind: 'sso-membership-id';
  membershipId: string;
}

/**
 * The MembershipId's form, as the Identity Store API reference gives it (GroupMembership, DeleteGroupMembership:
 * `([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}`, at most 47
 * characters), anchored: anything else is not taken for one.
 */
const MEMBERSHIP_ID = /^(?:[0-9a-f]{10}-)?[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/;
export const isMembershipId = (id: string): boolean => MEMBERSHIP_ID.test(id);
const MEMBERSHIP_ID_FORM = "an Identity Store MembershipId (baton-aws's Identity Center group-membership grant id: [<10 hex digits>-]<8>-<4>-<4>-<4>-<12 hex digits>)";

export interface ProvisionIds {
  entitlement: string;
  principalType: string;
  principal: string;
}

const PARTITION = '(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-iso-e|aws-iso-f|aws-eusc)';
const REGION = '([a-z]{2}(?:-[a-z]+)+-\\d+)';
// IAM: arn:<partition>:iam::<account>:<kind>/<path/>name; the name is the last segment.
const IAM_ARN = new RegExp(`^arn:${PARTITION}:iam::(\\d{12}):(user|group)(/(?:[\\x21-\\x7E]*/)?)([\\w+=,.@-]{1,128})$`);
const IDENTITY_STORE_ARN = new RegExp(`^arn:${PARTITION}:identitystore:${REGION}::([A-Za-z0-9-]{1,64})/(user|group)/([A-Za-z0-9-]{1,47})$`);
// AWS: arn:aws:sso:::permissionSet/ssoins-x/ps-y. moto writes arn:aws:sso:::instance/ssoins-x/ps-y; both name the instance.
const PERMISSION_SET_ARN = new RegExp(`^arn:${PARTITION}:sso:::(?:permissionSet|instance)/(ssoins-[A-Za-z0-9]{1,64})/(ps-[A-Za-z0-9]{1,64})$`);

function parseIamArn(arn: string, kind: 'user' | 'group') {
  const m = IAM_ARN.exec(arn);
  if (!m || m[3] !== kind) return null;
  return { partition: m[1], accountId: m[2], name: m[5] };
}

/**
 * baton-aws's synthetic ARN for Identity Center users and groups: `arn:aws:identitystore:<region>::<storeId>/<kind>/<id>`;
 * the inverse of model/ids.ts identityStoreResourceId (a unit test holds them together).
 */
export function parseIdentityStoreArn(id: string, kind: 'user' | 'group') {
  const m = IDENTITY_STORE_ARN.exec(id);
  if (!m || m[4] !== kind) return null;
  return { partition: m[1], region: m[2], identityStoreId: m[3], id: m[5] };
}

export function parsePermissionSetArn(arn: string) {
  const m = PERMISSION_SET_ARN.exec(arn);
  if (!m) return null;
  return { partition: m[1], instanceArn: `arn:${m[1]}:sso:::instance/${m[2]}` };
}

const PRINCIPALS_OF: Partial<Record<string, ResourceTypeId[]>> = {
  group: ['iam_user'],
  sso_group: ['sso_user'],
};
const ASSIGNMENT_PRINCIPALS: ResourceTypeId[] = ['sso_user', 'sso_group'];
/** Every type c1-aws provisions to: checked first, so a resource type that is no principal is named as such. */
const PRINCIPAL_TYPES: string[] = [...new Set([...Object.values(PRINCIPALS_OF).flat(), ...ASSIGNMENT_PRINCIPALS])].sort() as string[];

/** What c1-aws provisions, for the messages that refuse the rest. */
const PROVISIONED = 'c1-aws grants IAM group membership (group:<groupArn>:member), Identity Center group membership (sso_group:<groupId>:member) and permission sets on accounts (<accountId>|<permissionSetArn>)';

function notProvisioned(flag: string, value: string, type: string): UsageError {
  const whose = type in RESOURCE_TYPES ? 'c1-aws syncs them' : "baton-aws's type; c1-aws does not sync it";
  return new UsageError(`${flag} "${value}": c1-aws does not provision ${type} ${flag === '--grant' ? 'grants' : 'entitlements'} (${whose}); ${PROVISIONED}`);
}

/** Why an entitlement id does not parse at all, naming the part. */
function entitlementProblem(id: string): string {
  const first = id.split(':')[0];
  // "123456789012arn:…", "123456789012:arn:…": an account id, then no '|'.
  if (/^\d/.test(id)) return `--entitlement "${id}" has no '|' between the account id and the permission set ARN (baton-aws's <accountId>|<permissionSetArn>)`;
  if (first === 'permission_set_assignment') return `--entitlement "${id}" is not baton-aws's permission_set_assignment:<permissionSetArn>-<12-digit accountId>:assigned`;
  if (id.includes(':')) return `--entitlement "${id}" names an unknown resource type "${first}" (as a sync snapshot writes it: ${PROVISIONED})`;
  return `--entitlement "${id}" is not an entitlement id (<resource type>:<resource id>:<slug>, or <accountId>|<permissionSetArn>, as a sync snapshot writes it)`;
}

/** Validates the three ids and says what they mean in AWS terms. Throws UsageError. */
export function parseTarget(ids: ProvisionIds): Target {
  const { entitlement, principalType, principal } = ids;
  const ent = parseEntitlementId(entitlement);
  if (!ent) throw new UsageError(entitlementProblem(entitlement));
  if (ent.kind === 'sdk' && !PRINCIPALS_OF[ent.resourceType]) throw notProvisioned('--entitlement', entitlement, ent.resourceType);
  if (!PRINCIPAL_TYPES.includes(principalType)) {
    const known = BATON_AWS_TYPE_IDS.includes(principalType) || principalType in RESOURCE_TYPES ? `baton-aws's ${principalType} is not a principal c1-aws provisions to` : 'not a resource type';
    throw new UsageError(`--principal-type "${principalType}" is ${known} (principals: ${PRINCIPAL_TYPES.join(', ')})`);
  }
  if (ent.kind === 'permission-set') return assignmentTarget(ent, principalType as ResourceTypeId, principal);
  const type = ent.resourceType;
  const allowed = PRINCIPALS_OF[type]!;
  if (!allowed.includes(principalType as ResourceTypeId)) {
    throw new UsageError(`--principal-type: a ${type} entitlement is granted to ${allowed.join(' or ')}, not ${principalType}`);
  }

  if (type === 'group') {
    if (ent.slug !== SLUGS.member) throw new UsageError(`group entitlements end in ":${SLUGS.member}" (got ":${ent.slug}")`);
    const group = parseIamArn(ent.resource, 'group');
    if (!group) throw new UsageError(`"${ent.resource}" is not an IAM group ARN (arn:aws:iam::<account>:group/<path/>name)`);
    const user = parseIamArn(principal, 'user');
    if (!user) throw new UsageError(`--principal "${principal}" is not an IAM user ARN (arn:aws:iam::<account>:user/<path/>name)`);
    checkPathSegments('--entitlement group ARN', ent.resource);
    checkPathSegments('--principal user ARN', principal);
    if (user.accountId !== group.accountId || user.partition !== group.partition) {
      throw new UsageError(`IAM group membership needs the user and the group in one account (user: ${user.accountId}, group: ${group.accountId})`);
    }
    return { kind: 'iam-group', groupArn: ent.resource, groupName: group.name, userArn: principal, userName: user.name, accountId: group.accountId };
  }

  // sso_group
  if (ent.slug !== SLUGS.member) throw new UsageError(`sso_group entitlements end in ":${SLUGS.member}" (got ":${ent.slug}")`);
  const group = parseIdentityStoreArn(ent.resource, 'group');
  if (!group) throw new UsageError(`"${ent.resource}" is not an Identity Center group id (arn:aws:identitystore:<region>::<identityStoreId>/group/<groupId>)`);
  const user = ssoPrincipal(principal, 'user');
  if (user.identityStoreId !== group.identityStoreId || user.region !== group.region) {
    throw new UsageError(`the user and the group are in different identity stores (${user.region}/${user.identityStoreId} vs ${group.region}/${group.identityStoreId})`);
  }
  return { kind: 'sso-group', groupResourceId: ent.resource, region: group.region, identityStoreId: group.identityStoreId, groupId: group.id, userId: user.id };
}

/** baton-aws's `<accountId>|<permissionSetArn>` (or our earlier `account:<accountId>:<permissionSetArn>`). */
function assignmentTarget(ent: { accountId: string; permissionSetArn: string; legacy: boolean }, principalType: ResourceTypeId, principal: string): AssignmentTarget {
  const [before, after] = ent.legacy ? ['', ''] : [" (before the '|')", " (after the '|')"];
  if (!/^\d{12}$/.test(ent.accountId)) throw new UsageError(`--entitlement: the account id "${ent.accountId}"${before} is not a 12-digit AWS account id`);
  const ps = parsePermissionSetArn(ent.permissionSetArn);
  if (!ps) throw new UsageError(`--entitlement: "${ent.permissionSetArn}"${after} is not a permission set ARN (arn:<partition>:sso:::permissionSet/ssoins-<id>/ps-<id>)`);
  if (!ASSIGNMENT_PRINCIPALS.includes(principalType)) {
    throw new UsageError(`--principal-type: a permission set on an account is granted to ${ASSIGNMENT_PRINCIPALS.join(' or ')}, not ${principalType}`);
  }
  const kind = principalType === 'sso_user' ? 'user' : 'group';
  const p = ssoPrincipal(principal, kind);
  if (p.partition !== ps.partition) throw new UsageError(`the principal (${p.partition}) and the permission set (${ps.partition}) are in different partitions`);
  return {
    kind: 'assignment',
    accountId: ent.accountId,
    permissionSetArn: ent.permissionSetArn,
    instanceArn: ps.instanceArn,
    principalType: kind === 'user' ? 'USER' : 'GROUP',
    principalId: p.id,
    region: p.region,
  };
}

function ssoPrincipal(id: string, kind: 'user' | 'group') {
  const p = parseIdentityStoreArn(id, kind);
  if (!p) throw new UsageError(`--principal "${id}" is not an Identity Center ${kind} id (arn:aws:identitystore:<region>::<identityStoreId>/${kind}/<id>)`);
  return p;
}

/**
 * Splits a grant id back into its three ids. Taken: baton-aws's account assignment id
 * `grant:<principalType>:<principalId>:<accountId>|<permissionSetArn>`, and baton-sdk's
 * `<entitlementId>:<principalType>:<principalId>` (IAM group membership; our earlier Identity Center ids). In the
 * latter both ids hold colons, so every `:<principal type>:` is tried and the one split that parses as a
 * provisionable target wins. baton-aws's Identity Center group-membership grant id, the Identity Store MembershipId
 * alone, names neither group nor user, so it has no three ids without reads: planRequest (index.ts) takes it, here it
 * is a UsageError.
 */
export function parseGrantId(grant: string): ProvisionIds {
  const baton = parseAssignmentGrantId(grant);
  if (baton) {
    if (!ASSIGNMENT_PRINCIPALS.includes(baton.principalType as ResourceTypeId)) {
      throw new UsageError(`--grant "${grant}": a grant:<principal type>:… id is baton-aws's account assignment, whose principal type is sso_user or sso_group, not "${baton.principalType}"`);
    }
    if (baton.entitlement === undefined) {
      throw new UsageError(`--grant "${grant}" has no '|' between the account id and the permission set ARN (grant:<principal type>:<principal id>:<accountId>|<permissionSetArn>)`);
    }
    const ids = { entitlement: baton.entitlement, principalType: baton.principalType, principal: baton.principal };
    try {
      parseTarget(ids);
    } catch (e) {
      throw e instanceof UsageError ? new UsageError(`--grant "${grant}": ${e.message}`) : e;
    }
    return ids;
  }
  if (isMembershipId(grant)) {
    throw new UsageError(`--grant "${grant}" is an Identity Store MembershipId: it names neither the group nor the user until the Identity Store is read (revoke does that)`);
  }
  if (!grant.includes(':')) {
    throw new UsageError(
      `--grant "${grant}" has no resource type and is not ${MEMBERSHIP_ID_FORM}; a grant id c1-aws revokes is that, ` +
        'grant:<sso_user|sso_group>:<principal id>:<accountId>|<permissionSetArn>, or <entitlement id>:<principal type>:<principal id>, as a sync snapshot writes it',
    );
  }
  const type = grant.slice(0, grant.indexOf(':'));
  if (!PRINCIPALS_OF[type] && type !== 'account') {
    if (type in RESOURCE_TYPES || BATON_AWS_TYPE_IDS.includes(type)) throw notProvisioned('--grant', grant, type);
    if (!/^\d/.test(type)) throw new UsageError(`--grant "${grant}" names an unknown resource type "${type}" (${PROVISIONED})`);
  }
  const candidates: ProvisionIds[] = [];
  let segmentError: PathSegmentError | undefined;
  for (const principalType of Object.keys(RESOURCE_TYPES)) {
    const marker = `:${principalType}:`;
    for (let i = grant.indexOf(marker); i >= 0; i = grant.indexOf(marker, i + 1)) {
      const ids = { entitlement: grant.slice(0, i), principalType, principal: grant.slice(i + marker.length) };
      try {
        parseTarget(ids);
        candidates.push(ids);
      } catch (e) {
        // Not this split; but a split refused for its path segments says why, rather than "not a grant id".
        if (e instanceof PathSegmentError) segmentError ??= e;
      }
    }
  }
  if (candidates.length === 0 && segmentError) throw new PathSegmentError(`--grant: ${segmentError.message}`);
  if (candidates.length !== 1) {
    throw new UsageError(
      candidates.length === 0
        ? `--grant "${grant}" is not a grant id c1-aws can revoke (grant:<principal type>:<principal id>:<accountId>|<permissionSetArn>, or <entitlement id>:<principal type>:<principal id>, as a sync snapshot writes it)`
        : `--grant "${grant}" is ambiguous; give --entitlement, --principal-type and --principal instead`,
    );
  }
  return candidates[0];
}

/** Short human description: "iam_user bob -> IAM group devs". */
export function describeTarget(t: Target): string {
  switch (t.kind) {
    case 'iam-group':
      return `IAM user ${t.userName} in IAM group ${t.groupName} (account ${t.accountId})`;
    case 'sso-group':
      return `Identity Center user ${t.userId} in group ${t.groupId} (identity store ${t.identityStoreId}${t.membershipId ? `, membership ${t.membershipId}` : ''})`;
    case 'assignment':
      return `permission set ${t.permissionSetArn} for ${t.principalType === 'USER' ? 'user' : 'group'} ${t.principalId} in account ${t.accountId}`;
  }
}
