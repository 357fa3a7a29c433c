/** Grants added, removed and changed between two snapshots, by principal and entitlement (for `c1-aws diff`). */
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

function missingAccounts(s: Snapshot): string[] {
  const members = (s.source.memberAccounts as { accountId: string; data: string }[] | undefined) ?? [];
  return members.filter((m) => m.data === 'missing').map((m) => m.accountId);
}

/** The account of an IAM grant, from its entitlement's ARN (group:arn:aws:iam::<account>:group/...:member). */
const grantAccount = (g: Grant) => /:iam::(\d{12}):/.exec(g.entitlement)?.[1];

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
  const order = (a: GrantChange, b: GrantChange) => (a.principal + a.entitlement < b.principal + b.entitlement ? -1 : 1);
  const changedResources = resourceChanges(before, after);
  return {
    added: after.grants.filter((g) => !old.has(g.id)).map((g) => describe(g, [after])).sort(order),
    removed: before.grants.filter((g) => !now.has(g.id)).map((g) => describe(g, [before])).sort(order),
    changed: after.grants.filter((g) => old.has(g.id) && !same(old.get(g.id)!, g)).map((g) => describe(g, [after, before])).sort(order),
    notCompared,
    ...(typesNotCompared.length ? { typesNotCompared } : {}),
    ...(changedResources.length ? { resourceChanges: changedResources } : {}),
  };
}

/** Human form: one block per principal, `+` added, `-` removed, `~` changed. Names and ids come from AWS: escaped. */
export function formatDiff(d: SnapshotDiff): string {
  const rows = [...d.added.map((c) => ['+', c] as const), ...d.removed.map((c) => ['-', c] as const), ...d.changed.map((c) => ['~', c] as const)];
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
    for (const [sign, c] of list.sort((a, b) => (a[1].entitlement < b[1].entitlement ? -1 : 1))) out.push(`  ${sign} ${visible(c.entitlementName)}${c.conditional ? ' (only under conditions)' : ''}  [${visible(c.entitlement)}]`);
  }
  out.push('', `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`);
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
