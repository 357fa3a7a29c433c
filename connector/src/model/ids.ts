/**
 * Resource types and identifiers of the access model: byte for byte the ids baton-aws writes (ConductorOne's AWS
 * connector, read at commit 2156bebe7fc2e24e20d5901ec13fc6a7d387756d; the golden table
 * test/unit/model/baton-aws-ids.test.ts cites the file and line of each template), partition aside: baton-aws writes
 * `aws` into the Identity Center ARNs it makes up (pkg/connector/arn.go:14,74,85); we write the caller's partition.
 * `sync` writes these ids into snapshots; `grant`/`revoke` take them back (and our earlier spellings), so both sides
 * build and parse them here only.
 *
 * Extensions (ours only, not in baton-aws): the `identity_provider` type and the role grants to it (a SAML/OIDC
 * provider its trust policy lets in); an `account` resource for the caller's own account when Organizations is off
 * (baton-aws lists accounts only with Organizations and Identity Center on).
 */
export const RESOURCE_TYPES = {
  account: { id: 'account', displayName: 'Account', traits: ['app'] },
  /** One per member account whose IAM is read through the member role (baton-aws's id: the account id). */
  account_iam: { id: 'account_iam', displayName: 'Account IAM', traits: ['app'] },
  iam_user: { id: 'iam_user', displayName: 'IAM User', traits: ['user'] },
  group: { id: 'group', displayName: 'Group', traits: ['group'] },
  role: { id: 'role', displayName: 'IAM Role', traits: ['role'] },
  /** Extension: baton-aws has no such type. */
  identity_provider: { id: 'identity_provider', displayName: 'Identity Provider', traits: ['app'] },
  sso_user: { id: 'sso_user', displayName: 'SSO User', traits: ['user'] },
  sso_group: { id: 'sso_group', displayName: 'SSO Group', traits: ['group'] },
  iam_policy: { id: 'iam_policy', displayName: 'IAM Managed Policy', traits: ['role'] },
  inline_policy: { id: 'inline_policy', displayName: 'Inline Policy', traits: ['role'] },
  permission_set: { id: 'permission_set', displayName: 'Permission Set', traits: ['role'] },
  organization: { id: 'organization', displayName: 'Organization Root', traits: [] },
  organizational_unit: { id: 'organizational_unit', displayName: 'Organizational Unit', traits: [] },
  'access-key': { id: 'access-key', displayName: 'Access Key', traits: ['secret'] },
} as const;

export type ResourceTypeId = keyof typeof RESOURCE_TYPES;

/**
 * Every type id baton-aws declares (pkg/connector/resource_types.go), so an id of a type c1-aws does not provision is
 * refused by name rather than as "not an id".
 */
export const BATON_AWS_TYPE_IDS: readonly string[] = [
  'account',
  'account_iam',
  'iam_user',
  'group',
  'role',
  'sso_user',
  'sso_group',
  'access-key',
  'permission_set',
  'permission_set_assignment',
  'organization',
  'organizational_unit',
  'iam_policy',
  'inline_policy',
];

export interface ResourceId {
  resourceType: ResourceTypeId;
  resource: string;
}

/** Entitlement id: `<resourceType>:<resourceId>:<slug>` (baton-sdk v0.25.0 entitlement.NewEntitlementID). */
export function entitlementId(resource: ResourceId, slug: string): string {
  return `${resource.resourceType}:${resource.resource}:${slug}`;
}

/** Grant id: `<entitlementId>:<principalType>:<principalId>` (baton-sdk v0.25.0 grant.NewGrant). */
export function grantId(entitlement: string, principal: ResourceId): string {
  return `${entitlement}:${principal.resourceType}:${principal.resource}`;
}

/** Entitlement slugs of group and SSO group (`member`) and role (`assignment`), as baton-aws names them. */
export const SLUGS = { member: 'member', assignment: 'assignment' } as const;

/**
 * A permission set on an account: baton-aws's PermissionSetBinding, `<accountId>|<permissionSetArn>`
 * (account.go:1005), the entitlement's whole id, with no type prefix.
 */
export function permissionSetEntitlementId(accountId: string, permissionSetArn: string): string {
  return `${accountId}|${permissionSetArn}`;
}

/** Its slug: `<permission set name> access` (account.go:308). */
export const permissionSetSlug = (permissionSetName: string) => `${permissionSetName} access`;

/**
 * An account assignment's grant id: baton-aws's GrantID, `grant:<principalType>:<principalId>:<entitlementId>`
 * (helpers.go:39,67), for sso_user and sso_group principals alike (account.go:537,554).
 */
export function assignmentGrantId(permissionSetEntitlement: string, principal: ResourceId): string {
  return `grant:${principal.resourceType}:${principal.resource}:${permissionSetEntitlement}`;
}

/**
 * Splits baton-aws's assignment grant id, `grant:<principalType>:<principalId>:<accountId>|<permissionSetArn>`; null
 * when the id does not start with `grant:`. The principal id (an Identity Store ARN) holds colons and the account id
 * none, so the entitlement starts after the last colon before the `|`; `entitlement` is undefined when there is no `|`.
 */
