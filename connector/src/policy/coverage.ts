/**
 * A role's effective permissions compared with what the enabled capabilities need, as (action, resource) pairs.
 *
 * Effective allows = what the identity policies (inline and attached) allow, intersected with the permissions
 * boundary when one is set, minus what a Deny anywhere takes away. Two kinds of finding:
 * - missing: a needed pair no unconditional Allow covers, or that a Deny covers (a capability would fail at run time);
 * - excess: anything allowed beyond the needed pairs: an action outside the needed set (reads included; wildcards
 *   and NotAction expand over the full action catalogue), or a needed action on a wider resource than needed (the
 *   provisioning group scope).
 *
 * The excess judgement is sound by construction: an Allow's condition is ignored (it allows at most its
 * action x resource), NotResource counts as every resource, a statement whose shape is not understood counts as
 * allowing everything, and a Deny takes something away only when it has no condition and provably covers it.
 */
import { ACCESS_LEVELS, AccessLevel, catalogueActions } from './action-catalogue';
import type { Capability, CapabilityId, GroupScope, RenderVars } from './capabilities';
import { renderCapability } from './capabilities';
import { parsePolicy, RawStatement, statementLabel } from './document';
import { covers, hasVariable, overlaps, widenVariables } from './patterns';

export interface IdentityPolicy {
  /** Inline policy name or managed policy ARN, as the report shows it. */
  name: string;
  document: unknown;
}

export interface NeededAction {
  action: string;
  resource: string;
  capability: CapabilityId;
  /**
   * The capability statement's own Condition (member_accounts_access: aws:ResourceOrgID). An Allow with exactly this
   * condition covers the pair: it is what the module writes. Any other condition still leaves the pair missing.
   */
  condition?: Record<string, unknown>;
}

export interface MissingAction extends NeededAction {
  reason: string;
}

export interface WiderResource {
  action: string;
  /** The resource the statement allows the action on, as written ("every resource except ..." for NotResource). */
  allowed: string;
  /** What the enabled features need it on. */
  needed: string[];
}

/** Everything one statement allows beyond the needed pairs. */
export interface ExcessGrant {
  /** e.g. `arn:aws:iam::aws:policy/ReadOnlyAccess Sid "X"` or `MyInline Statement[2]`. */
  statement: string;
  /** Actions outside the needed set, strongest access level first. */
  outsideActions: { action: string; level: AccessLevel | 'unknown' }[];
  widerResources: WiderResource[];
  /** Why the statement cannot be bounded at all (unreadable shape, actions AWS may add under a wildcard). */
  unbounded: string[];
}

export interface CoverageResult {
  missing: MissingAction[];
  excess: ExcessGrant[];
}

export interface CoverageInput {
  /** Inline and attached managed policies. */
  identity: IdentityPolicy[];
  /** The permissions boundary's document, when the role has one. */
  boundary?: IdentityPolicy;
}

/** The (action, resource) pairs the enabled capabilities need, as the module renders them (group scope applied). */
export function neededActions(capabilities: Capability[], vars: RenderVars, scope: GroupScope): NeededAction[] {
  const out: NeededAction[] = [];
  for (const c of capabilities) {
    for (const s of renderCapability(c, vars, scope).Statement) {
      for (const action of list(s.Action)) for (const resource of list(s.Resource)) out.push({ action, resource, capability: c.id, ...(s.Condition ? { condition: s.Condition } : {}) });
    }
  }
  return out;
}

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

// ---------------------------------------------------------------------------------------------------------------
// Statements, normalised

interface Stmt {
  label: string;
  effect: 'Allow' | 'Deny';
  /** Action patterns, or with `notAction` the patterns it excludes. */
  actions: string[];
  notAction: boolean;
  /** Resource patterns, or with `notResource` the patterns it excludes. */
  resources: string[];
  notResource: boolean;
  conditional: boolean;
  /** The Condition as written, when there is one. */
  condition?: unknown;
  /** Set when the statement's shape is not understood: as an Allow it counts as allowing everything. */
  unreadable?: string;
}

const KNOWN_KEYS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);

function stringList(v: unknown): string[] | undefined {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string')) return v as string[];
  return undefined;
}

