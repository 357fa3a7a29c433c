/**
 * Grants added, removed and changed between two snapshots, by principal and entitlement (for `c1-aws diff`). For
 * policies (iam_policy, inline_policy) also who holds one through a group or role: a policy grant to a group or role
 * is expandable (baton-sdk's GrantExpandable, as baton-aws sets it) to the holders of the group's `member` or the
 * role's `assignment` entitlement, and on through their own expandable grants (a role that may assume a role).
 */
import type { Grant, Snapshot } from './types';
import { resourceKey } from './snapshot';
import { visible } from '../text';

export interface GrantChange {
  grant: string;
  principal: string;
  principalName: string;
  entitlement: string;
  entitlementName: string;
  /** The grant holds only under trust-policy conditions (the snapshot's grant has `conditions`). */
  conditional: boolean;
}

/**
 * A resource in both snapshots whose place or policy composition changed: an account or OU moved to another root/OU
 * (`parent`), a permission set's customer-managed policy references, an inline policy's document. (A permission set
 * gaining or losing a managed or inline policy is a grant change.)
 */
export interface ResourceChange {
  resource: string;
  resourceName: string;
  field: 'parent' | (typeof WATCHED_PROFILE_KEYS)[number];
  before?: unknown;
  after?: unknown;
}

/** Profile fields whose change is a change of access (the rest, names and dates, is not reported). */
const WATCHED_PROFILE_KEYS = ['aws_customer_managed_policies', 'policy_document'] as const;

/** A principal that gained or lost a policy through a group or role, not by a grant of its own. */
export interface EffectiveChange {
  principal: string;
  principalName: string;
  entitlement: string;
  entitlementName: string;
  /** Each way it holds (or held) the policy: the group or role holding it first, then any role in between. */
  via: { principal: string; principalName: string }[][];
  /** Every way holds only under trust-policy conditions (a role grant with `conditions` on the path). */
  conditional: boolean;
}

export interface SnapshotDiff {
  added: GrantChange[];
  removed: GrantChange[];
  /** Same grant, other conditions or expansion. */
  changed: GrantChange[];
  /**
   * Member accounts whose IAM one of the snapshots could not read (source.memberAccounts data "missing"): their
   * grants are not compared, since an absent grant there means "not read", not "revoked".
   */
  notCompared: string[];
  /** Policies gained or lost through a group or role (present only when there are such changes). */
  effective?: { added: EffectiveChange[]; removed: EffectiveChange[] };
  /** Present when a resource moved or its policy composition changed (ResourceChange). */
  resourceChanges?: ResourceChange[];
  /**
   * Resource types one snapshot did not read (--sync-resource-types, source.resourceTypes) while the other did:
   * grants on their entitlements are not compared, for the same reason. Absent when both read the same types.
   */
  typesNotCompared?: string[];
}

/** The types a snapshot read: its --sync-resource-types selection, or undefined for every type. */
const readTypes = (s: Snapshot) => s.source.resourceTypes as string[] | undefined;

/** The type of each grant's entitlement's resource, from the snapshot's own entitlements. */
function grantType(s: Snapshot): (g: Grant) => string | undefined {
  const types = new Map(s.entitlements.map((e) => [e.id, e.resource.resourceType as string]));
  return (g) => types.get(g.entitlement);
}

function resourceChanges(before: Snapshot, after: Snapshot): ResourceChange[] {
  const old = new Map(before.resources.map((r) => [resourceKey(r.id), r]));
  const out: ResourceChange[] = [];
  for (const r of after.resources) {
    const key = resourceKey(r.id);
    const was = old.get(key);
    if (!was) continue;
    const parentOf = (x: typeof r) => (x.parent ? resourceKey(x.parent) : undefined);
    if (parentOf(was) !== parentOf(r)) out.push({ resource: key, resourceName: r.displayName, field: 'parent', before: parentOf(was), after: parentOf(r) });
    for (const k of WATCHED_PROFILE_KEYS) {
      if (JSON.stringify(was.profile[k]) !== JSON.stringify(r.profile[k])) out.push({ resource: key, resourceName: r.displayName, field: k, before: was.profile[k], after: r.profile[k] });
    }
  }
  return out.sort((a, b) => (a.resource + a.field < b.resource + b.field ? -1 : 1));
}

const POLICY_TYPES = ['iam_policy:', 'inline_policy:'];
const isPolicyEntitlement = (id: string) => POLICY_TYPES.some((t) => id.startsWith(t));

interface Holding {
  principal: Grant['principal'];
  entitlement: string;
  via: Grant['principal'][][];
  conditional: boolean[];
}

/**
 * Who holds each policy through an expandable grant: the holders of the entitlements the grant expands to, and on
 * through those holders' own expandable grants (each entitlement once per policy grant: role trust may loop).
 */
