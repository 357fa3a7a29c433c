/**
 * IAM roles: one `assignment` entitlement each; grants from the trust policy (analyzeTrust below), with Deny
 * statements and conditions applied as IAM applies them. A role's grant expands to those holding its own
 * assignment, as baton-aws does. Ids, slug, names and grantable-to are baton-aws's (role.go:115-123); the grants
 * are not the same set: baton-aws grants to every user/ and role/ ARN an Allow with exactly "sts:AssumeRole" names
 * (helpers.go:165-195, role.go:193-226), of any account, existing or not, Deny and conditions ignored; we grant to this
 * account's synced users and roles the policy lets in (other principals go in the profile), plus, our extension,
 * SAML/OIDC providers (identity_provider principals, which are not in the grantable-to set).
 */
import type { RoleDetail } from '@aws-sdk/client-iam';
import { entitlementId, grantId, GRANTABLE_TO, RESOURCE_TYPES, ResourceId, SLUGS } from '../../model/ids';
import { mergeGrants, ResourceTypeSyncer } from '../engine';
import type { ContextValues } from '../../policy/conditions';
import { parsePolicy, toArray } from '../../policy/document';
import { principalAccess } from '../../policy/trust';
import type { AwsSyncState } from '../aws/state';
import type { Entitlement, Grant, Resource, SyncWarning } from '../types';
import { accountRef, acrossAccounts, compact, iso, tagsOf } from './common';

/** The external ID is a secret shared with the trusted party: keep that the condition exists, never its value. */
function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, /^sts:externalid$/i.test(k) ? '<redacted>' : redact(v)]));
}

export interface TrustAnalysis {
  /** Each grant holds always, or when any one of its condition blocks holds (see policy/trust.ts principalAccess). */
  grants: { principal: ResourceId; conditions?: Record<string, unknown>[] }[];
  services: string[];
  accounts: string[];
  external: string[];
}

export interface KnownPrincipals {
  users: Set<string>;
  roles: Set<string>;
  providers: Set<string>;
  /** What GAAD says of each user and role (name, unique id, tags), by ARN: request facts they always carry. */
  details?: Map<string, { name?: string; id?: string; tags?: { Key?: string; Value?: string }[] }>;
}

const accountOf = (arn: string) => arn.split(':')[4];

/**
 * The principal's own request facts, known whatever it sends: what Deny and Allow conditions on them decide. A
 * user's tags are all its principal tags (a tag it lacks is known to be absent) and it has a user name and id; a
 * role's session has no user name, but its session tags and session name are chosen when it assumes, so its
 * principal tags and aws:userid stay undecided.
 */
function principalFacts(arn: string, type: 'User' | 'AssumedRole', known: KnownPrincipals): { facts: ContextValues; absent: (key: string) => boolean } {
  const facts: ContextValues = { 'aws:PrincipalArn': arn, 'aws:PrincipalAccount': accountOf(arn), 'aws:PrincipalType': type, 'aws:PrincipalIsAWSService': 'false' };
  const d = known.details?.get(arn);
  if (type === 'User') {
    if (d?.name) facts['aws:username'] = d.name;
    if (d?.id) facts['aws:userid'] = d.id;
    for (const t of d?.tags ?? []) if (t.Key) facts[`aws:PrincipalTag/${t.Key}`] = t.Value ?? '';
    return { facts, absent: (k) => !!d && k.startsWith('aws:principaltag/') };
  }
  return { facts, absent: (k) => k === 'aws:username' };
}

/**
 * Who the trust policy lets assume the role. Candidates are this account's users, roles and SAML/OIDC providers
 * that an Allow statement names; each is then judged by the evaluator's rules (policy/trust.ts principalAccess):
 * an applicable Deny removes the grant, a condition on facts not known at sync time (external ID, SAML audience,
 * source IP) stays on the grant. Anyone ("*"), services, other accounts and principals of other accounts are not
 * synced identities: they go in the role's profile.
 */