function normalise(s: RawStatement, label: string): Stmt {
  const raw = s as Record<string, unknown>;
  const effect = s.Effect as 'Allow' | 'Deny';
  const base = { label, effect, actions: ['*'], notAction: false, resources: ['*'], notResource: false, conditional: true };
  const odd = Object.keys(raw).filter((k) => !KNOWN_KEYS.has(k));
  if (odd.length) return { ...base, unreadable: `it has element(s) ${odd.join(', ')} that an identity policy does not take` };
  if ((s.Action === undefined) === (s.NotAction === undefined)) return { ...base, unreadable: 'it needs exactly one of Action and NotAction' };
  if ((s.Resource === undefined) === (s.NotResource === undefined)) return { ...base, unreadable: 'it needs exactly one of Resource and NotResource' };
  const actions = stringList(s.Action ?? s.NotAction);
  const resources = stringList(s.Resource ?? s.NotResource);
  if (!actions) return { ...base, unreadable: 'its Action/NotAction is not a string or a list of strings' };
  if (!resources) return { ...base, unreadable: 'its Resource/NotResource is not a string or a list of strings' };
  if (s.Condition !== undefined && (typeof s.Condition !== 'object' || s.Condition === null || Array.isArray(s.Condition))) {
    return { ...base, unreadable: 'its Condition is not an object' };
  }
  return {
    label,
    effect,
    actions,
    notAction: s.NotAction !== undefined,
    resources,
    notResource: s.NotResource !== undefined,
    conditional: !!s.Condition && Object.keys(s.Condition).length > 0,
    condition: s.Condition,
  };
}

interface Parsed {
  statements: Stmt[];
  /** Policies that could not be read at all: each counts as allowing everything. */
  unreadable: { label: string; reason: string }[];
}

function parseAll(policies: IdentityPolicy[]): Parsed {
  const out: Parsed = { statements: [], unreadable: [] };
  for (const p of policies) {
    try {
      const doc = parsePolicy(p.document);
      const st = doc.Statement === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
      st.forEach((s, i) => out.statements.push(normalise(s, `${p.name} ${statementLabel(s, i)}`)));
    } catch (e) {
      out.unreadable.push({ label: p.name, reason: (e as Error).message });
    }
  }
  return out;
}

const hasWildcard = (p: string) => p.includes('*') || p.includes('?');

// ---------------------------------------------------------------------------------------------------------------
// Actions: the universe is the catalogue, the needed actions and every action a statement names

interface Universe {
  /** Lower-case name -> spelling and level. */
  byKey: Map<string, { action: string; level: AccessLevel | 'unknown' }>;
  keys: string[];
}

function universe(needed: NeededAction[], statements: Stmt[]): Universe {
  const byKey = new Map<string, { action: string; level: AccessLevel | 'unknown' }>();
  for (const a of catalogueActions()) byKey.set(a.action.toLowerCase(), a);
  const add = (action: string) => {
    if (!hasWildcard(action) && !byKey.has(action.toLowerCase())) byKey.set(action.toLowerCase(), { action, level: 'unknown' });
  };
  for (const n of needed) add(n.action);
  for (const s of statements) for (const a of s.actions) add(a);
  return { byKey, keys: [...byKey.keys()] };
}

const regexCache = new Map<string, RegExp>();
function actionRegExp(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
    regexCache.set(pattern, re);
  }
  return re;
}

/** The lower-case action names (of the universe) a statement applies to. */
function matchedActions(s: Stmt, u: Universe): Set<string> {
  const hit = new Set<string>();
  for (const p of s.actions) {
    if (!hasWildcard(p)) hit.add(p.toLowerCase());
    else {
      const re = actionRegExp(p);
      for (const k of u.keys) if (re.test(k)) hit.add(k);
    }
  }
  if (!s.notAction) return hit;
  return new Set(u.keys.filter((k) => !hit.has(k)));
}

// ---------------------------------------------------------------------------------------------------------------
// The judgement

interface Judged {
  stmt: Stmt;
  actions: Set<string>;
}