export function effectivePolicyHolders(s: Snapshot): Map<string, Holding> {
  const byEntitlement = new Map<string, Grant[]>();
  for (const g of s.grants) byEntitlement.set(g.entitlement, [...(byEntitlement.get(g.entitlement) ?? []), g]);
  const out = new Map<string, Holding>();
  for (const g of s.grants) {
    if (!isPolicyEntitlement(g.entitlement) || !g.expandable) continue;
    const seen = new Set<string>();
    const queue = g.expandable.map((e) => ({ entitlement: e, via: [g.principal], conditional: false }));
    while (queue.length) {
      const step = queue.shift()!;
      if (seen.has(step.entitlement)) continue;
      seen.add(step.entitlement);
      for (const h of byEntitlement.get(step.entitlement) ?? []) {
        const conditional = step.conditional || !!h.conditions?.length;
        const key = `${g.entitlement}\u0000${resourceKey(h.principal)}`;
        const held = out.get(key) ?? { principal: h.principal, entitlement: g.entitlement, via: [], conditional: [] };
        held.via.push(step.via);
        held.conditional.push(conditional);
        out.set(key, held);
        for (const e of h.expandable ?? []) queue.push({ entitlement: e, via: [...step.via, h.principal], conditional });
      }
    }
  }
  return out;
}

function describeHolding(h: Holding, snaps: Snapshot[]): EffectiveChange {
  const name = (id: Grant['principal']) => snaps.flatMap((s) => s.resources).find((r) => resourceKey(r.id) === resourceKey(id))?.displayName ?? resourceKey(id);
  const ent = snaps.flatMap((s) => s.entitlements).find((e) => e.id === h.entitlement);
  return {
    principal: resourceKey(h.principal),
    principalName: name(h.principal),
    entitlement: h.entitlement,
    entitlementName: ent?.displayName ?? h.entitlement,
    via: h.via.map((path) => path.map((p) => ({ principal: resourceKey(p), principalName: name(p) }))),
    conditional: h.conditional.every(Boolean),
  };
}

function missingAccounts(s: Snapshot): string[] {
  const members = (s.source.memberAccounts as { accountId: string; data: string }[] | undefined) ?? [];
  return members.filter((m) => m.data === 'missing').map((m) => m.accountId);
}

/**
 * The account of an IAM grant, from its entitlement's ARN (group:arn:aws:iam::<account>:group/...:member), else from
 * its principal's (an AWS-managed policy's ARN names no account: arn:aws:iam::aws:policy/...).
 */
const grantAccount = (g: Grant) => /:iam::(\d{12}):/.exec(g.entitlement)?.[1] ?? /:iam::(\d{12}):/.exec(g.principal.resource)?.[1];

function describe(g: Grant, snaps: Snapshot[]): GrantChange {
  const principal = resourceKey(g.principal);
  const res = snaps.flatMap((s) => s.resources).find((r) => resourceKey(r.id) === principal);
  const ent = snaps.flatMap((s) => s.entitlements).find((e) => e.id === g.entitlement);
  return { grant: g.id, principal, principalName: res?.displayName ?? principal, entitlement: g.entitlement, entitlementName: ent?.displayName ?? g.entitlement, conditional: !!g.conditions?.length };
}

export function diffSnapshots(before: Snapshot, after: Snapshot): SnapshotDiff {
  const notCompared = [...new Set([...missingAccounts(before), ...missingAccounts(after)])].sort();
  const compared = (g: Grant) => !notCompared.includes(grantAccount(g) ?? '');
  // A type only one side read is absent on the other because it was not read, not because it was revoked.
  const [readBefore, readAfter] = [readTypes(before), readTypes(after)];
  const inBoth = (t: string | undefined) => t === undefined || ((readBefore?.includes(t) ?? true) && (readAfter?.includes(t) ?? true));
  const seenTypes = [...before.entitlements, ...after.entitlements].map((e) => e.resource.resourceType as string);
  const typesNotCompared = [...new Set(seenTypes.filter((t) => !inBoth(t)))].sort();
  const [typeBefore, typeAfter] = [grantType(before), grantType(after)];
  before = { ...before, grants: before.grants.filter((g) => compared(g) && inBoth(typeBefore(g))) };
  after = { ...after, grants: after.grants.filter((g) => compared(g) && inBoth(typeAfter(g))) };
  const old = new Map(before.grants.map((g) => [g.id, g]));
  const now = new Map(after.grants.map((g) => [g.id, g]));
  const same = (a: Grant, b: Grant) => JSON.stringify([a.conditions, a.expandable]) === JSON.stringify([b.conditions, b.expandable]);
  const order = (a: { principal: string; entitlement: string }, b: { principal: string; entitlement: string }) => (a.principal + a.entitlement < b.principal + b.entitlement ? -1 : 1);
  const changedResources = resourceChanges(before, after);
  const out: SnapshotDiff = {
    added: after.grants.filter((g) => !old.has(g.id)).map((g) => describe(g, [after])).sort(order),
    removed: before.grants.filter((g) => !now.has(g.id)).map((g) => describe(g, [before])).sort(order),
    changed: after.grants.filter((g) => old.has(g.id) && !same(old.get(g.id)!, g)).map((g) => describe(g, [after, before])).sort(order),
    notCompared,
    ...(typesNotCompared.length ? { typesNotCompared } : {}),
    ...(changedResources.length ? { resourceChanges: changedResources } : {}),
  };
  const heldBefore = effectivePolicyHolders(before);
  const heldAfter = effectivePolicyHolders(after);
  const gained = [...heldAfter].filter(([k]) => !heldBefore.has(k)).map(([, h]) => describeHolding(h, [after])).sort(order);
  const lost = [...heldBefore].filter(([k]) => !heldAfter.has(k)).map(([, h]) => describeHolding(h, [before])).sort(order);
  if (gained.length || lost.length) out.effective = { added: gained, removed: lost };
  return out;
}

