/**
 * Which actions a role's identity policies (inline and attached) allow, compared with what the enabled capabilities
 * need. Two findings: missing actions (a capability would fail at run time) and stray write actions (the role can
 * change more than ConductorOne needs: least privilege). Resource-level: a needed action counts as allowed when an
 * unconditional Allow's Resource covers the capability document's resource for it and no Deny overlaps it.
 * Conditions are not evaluated here: a conditional Allow never proves coverage, a conditional Deny may block it.
 */
import type { Capability, CapabilityId } from './capabilities';
import { renderDocument } from './capabilities';
import { parsePolicy, RawStatement, statementLabel, toArray } from './document';
import { actionMatches, wildcardMatch } from './wildcard';
import { writeActions, WriteAccessLevel } from './write-actions';

export interface IdentityPolicy {
  /** Inline policy name or managed policy ARN, as the report shows it. */
  name: string;
  document: unknown;
}

export interface NeededAction {
  action: string;
  resource: string;
  capability: CapabilityId;
}

export interface MissingAction extends NeededAction {
  reason: string;
}

export interface StrayAction {
  action: string;
  level: WriteAccessLevel;
  /** The statements that allow it, e.g. `MyPolicy Sid "All"`. */
  allowedBy: string[];
}

export interface CoverageResult {
  missing: MissingAction[];
  stray: StrayAction[];
}

interface LabelledStatement {
  s: RawStatement;
  label: string;
}

/** The (action, resource) pairs the capabilities' documents grant, placeholders filled for the role's account. */
export function neededActions(capabilities: Capability[], vars: { partition: string; accountId: string }): NeededAction[] {
  const out: NeededAction[] = [];
  for (const c of capabilities) {
    for (const s of renderDocument(c.document, vars).Statement) {
      for (const action of toArray(s.Action)) for (const resource of toArray(s.Resource)) out.push({ action, resource, capability: c.id });
    }
  }
  return out;
}

function statementsOf(policies: IdentityPolicy[]): LabelledStatement[] {
  return policies.flatMap((p) => toArray(parsePolicy(p.document).Statement).map((s, i) => ({ s, label: `${p.name} ${statementLabel(s, i)}` })));
}

function matchesAction(s: RawStatement, action: string): boolean {
  if (s.Action !== undefined) return toArray(s.Action).some((p) => actionMatches(p, action));
  if (s.NotAction !== undefined) return !toArray(s.NotAction).some((p) => actionMatches(p, action));
  return false;
}

/** Pattern `p` covers every ARN that pattern `r` stands for (r's own `*` taken literally: good enough for our documents). */
const covers = (p: string, r: string) => wildcardMatch(p, r);
/** The two patterns may name a common ARN. */
const overlaps = (a: string, b: string) => wildcardMatch(a, b) || wildcardMatch(b, a);

function coversResource(s: RawStatement, resource: string): boolean {
  if (s.Resource !== undefined) return toArray(s.Resource).some((p) => covers(p, resource));
  if (s.NotResource !== undefined) return !toArray(s.NotResource).some((p) => overlaps(p, resource));
  return false;
}

function mayTouchResource(s: RawStatement, resource: string): boolean {
  if (s.Resource !== undefined) return toArray(s.Resource).some((p) => overlaps(p, resource));
  if (s.NotResource !== undefined) return !toArray(s.NotResource).some((p) => covers(p, resource));
  return false;
}

const hasCondition = (s: RawStatement) => !!s.Condition && Object.keys(s.Condition).length > 0;

export function checkCoverage(policies: IdentityPolicy[], needed: NeededAction[]): CoverageResult {
  const statements = statementsOf(policies);
  const allows = statements.filter((x) => x.s.Effect === 'Allow');
  const denies = statements.filter((x) => x.s.Effect === 'Deny');

  const missing: MissingAction[] = [];
  for (const n of needed) {
    const deny = denies.find((d) => matchesAction(d.s, n.action) && mayTouchResource(d.s, n.resource));
    if (deny) {
      missing.push({ ...n, reason: `denied by ${deny.label}${hasCondition(deny.s) ? ' (conditional)' : ''}` });
      continue;
    }
    const candidates = allows.filter((a) => matchesAction(a.s, n.action) && coversResource(a.s, n.resource));
    if (candidates.some((a) => !hasCondition(a.s))) continue;
    missing.push({ ...n, reason: candidates.length ? `allowed only under a condition (${candidates[0].label})` : 'no statement allows it on this resource' });
  }

  const neededNames = new Set(needed.map((n) => n.action.toLowerCase()));
  const stray: StrayAction[] = [];
  for (const { action, level } of writeActions()) {
    if (neededNames.has(action.toLowerCase())) continue;
    const allowedBy = allows.filter((a) => matchesAction(a.s, action)).map((a) => a.label);
    if (!allowedBy.length) continue;
    // Only a Deny on every resource, without conditions, takes the action away entirely.
    const fullyDenied = denies.some((d) => !hasCondition(d.s) && matchesAction(d.s, action) && toArray(d.s.Resource).includes('*'));
    if (!fullyDenied) stray.push({ action, level, allowedBy });
  }
  return { missing, stray };
}