export function checkCoverage(input: CoverageInput, needed: NeededAction[]): CoverageResult {
  const identity = parseAll(input.identity);
  const boundary = input.boundary ? parseAll([input.boundary]) : undefined;
  const u = universe(needed, [...identity.statements, ...(boundary?.statements ?? [])]);
  const judge = (stmts: Stmt[]): Judged[] => stmts.map((stmt) => ({ stmt, actions: matchedActions(stmt, u) }));

  const idAllows = judge(identity.statements.filter((s) => s.effect === 'Allow'));
  const bAllows = boundary ? judge(boundary.statements.filter((s) => s.effect === 'Allow')) : undefined;
  // A Deny anywhere (identity or boundary) takes away; one we cannot read takes nothing away.
  const denies = judge([...identity.statements, ...(boundary?.statements ?? [])].filter((s) => s.effect === 'Deny' && !s.unreadable));
  const firmDenies = denies.filter((d) => !d.stmt.conditional);

  const neededByKey = new Map<string, NeededAction[]>();
  for (const n of needed) {
    const k = n.action.toLowerCase();
    neededByKey.set(k, [...(neededByKey.get(k) ?? []), n]);
  }
  const neededCovers = (key: string, piece: string) => (neededByKey.get(key) ?? []).some((n) => covers(n.resource, piece));

  /** An unconditional Deny of this action leaves nothing of `piece` beyond the needed resources. */
  const denyRemoves = (key: string, piece: string): boolean =>
    firmDenies.some(({ stmt, actions }) => {
      if (!actions.has(key)) return false;
      // A Deny's Resource holding a variable names a value we cannot know: it proves nothing removed.
      if (!stmt.notResource) return stmt.resources.some((q) => !hasVariable(q) && covers(q, piece));
      // Deny NotResource N: only N survives; fine when every n the piece can reach is needed.
      return stmt.resources.map(widenVariables).every((n) => !overlaps(n, piece) || neededCovers(key, n));
    });

  /** The boundary allows nothing of `piece` beyond the needed resources. */
  const boundaryRemoves = (key: string, piece: string): boolean => {
    if (!bAllows) return false;
    if (boundary!.unreadable.length) return false;
    return bAllows.every(({ stmt, actions }) => {
      if (!actions.has(key)) return true;
      const pieces = stmt.notResource || stmt.unreadable ? ['*'] : stmt.resources.map(widenVariables);
      return pieces.every((b) => !overlaps(b, piece) || neededCovers(key, b) || denyRemoves(key, b));
    });
  };

  // A boundary that names every action it allows literally leaves nothing of an action AWS adds later.
  const boundaryNamesActions = !!bAllows && !boundary!.unreadable.length && bAllows.every(({ stmt }) => !stmt.unreadable && !stmt.notAction && !stmt.actions.some(hasWildcard));

  // Excess: per identity Allow, every (action, resource) it may grant.
  const excess: ExcessGrant[] = [];
  for (const p of identity.unreadable) {
    excess.push({ statement: p.label, outsideActions: [], widerResources: [], unbounded: [`the policy cannot be read (${p.reason}), so it counts as allowing everything`] });
  }
  for (const { stmt, actions } of idAllows) {
    const grant: ExcessGrant = { statement: stmt.label, outsideActions: [], widerResources: [], unbounded: [] };
    if (stmt.unreadable) grant.unbounded.push(`${stmt.unreadable}, so it counts as allowing everything`);
    const pieces = stmt.notResource || stmt.unreadable ? ['*'] : stmt.resources.map(widenVariables);
    const shown = stmt.notResource ? `every resource except ${stmt.resources.join(', ')}` : undefined;
    for (const key of actions) {
      const wide = pieces.filter((piece) => !neededCovers(key, piece) && !denyRemoves(key, piece) && !boundaryRemoves(key, piece));
      if (!wide.length) continue;
      const entry = u.byKey.get(key) ?? { action: key, level: 'unknown' as const };
      const need = neededByKey.get(key);
      if (!need) grant.outsideActions.push(entry);
      else for (const piece of wide) grant.widerResources.push({ action: entry.action, allowed: shown ?? piece, needed: [...new Set(need.map((n) => n.resource))] });
    }
    // A needed pair that carries its own Condition (member_accounts_access: aws:ResourceOrgID) is scoped by it: an
    // Allow of that pair without exactly that Condition grants it more widely (e.g. into any organization).
    for (const key of actions) {
      for (const n of neededByKey.get(key) ?? []) {
        if (!n.condition || !pieces.some((piece) => overlaps(piece, n.resource))) continue;
        if (canonicalJson(stmt.condition ?? null) === canonicalJson(n.condition)) continue;
        grant.unbounded.push(`it allows ${n.action} on ${n.resource} without exactly the Condition ${JSON.stringify(n.condition)} that scopes it`);
      }
    }
    const future = futureActions(stmt, boundaryNamesActions, firmDenies);
    if (future) grant.unbounded.push(future);
    grant.outsideActions.sort((a, b) => levelRank(a.level) - levelRank(b.level) || a.action.localeCompare(b.action));
    grant.widerResources.sort((a, b) => a.action.localeCompare(b.action) || a.allowed.localeCompare(b.allowed));
    if (grant.outsideActions.length || grant.widerResources.length || grant.unbounded.length) {
      // Said only beside a finding: a condition limits when, not what, so it never makes the statement narrower.
      if (stmt.conditional) grant.unbounded.push('its Condition is not counted as a limit: it may hold for ConductorOne\'s requests');
      excess.push(grant);
    }
  }

  // Missing: every needed pair must be allowed by the identity policies and by the boundary, and not denied.
  const missing: MissingAction[] = [];
  for (const n of needed) {
    const key = n.action.toLowerCase();
    const deny = denies.find(({ stmt, actions }) => !stmt.conditional && actions.has(key) && deniesAll(stmt, n.resource));
    if (deny) {
      missing.push({ ...n, reason: `denied by ${deny.stmt.label}` });
      continue;
    }
    const why = allowGap(idAllows, key, n.resource, n.condition);
    if (why) {
      missing.push({ ...n, reason: why });
      continue;
    }
    if (bAllows) {
      const b = boundary!.unreadable.length ? `the boundary cannot be read (${boundary!.unreadable[0].reason})` : allowGap(bAllows, key, n.resource, n.condition);
      if (b) missing.push({ ...n, reason: `the permissions boundary does not allow it (${b})` });
    }
  }
  return { missing, excess };
}

