/**
 * The sync engine: runs fetch phases (with progress and fail-soft rules), then asks each resource type for its
 * resources, entitlements and grants, and assembles a sorted snapshot. It knows nothing of AWS: sources, the
 * "is this a denial" test and the resource types are handed in.
 */
import type { Grant, ResourceBatch, ResourceTypeDef, Snapshot, SyncWarning } from './types';
import { SNAPSHOT_VERSION } from './types';
import { sortSnapshotInPlace } from './snapshot';

export interface PhaseProgress {
  /** Sets the number of steps of the phase, once known. */
  total(n: number): void;
  /** Marks `n` steps done. */
  tick(n?: number): void;
  warn(w: SyncWarning): void;
}

export interface Phase<S> {
  name: string;
  /** A required phase failing fails the sync; an optional one denied access only records a warning. */
  required: boolean;
  /** What the caller lacks when this phase is denied, and what the snapshot leaves out then. */
  needs: string[];
  leftOut: string;
  /**
   * The resource types built from what this phase reads (directly, or through a later phase that needs it). With a
   * type selection (RunSyncOptions.resourceTypes), a phase none of whose types is selected is not run: no calls.
   * Absent: always run (who we are; a phase that feeds every type).
   */
  resourceTypes?: readonly string[];
  run(state: S, progress: PhaseProgress): Promise<void>;
}

export interface ResourceTypeSyncer<S> {
  type: ResourceTypeDef;
  build(state: S): ResourceBatch;
}

export interface SyncReporter {
  phaseStart(name: string): void;
  phaseTotal(name: string, total: number): void;
  phaseTick(name: string, done: number): void;
  phaseEnd(name: string, outcome: 'ok' | 'skipped' | 'failed'): void;
}

export const SILENT_REPORTER: SyncReporter = { phaseStart() {}, phaseTotal() {}, phaseTick() {}, phaseEnd() {} };

export interface RunSyncOptions<S> {
  state: S;
  phases: Phase<S>[];
  syncers: ResourceTypeSyncer<S>[];
  /** True when an error means "not allowed" (fail-soft for optional phases). */
  isDenied(e: unknown): boolean;
  source(state: S): Record<string, unknown>;
  syncedAt: string;
  reporter?: SyncReporter;
  /**
   * baton-sdk's --sync-resource-types: when given, only these types' resources, entitlements and grants are written,
   * and phases that feed none of them are not run. Absent: every type.
   */
  resourceTypes?: readonly string[];
}

/** Whether a type is written under the selection (none = every type). */
export function typeSelected(selection: readonly string[] | undefined, type: string): boolean {
  return selection === undefined || selection.includes(type);
}

export class SyncError extends Error {
  constructor(
    readonly phase: string,
    readonly cause: unknown,
  ) {
    super(`${phase} failed: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'SyncError';
  }
}

export async function runSync<S>(opts: RunSyncOptions<S>): Promise<Snapshot> {
  const reporter = opts.reporter ?? SILENT_REPORTER;
  const warnings: SyncWarning[] = [];
  const selection = opts.resourceTypes;
  for (const phase of opts.phases) {
    if (selection && phase.resourceTypes && !phase.resourceTypes.some((t) => selection.includes(t))) continue;
    reporter.phaseStart(phase.name);
    let done = 0;
    const progress: PhaseProgress = {
      total: (n) => reporter.phaseTotal(phase.name, n),
      tick: (n = 1) => reporter.phaseTick(phase.name, (done += n)),
      warn: (w) => warnings.push(w),
    };
    try {
      await phase.run(opts.state, progress);
      reporter.phaseEnd(phase.name, 'ok');
    } catch (e) {
      if (!phase.required && opts.isDenied(e)) {
        warnings.push({ source: phase.name, message: `access denied: needs ${phase.needs.join(', ')}; left out: ${phase.leftOut}` });
        reporter.phaseEnd(phase.name, 'skipped');
        continue;
      }
      reporter.phaseEnd(phase.name, 'failed');
      throw new SyncError(phase.name, e);
    }
  }
  const snapshot: Snapshot = {
    version: SNAPSHOT_VERSION,
    syncedAt: opts.syncedAt,
    source: opts.source(opts.state),
    resourceTypes: [],
    resources: [],
    entitlements: [],
    grants: [],
    warnings,
  };
  for (const s of opts.syncers) {
    if (!typeSelected(selection, s.type.id)) continue;
    const batch = s.build(opts.state);
    warnings.push(...(batch.warnings ?? []));
    // A syncer writes its own type; should one hand back another's, the selection still holds for it.
    // Without a selection everything is kept: no filtered copies of the (large) arrays.
    const resources = selection ? batch.resources.filter((r) => typeSelected(selection, r.id.resourceType)) : batch.resources;
    const entitlements = selection ? batch.entitlements.filter((e) => typeSelected(selection, e.resource.resourceType)) : batch.entitlements;
    const kept = new Set(selection ? entitlements.map((e) => e.id) : []);
    const dropped = new Set(selection ? batch.entitlements.filter((e) => !kept.has(e.id)).map((e) => e.id) : []);
    const grants = selection ? batch.grants.filter((g) => !dropped.has(g.entitlement)) : batch.grants;
    if (resources.length === 0) continue;
    // Two syncers may share a type (inline_policy: IAM's and the permission sets'): listed once.
    if (!snapshot.resourceTypes.some((t) => t.id === s.type.id)) snapshot.resourceTypes.push({ id: s.type.id, displayName: s.type.displayName, traits: [...s.type.traits] });
    // One element at a time: push(...a) passes every element as an argument (a copy on the stack, and a RangeError
    // past the engine's argument limit).
    for (const r of resources) snapshot.resources.push(r);
    for (const e of entitlements) snapshot.entitlements.push(e);
    for (const g of grants) snapshot.grants.push(g);
  }
  return sortSnapshotInPlace(snapshot);
}

/** Grants from several statements for the same (entitlement, principal) become one, with each statement's conditions. */
export function mergeGrants(grants: Grant[]): Grant[] {
  const byId = new Map<string, Grant>();
  for (const g of grants) {
    const seen = byId.get(g.id);
    if (!seen) {
      byId.set(g.id, { ...g });
      continue;
    }
    // An unconditional statement makes the grant unconditional.
    if (!seen.conditions || !g.conditions) delete seen.conditions;
    else seen.conditions = [...seen.conditions, ...g.conditions];
  }
  return [...byId.values()];
}
