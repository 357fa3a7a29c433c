/**
 * Snapshot canonical form and file I/O. Arrays are sorted by id and free-form objects (profiles, conditions) by key,
 * so two syncs of the same state serialise to the same bytes (syncedAt aside) and diffs read well. Writes are
 * atomic and private: a temp file in the target's directory, fsync, rename (../files.ts).
 */
import { readFileSync } from 'node:fs';
import { writePrivateFile, writePrivateFileChunks } from '../files';
import type { ResourceId } from '../model/ids';
import type { Snapshot } from './types';

const byKey = <T>(key: (t: T) => string) => (a: T, b: T) => {
  const x = key(a);
  const y = key(b);
  return x < y ? -1 : x > y ? 1 : 0;
};
export const resourceKey = (r: ResourceId) => `${r.resourceType}:${r.resource}`;

export function sortKeysDeep<T>(v: T): T {
  if (Array.isArray(v)) return v.map(sortKeysDeep) as T;
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeysDeep((v as Record<string, unknown>)[k])]),
    ) as T;
  }
  return v;
}

export function sortSnapshot(s: Snapshot): Snapshot {
  return sortSnapshotInPlace({ ...s, resourceTypes: [...s.resourceTypes], resources: s.resources.map((r) => ({ ...r })), entitlements: [...s.entitlements], grants: [...s.grants], warnings: [...s.warnings] });
}

/**
 * sortSnapshot without the copies, for a snapshot its caller owns (the engine's): its arrays are sorted and its
 * resources' profiles (and grants' conditions) replaced by key-sorted ones where they lie. At 10k users that is
 * ~60,000 resources not copied while the originals are still alive.
 */
export function sortSnapshotInPlace(s: Snapshot): Snapshot {
  s.source = sortKeysDeep(s.source);
  s.resourceTypes.sort(byKey((t) => t.id));
  for (const r of s.resources) r.profile = sortKeysDeep(r.profile);
  s.resources.sort(byKey((r) => resourceKey(r.id)));
  s.entitlements.sort(byKey((e) => e.id));
  for (let i = 0; i < s.grants.length; i++) {
    const g = s.grants[i];
    if (g.conditions) s.grants[i] = { ...g, conditions: sortKeysDeep(g.conditions) };
  }
  s.grants.sort(byKey((g) => g.id));
  s.warnings.sort(byKey((w) => `${w.source}\u0000${w.message}`));
  return s;
}

export function serializeSnapshot(s: Snapshot): string {
  return [...snapshotChunks(s)].join('');
}

/**
 * The snapshot's text, `JSON.stringify(s, null, 2)` and a newline byte for byte, in pieces: one per element of its
 * top-level arrays. A 10k-user snapshot is ~40 MB of JSON; written piece by piece it is never one string in memory.
 * (Strings in JSON text hold no raw newline, so indenting a nested element's lines is a plain replace.)
 */
export function* snapshotChunks(s: Snapshot): Generator<string> {
  const nest = (text: string, indent: string) => text.replace(/\n/g, `\n${indent}`);
  yield '{';
  let first = true;
  for (const key of Object.keys(s)) {
    const value = (s as unknown as Record<string, unknown>)[key];
    const whole = Array.isArray(value) ? undefined : JSON.stringify(value, null, 2);
    // JSON.stringify leaves out keys whose value has no JSON form (undefined, functions).
    if (!Array.isArray(value) && whole === undefined) continue;
    yield `${first ? '' : ','}\n  ${JSON.stringify(key)}: `;
    first = false;
    if (whole !== undefined) {
      yield nest(whole, '  ');
      continue;
    }
    const items = value as unknown[];
    if (items.length === 0) {
      yield '[]';
      continue;
    }
    for (let i = 0; i < items.length; i++) {
      // An array element with no JSON form is written as null.
      yield `${i === 0 ? '[' : ','}\n    ${nest(JSON.stringify(items[i], null, 2) ?? 'null', '    ')}`;
    }
    yield '\n  ]';
  }
  yield first ? '}\n' : '\n}\n';
}

/** Writes the snapshot to `file` as writeFileAtomic does, streamed (snapshotChunks): the same bytes as serializeSnapshot. */
export function writeSnapshotFile(file: string, s: Snapshot): void {
  writePrivateFileChunks(file, snapshotChunks(s));
}

/**
 * Writes `text` to `file` so that readers see the old file or the whole new one, never a part: mode 0600 (a stricter
 * existing mode is kept), never through a symlink at `file` (../files.ts).
 */
export function writeFileAtomic(file: string, text: string): void {
  writePrivateFile(file, text);
}

export function readSnapshot(file: string): Snapshot {
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  if (!s || typeof s !== 'object' || typeof s.version !== 'number' || !Array.isArray(s.grants)) {
    throw new Error(`${file} is not a c1-aws snapshot`);
  }
  return s;
}