const levelRank = (l: AccessLevel | 'unknown') => (l === 'unknown' ? ACCESS_LEVELS.length : ACCESS_LEVELS.indexOf(l));

/** The statement applies to every value `resource` stands for. */
function deniesAll(s: Stmt, resource: string): boolean {
  if (!s.notResource) return s.resources.some((q) => !hasVariable(q) && covers(q, resource));
  return s.resources.every((n) => !overlaps(widenVariables(n), resource));
}

/** Canonical JSON (keys sorted, one-element lists as their element): two conditions that say the same compare equal. */
export function canonicalJson(v: unknown): string {
  const norm = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.length === 1 ? norm(x[0]) : x.map(norm);
    if (x && typeof x === 'object') return Object.fromEntries(Object.keys(x).sort().map((k) => [k, norm((x as Record<string, unknown>)[k])]));
    return x;
  };
  return JSON.stringify(norm(v));
}

/** Null when an unconditional Allow (or one with exactly the needed statement's condition) covers the pair; else why not. */
function allowGap(allows: Judged[], key: string, resource: string, condition?: Record<string, unknown>): string | null {
  const candidates = allows.filter(({ stmt, actions }) => !stmt.unreadable && actions.has(key) && allowsAll(stmt, resource));
  if (candidates.some(({ stmt }) => !stmt.conditional)) return null;
  if (condition && candidates.some(({ stmt }) => canonicalJson(stmt.condition) === canonicalJson(condition))) return null;
  return candidates.length ? `allowed only under a condition (${candidates[0].stmt.label})` : 'no statement allows it on this resource';
}

/** An Allow statement's resources take in every value `resource` stands for (variables prove nothing). */
function allowsAll(s: Stmt, resource: string): boolean {
  if (!s.notResource) return s.resources.some((p) => !hasVariable(p) && covers(p, resource));
  return s.resources.every((n) => !overlaps(widenVariables(n), resource));
}

/**
 * A wildcard or NotAction grants, beside the catalogue's actions, whatever AWS adds under it later. Null when
 * something provably takes those away: a boundary that names its actions literally (every literal is judged above),
 * or an unconditional Deny on every resource that covers the pattern, or denies all but literally named actions.
 */
function futureActions(s: Stmt, boundaryNamesActions: boolean, firmDenies: Judged[]): string | null {
  if (s.unreadable) return null;
  const open = s.notAction ? [`every action except ${s.actions.join(', ')}`] : s.actions.filter(hasWildcard);
  if (!open.length || boundaryNamesActions) return null;
  const everywhere = (d: Stmt) => !d.notResource && d.resources.includes('*');
  const fenced = firmDenies.some(
    ({ stmt: d }) =>
      everywhere(d) &&
      (d.notAction
        ? !d.actions.some(hasWildcard)
        : d.actions.includes('*') || (!s.notAction && s.actions.filter(hasWildcard).every((w) => d.actions.some((q) => covers(q, w, true))))),
  );
  if (fenced) return null;
  const what = s.notAction ? open[0] : open.map((w) => `"${w}"`).join(', ');
  return `it allows ${what}, which also grants the matching actions AWS adds later`;
}