export function analyzeTrust(doc: unknown, known: KnownPrincipals, roleAccount?: string): TrustAnalysis {
  const statements = toArray(parsePolicy(doc).Statement);
  const out: TrustAnalysis = { grants: [], services: [], accounts: [], external: [] };
  const candidates = new Map<string, { type: 'iam_user' | 'role' | 'identity_provider' }>();
  for (const st of statements) {
    if (st.Effect !== 'Allow') continue;
    // NotPrincipal with Allow lets in nearly anyone: recorded like "*", not as grants to each identity.
    if (st.Principal === undefined) {
      if (st.NotPrincipal !== undefined) out.external.push('*');
      continue;
    }
    const principal = (st.Principal === '*' ? { AWS: '*' } : st.Principal) as Record<string, unknown>;
    if (!principal || typeof principal !== 'object') continue;
    for (const p of toArray(principal.AWS as string | string[] | undefined)) {
      if (typeof p !== 'string') continue;
      const account = /^\d{12}$/.test(p) ? p : /^arn:[^:]+:iam::(\d{12}):root$/.exec(p)?.[1];
      if (account) out.accounts.push(account);
      else if (known.users.has(p)) candidates.set(p, { type: 'iam_user' });
      else if (known.roles.has(p)) candidates.set(p, { type: 'role' });
      else out.external.push(p);
    }
    out.services.push(...toArray(principal.Service as string | string[] | undefined).filter((x) => typeof x === 'string'));
    for (const p of toArray(principal.Federated as string | string[] | undefined)) {
      if (typeof p !== 'string') continue;
      if (known.providers.has(p)) candidates.set(p, { type: 'identity_provider' });
      else out.external.push(p);
    }
  }
  for (const [arn, { type }] of candidates) {
    const accesses =
      type === 'identity_provider'
        ? [principalAccess(doc, arn, /:saml-provider\//.test(arn) ? 'sts:AssumeRoleWithSAML' : 'sts:AssumeRoleWithWebIdentity', {})]
        : [
            (({ facts, absent }) => principalAccess(doc, arn, 'sts:AssumeRole', { ...facts, ...(roleAccount ? { 'aws:ResourceAccount': roleAccount } : {}) }, absent))(
              principalFacts(arn, type === 'iam_user' ? 'User' : 'AssumedRole', known),
            ),
          ];
    for (const a of accesses) {
      if (!a.allowed) continue;
      out.grants.push({ principal: { resourceType: type, resource: arn }, ...(a.conditions ? { conditions: a.conditions.map((c) => redact(c) as Record<string, unknown>) } : {}) });
    }
  }
  const uniq = (a: string[]) => [...new Set(a)].sort();
  return { grants: out.grants, services: uniq(out.services), accounts: uniq(out.accounts), external: uniq(out.external) };
}

export function buildRoles(s: AwsSyncState): { resources: Resource[]; entitlements: Entitlement[]; grants: Grant[]; warnings: SyncWarning[] } {
  const known = {
    users: new Set(s.users.map((u) => u.Arn!)),
    roles: new Set(s.roles.map((r) => r.Arn!)),
    providers: new Set([...s.samlProviders.map((p) => p.arn), ...s.oidcProviders]),
    details: new Map([
      ...s.users.map((u) => [u.Arn!, { name: u.UserName, id: u.UserId, tags: u.Tags }] as const),
      ...s.roles.map((r) => [r.Arn!, { name: r.RoleName, id: r.RoleId, tags: r.Tags }] as const),
    ]),
  };
  const resources: Resource[] = [];
  const entitlements: Entitlement[] = [];
  const grants: Grant[] = [];
  const warnings: SyncWarning[] = [];
  for (const r of s.roles) {
    const id: ResourceId = { resourceType: 'role', resource: r.Arn! };
    const eid = entitlementId(id, SLUGS.assignment);
    let trust: TrustAnalysis = { grants: [], services: [], accounts: [], external: [] };
    try {
      // GAAD: URL-encoded on AWS, raw JSON on moto (offline-testing.md 1.2); parsePolicy takes both.
      if (r.AssumeRolePolicyDocument) trust = analyzeTrust(parsePolicy(r.AssumeRolePolicyDocument), known, r.Arn!.split(":")[4]);
    } catch {
      warnings.push({ source: 'iam:role', message: `role ${r.Arn}: trust policy cannot be read; its grants are left out` });
    }
    resources.push({ id, parent: accountRef(s), displayName: r.RoleName!, profile: roleProfile(r, trust) });
    entitlements.push({ id: eid, resource: id, slug: SLUGS.assignment, displayName: `${r.RoleName} Role`, description: `Can assume the ${r.RoleName} role in AWS`, grantableTo: GRANTABLE_TO.role! });
    for (const g of trust.grants) {
      grants.push({
        id: grantId(eid, g.principal),
        entitlement: eid,
        principal: g.principal,
        ...(g.principal.resourceType === 'role' ? { expandable: [entitlementId(g.principal, SLUGS.assignment)] } : {}),
        ...(g.conditions ? { conditions: g.conditions } : {}),
      });
    }
  }
  return { resources, entitlements, grants: mergeGrants(grants), warnings };
}

function roleProfile(r: RoleDetail, trust: TrustAnalysis): Record<string, unknown> {
  return compact({
    aws_arn: r.Arn,
    aws_path: r.Path,
    aws_role_id: r.RoleId,
    aws_role_name: r.RoleName,
    aws_created: iso(r.CreateDate),
    aws_last_used: iso(r.RoleLastUsed?.LastUsedDate),
    aws_tags: tagsOf(r.Tags),
    aws_trusted_services: trust.services.length ? trust.services : undefined,
    aws_trusted_accounts: trust.accounts.length ? trust.accounts : undefined,
    aws_trusted_external_principals: trust.external.length ? trust.external : undefined,
  });
}

export const roleSyncer: ResourceTypeSyncer<AwsSyncState> = {
  type: RESOURCE_TYPES.role,
  build: acrossAccounts((s) => buildRoles(s)),
};