/** "AdministratorAccess (managed policy)" for a policy entitlement's display name, else the name as it is. */
function policyWords(entitlement: string, name: string): string | undefined {
  if (entitlement.startsWith('iam_policy:')) return `${name.replace(/ Managed Policy$/, '')} (managed policy)`;
  if (entitlement.startsWith('inline_policy:')) return `${name.replace(/ Inline Policy$/, '')} (inline policy)`;
  return undefined;
}

const VERB: Record<string, string> = { '+': 'gained', '-': 'lost', '~': 'holds' };

/** Human form: one block per principal, `+` added, `-` removed, `~` changed. Names and ids come from AWS: escaped. */
export function formatDiff(d: SnapshotDiff): string {
  const rows: (readonly ['+' | '-' | '~', GrantChange | EffectiveChange])[] = [
    ...d.added.map((c) => ['+', c] as const),
    ...d.removed.map((c) => ['-', c] as const),
    ...d.changed.map((c) => ['~', c] as const),
    ...(d.effective?.added ?? []).map((c) => ['+', c] as const),
    ...(d.effective?.removed ?? []).map((c) => ['-', c] as const),
  ];
  const skipped =
    (d.notCompared.length ? `not compared (member accounts whose IAM a snapshot could not read): ${d.notCompared.join(', ')}\n` : '') +
    (d.typesNotCompared?.length ? `not compared (resource types one snapshot did not read, --sync-resource-types): ${d.typesNotCompared.map(visible).join(', ')}\n` : '');
  const resources = formatResourceChanges(d.resourceChanges ?? []);
  if (rows.length === 0) return `no grant changes\n${resources}${skipped}`;
  const byPrincipal = new Map<string, (typeof rows)[number][]>();
  for (const r of rows) byPrincipal.set(r[1].principal, [...(byPrincipal.get(r[1].principal) ?? []), r]);
  const out: string[] = [];
  for (const p of [...byPrincipal.keys()].sort()) {
    const list = byPrincipal.get(p)!;
    out.push(`${visible(list[0][1].principalName)} (${visible(p)})`);
    for (const [sign, c] of list.sort((a, b) => (a[1].entitlement < b[1].entitlement ? -1 : 1))) {
      const words = policyWords(c.entitlement, c.entitlementName);
      // Policies read as the access review asks: "gained AdministratorAccess (managed policy) through group admins".
      const what = words ? `${VERB[sign]} ${visible(words)}` : visible(c.entitlementName);
      const through = 'via' in c ? ` through ${c.via.map((path) => path.map((p) => `${p.principal.split(':')[0] === 'group' ? 'group' : 'role'} ${visible(p.principalName)}`).join(' then ')).join(' and ')}` : '';
      out.push(`  ${sign} ${what}${through}${c.conditional ? ' (only under conditions)' : ''}  [${visible(c.entitlement)}]`);
    }
  }
  const through = d.effective ? `; through groups and roles: ${d.effective.added.length} gained, ${d.effective.removed.length} lost` : '';
  out.push('', `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed${through}`);
  return `${out.join('\n')}\n${resources}${skipped}`;
}

const show = (v: unknown) => (v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v));

function formatResourceChanges(changes: ResourceChange[]): string {
  return changes
    .map((c) => {
      const what = c.field === 'parent' ? 'moved' : c.field === 'policy_document' ? 'policy document changed' : 'customer-managed policies changed';
      return `${visible(c.resourceName)} (${visible(c.resource)}) ${what}: ${visible(show(c.before))} -> ${visible(show(c.after))}\n`;
    })
    .join('');
}
