/**
 * IAM roles: one `assignment` entitlement each; grants from the trust policy. IAM users and roles of this account
 * named in an Allow statement for sts:AssumeRole are principals (a role's grant expands to those holding its own
 * assignment, as baton-aws does); SAML/OIDC providers of this account for AssumeRoleWithSAML/WithWebIdentity are
 * principals with the statement's conditions (audience...) kept. Services, other accounts and anyone ("*") are not
 * synced identities: they go in the role's profile. Deny statements are not evaluated (reported grants may be
 * narrower in practice, never missing).
 */
import type { RoleDetail } from '@aws-sdk/client-iam';
import { entitlementId, grantId, GRANTABLE_TO, RESOURCE_TYPES, ResourceId, SLUGS } from '../../model/ids';
import { mergeGrants, ResourceTypeSyncer } from '../engine';
import { parsePolicy } from '../../policy/document';
import type { AwsSyncState } from '../aws/state';
import type { Entitlement, Grant, Resource, SyncWarning } from '../types';
import { accountRef, compact, iso, tagsOf } from './common';

type Action = 'sts:AssumeRole' | 'sts:AssumeRoleWithSAML' | 'sts:AssumeRoleWithWebIdentity';

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Principal?: '*' | Record<string, string | string[]>;
  Condition?: Record<string, Record<string, unknown>>;
}

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** IAM action patterns: case-insensitive, `*` and `?` wildcards. */
function allows(patterns: string[], action: Action): boolean {
  return patterns.some((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i').test(action));
}

/** The external ID is a secret shared with the trusted party: keep that the condition exists, never its value. */
function redact(cond: Record<string, Record<string, unknown>> | undefined): Record<string, unknown> | undefined {
  if (!cond) return undefined;
  return Object.fromEntries(
    Object.entries(cond).map(([op, kv]) => [op, Object.fromEntries(Object.entries(kv).map(([k, v]) => [k, /^sts:externalid$/i.test(k) ? '<redacted>' : v]))]),
  );
}

export interface TrustAnalysis {
  grants: { principal: ResourceId; conditions?: Record<string, unknown> }[];
  services: string[];
  accounts: string[];
  external: string[];
}

export function analyzeTrust(doc: unknown, known: { users: Set<string>; roles: Set<string>; providers: Set<string> }): TrustAnalysis {
  const out: TrustAnalysis = { grants: [], services: [], accounts: [], external: [] };
  const statements = list((doc as { Statement?: Statement | Statement[] })?.Statement);
  for (const st of statements) {
    if (st.Effect !== 'Allow' || !st.Principal) continue;
    const actions = list(st.Action);
    const conditions = redact(st.Condition);
    const principal = st.Principal === '*' ? { AWS: '*' } : st.Principal;
    if (allows(actions, 'sts:AssumeRole')) {
      for (const p of list(principal.AWS)) {
        const account = /^\d{12}$/.test(p) ? p : /^arn:[^:]+:iam::(\d{12}):root$/.exec(p)?.[1];
        if (p === '*') out.external.push('*');
        else if (account) out.accounts.push(account);
        else if (known.users.has(p)) out.grants.push({ principal: { resourceType: 'iam_user', resource: p }, conditions });
        else if (known.roles.has(p)) out.grants.push({ principal: { resourceType: 'role', resource: p }, conditions });
        else out.external.push(p);
      }
      out.services.push(...list(principal.Service));
    }
    const federatedAction = allows(actions, 'sts:AssumeRoleWithSAML') || allows(actions, 'sts:AssumeRoleWithWebIdentity');
    for (const p of federatedAction ? list(principal.Federated) : []) {
      if (known.providers.has(p)) out.grants.push({ principal: { resourceType: 'identity_provider', resource: p }, conditions });
      else out.external.push(p);
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
      if (r.AssumeRolePolicyDocument) trust = analyzeTrust(parsePolicy(r.AssumeRolePolicyDocument), known);
    } catch {
      warnings.push({ source: 'iam:role', message: `role ${r.Arn}: trust policy cannot be read; its grants are left out` });
    }
    resources.push({ id, parent: accountRef(s), displayName: r.RoleName!, profile: roleProfile(r, trust) });
    entitlements.push({ id: eid, resource: id, slug: SLUGS.assignment, displayName: `${r.RoleName} Role`, grantableTo: GRANTABLE_TO.role! });
    for (const g of trust.grants) {
      grants.push({
        id: grantId(eid, g.principal),
        entitlement: eid,
        principal: g.principal,
        ...(g.principal.resourceType === 'role' ? { expandable: [entitlementId(g.principal, SLUGS.assignment)] } : {}),
        ...(g.conditions ? { conditions: [g.conditions] } : {}),
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
  build: (s) => buildRoles(s),
};