export function parseAssignmentGrantId(id: string): { principalType: string; principal: string; entitlement?: string } | null {
  if (!id.startsWith('grant:')) return null;
  const rest = id.slice('grant:'.length);
  const colon = rest.indexOf(':');
  const principalType = colon < 0 ? rest : rest.slice(0, colon);
  const tail = colon < 0 ? '' : rest.slice(colon + 1);
  const pipe = tail.indexOf('|');
  // The same assignment granted on baton-aws's permission_set_assignment binding: `…:permission_set_assignment:<psArn>-<acct>:assigned`.
  const binding = tail.indexOf(`:${BINDING_TYPE}:`);
  if (pipe < 0 && binding >= 0) return { principalType, principal: tail.slice(0, binding), entitlement: tail.slice(binding + 1) };
  if (pipe < 0) return { principalType, principal: tail };
  const split = tail.lastIndexOf(':', pipe);
  return { principalType, principal: split < 0 ? '' : tail.slice(0, split), entitlement: tail.slice(split + 1) };
}

/**
 * What an entitlement id names, structurally (the parts are checked by provision/targets.ts):
 * - `sdk`: `<type>:<resource>:<slug>` for a type c1-aws or baton-aws has (the type may be one we do not write);
 * - `permission-set`: baton-aws's `<accountId>|<permissionSetArn>`, its binding's
 *   `permission_set_assignment:<psArn>-<accountId>:assigned` (the same assignment), or our earlier
 *   `account:<accountId>:<psArn>` (`legacy`), still taken by grant/revoke.
 * Null when it is neither (an unknown type, no colon).
 */
/** baton-aws's (permission set, account) binding type, whose `assigned` entitlement is the account's permission-set one. */
const BINDING_TYPE = 'permission_set_assignment';

export type ParsedEntitlementId =
  | { kind: 'sdk'; resourceType: string; resource: string; slug: string }
  | { kind: 'permission-set'; accountId: string; permissionSetArn: string; legacy: boolean };

export function parseEntitlementId(id: string): ParsedEntitlementId | null {
  const pipe = id.indexOf('|');
  const first = id.indexOf(':');
  // The binding's account id holds no colon, so a '|' before any ':' is baton-aws's permission-set form.
  if (pipe >= 0 && (first < 0 || pipe < first)) return { kind: 'permission-set', accountId: id.slice(0, pipe), permissionSetArn: id.slice(pipe + 1), legacy: false };
  if (first < 0) return null;
  const type = id.slice(0, first);
  if (!(type in RESOURCE_TYPES) && !BATON_AWS_TYPE_IDS.includes(type)) return null;
  const rest = id.slice(first + 1);
  if (type === BINDING_TYPE) {
    // baton-aws's scope binding (permission_set_assignment.go:34-36, its entitlement "assigned" :145-151): the object
    // id is `<psArn>-<accountId>`, the account id the last 12 digits.
    const m = /^(.+)-(\d{12}):assigned$/.exec(rest);
    return m ? { kind: 'permission-set', accountId: m[2], permissionSetArn: m[1], legacy: false } : null;
  }
  if (type === 'account') {
    // Our earlier account:<accountId>:<permissionSetArn>; the account id has no colon.
    const i = rest.indexOf(':');
    return i > 0 ? { kind: 'permission-set', accountId: rest.slice(0, i), permissionSetArn: rest.slice(i + 1), legacy: true } : null;
  }
  // Resource ids are ARNs and hold colons: the slug is the last segment, the resource everything between.
  const i = rest.lastIndexOf(':');
  return i > 0 ? { kind: 'sdk', resourceType: type, resource: rest.slice(0, i), slug: rest.slice(i + 1) } : null;
}

/**
 * baton-aws's synthetic id for Identity Center users and groups (they have no ARN of their own):
 * `arn:<partition>:identitystore:<region>::<identityStoreId>/<kind>/<id>` (arn.go:72-92, partition `aws` there).
 */
export function identityStoreResourceId(p: { partition: string; region: string; identityStoreId: string }, kind: 'user' | 'group', id: string): string {
  return `arn:${p.partition}:identitystore:${p.region}::${p.identityStoreId}/${kind}/${id}`;
}

/**
 * Which principal types each type's entitlements are grantable to, as baton-aws declares them (iam_group.go:110,
 * role.go:115-120, sso_group.go:100, account.go:303). A role's grants come from its trust policy, so only iam_user and
 * role (and, our extension, identity_provider) principals ever hold one; group and sso_user are what ConductorOne may
 * request.
 */
export const GRANTABLE_TO: Partial<Record<ResourceTypeId, ResourceTypeId[]>> = {
  group: ['iam_user'],
  role: ['iam_user', 'role', 'group', 'sso_user'],
  sso_group: ['sso_user'],
  account: ['sso_user', 'sso_group'],
};
