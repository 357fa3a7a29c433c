/**
 * Resource types and identifiers of the access model, baton-sdk's shape with baton-aws's type ids (reference
 * conductorone-aws.md sections 3.5 and 4). `sync` writes these ids into snapshots; `grant`/`revoke` take them back,
 * so both sides build and parse them here only.
 */
export const RESOURCE_TYPES = {
  account: { id: 'account', displayName: 'Account', traits: ['app'] },
  /** One per member account whose IAM is read through the member role (baton-aws's id: the account id). */
  account_iam: { id: 'account_iam', displayName: 'Account IAM', traits: ['app'] },
  iam_user: { id: 'iam_user', displayName: 'IAM User', traits: ['user'] },
  group: { id: 'group', displayName: 'Group', traits: ['group'] },
  role: { id: 'role', displayName: 'IAM Role', traits: ['role'] },
  identity_provider: { id: 'identity_provider', displayName: 'Identity Provider', traits: ['app'] },
  sso_user: { id: 'sso_user', displayName: 'SSO User', traits: ['user'] },
  sso_group: { id: 'sso_group', displayName: 'SSO Group', traits: ['group'] },
  iam_policy: { id: 'iam_policy', displayName: 'IAM Managed Policy', traits: ['role'] },
  inline_policy: { id: 'inline_policy', displayName: 'Inline Policy', traits: ['role'] },
  'access-key': { id: 'access-key', displayName: 'Access Key', traits: ['secret'] },
} as const;

export type ResourceTypeId = keyof typeof RESOURCE_TYPES;

export interface ResourceId {
  resourceType: ResourceTypeId;
  resource: string;
}

/** Entitlement id: `<resourceType>:<resourceId>:<slug>` (baton-sdk's helper). */
export function entitlementId(resource: ResourceId, slug: string): string {
  return `${resource.resourceType}:${resource.resource}:${slug}`;
}

/** Grant id: `<entitlementId>:<principalType>:<principalId>` (baton-sdk's helper). */
export function grantId(entitlement: string, principal: ResourceId): string {
  return `${entitlement}:${principal.resourceType}:${principal.resource}`;
}

/**
 * Entitlement slugs, one place. Group and SSO group: `member`; role: `assignment`; account: one entitlement per
 * permission set, whose slug is the permission set's ARN (`account:<accountId>:<permissionSetArn>`).
 */
export const SLUGS = { member: 'member', assignment: 'assignment' } as const;

/**
 * Splits an entitlement id back into its parts. Resource ids are ARNs and hold colons, so the type is the first
 * segment, the slug the last, and the resource everything between.
 */
export function parseEntitlementId(id: string): { resource: ResourceId; slug: string } | null {
  const first = id.indexOf(':');
  if (first < 0) return null;
  const type = id.slice(0, first) as ResourceTypeId;
  if (!(type in RESOURCE_TYPES)) return null;
  const rest = id.slice(first + 1);
  const slug = knownSlugSuffix(type, rest);
  if (!slug) return null;
  return { resource: { resourceType: type, resource: rest.slice(0, rest.length - slug.length - 1) }, slug };
}

function knownSlugSuffix(type: ResourceTypeId, rest: string): string | null {
  if (type === 'account') {
    // account:<accountId>:<permissionSetArn>; the account id has no colon.
    const i = rest.indexOf(':');
    return i > 0 ? rest.slice(i + 1) : null;
  }
  const i = rest.lastIndexOf(':');
  return i > 0 ? rest.slice(i + 1) : null;
}

/**
 * baton-aws's synthetic id for Identity Center users and groups (they have no ARN of their own):
 * `arn:<partition>:identitystore:<region>::<identityStoreId>/<kind>/<id>`.
 */
export function identityStoreResourceId(p: { partition: string; region: string; identityStoreId: string }, kind: 'user' | 'group', id: string): string {
  return `arn:${p.partition}:identitystore:${p.region}::${p.identityStoreId}/${kind}/${id}`;
}

/** Which principal types each type's entitlements are grantable to (role: trust-policy principals). */
export const GRANTABLE_TO: Partial<Record<ResourceTypeId, ResourceTypeId[]>> = {
  group: ['iam_user'],
  role: ['iam_user', 'role', 'identity_provider'],
  sso_group: ['sso_user'],
  account: ['sso_user', 'sso_group'],
};
