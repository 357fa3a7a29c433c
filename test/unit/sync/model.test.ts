/** Pure parts of sync: trust analysis, policy decoding, credential report, SCIM checks, engine rules, diff, atomic write. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseCredentialReport } from '../../../connector/src/sync/aws/iam';
import { parsePolicy } from '../../../connector/src/policy/document';
import { checkScimEndpoint, checkScimToken } from '../../../connector/src/sync/aws/scim';
import { diffSnapshots, formatDiff } from '../../../connector/src/sync/diff';
import { runSync, SyncError } from '../../../connector/src/sync/engine';
import { analyzeTrust } from '../../../connector/src/sync/resources/role';
import { serializeSnapshot, sortSnapshot, writeFileAtomic, writeSnapshotFile } from '../../../connector/src/sync/snapshot';
import type { Snapshot } from '../../../connector/src/sync/types';
import { mapLimit } from '../../../connector/src/sync/concurrency';

const U = 'arn:aws:iam::123456789012:user/u';
const R = 'arn:aws:iam::123456789012:role/r';
const SAML = 'arn:aws:iam::123456789012:saml-provider/idp';
const known = { users: new Set([U]), roles: new Set([R]), providers: new Set([SAML]) };

describe('trust analysis', () => {
  test('principals, wildcard actions, Deny applied, non-identities kept in the profile', () => {
    const t = analyzeTrust(
      {
        Statement: [
          { Effect: 'Allow', Principal: { AWS: [U, '111122223333', 'arn:aws:iam::444455556666:root', 'arn:aws:iam::444455556666:role/x'] }, Action: 'sts:Assume*' },
          { Effect: 'Allow', Principal: { AWS: R, Service: ['ec2.amazonaws.com'] }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'sts:ExternalId': 'secret' } } },
          { Effect: 'Allow', Principal: { Federated: [SAML, 'cognito-identity.amazonaws.com'] }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': 'x' } } },
          { Effect: 'Deny', Principal: { AWS: U }, Action: 'sts:AssumeRole' },
        ],
      },
      known,
    );
    // U is allowed by the first statement and denied by the fourth: no grant (the Deny wins, as in IAM).
    expect(t.grants).toEqual([
      { principal: { resourceType: 'role', resource: R }, conditions: [{ StringEquals: { 'sts:ExternalId': '<redacted>' } }] },
      { principal: { resourceType: 'identity_provider', resource: SAML }, conditions: [{ StringEquals: { 'SAML:aud': 'x' } }] },
    ]);
    expect(t.accounts).toEqual(['111122223333', '444455556666']);
    expect(t.services).toEqual(['ec2.amazonaws.com']);
    expect(t.external).toEqual(['arn:aws:iam::444455556666:role/x', 'cognito-identity.amazonaws.com']);
  });

  test('an unconditional Allow beats a conditional one; Principal "*" lets in a named principal whatever it is named for', () => {
    const t = analyzeTrust(
      {
        Statement: [
          { Effect: 'Allow', Principal: { AWS: R }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'secret' } } },
          { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' },
          { Effect: 'Allow', Principal: { AWS: U }, Action: 'sts:TagSession' },
        ],
      },
      known,
    );
    // U is named only for sts:TagSession, but "*" lets it assume the role too.
    expect(t.grants).toEqual([{ principal: { resourceType: 'role', resource: R } }, { principal: { resourceType: 'iam_user', resource: U } }]);
    expect(t.external).toEqual(['*']);
  });

  test('a Deny decided by who the principal is applies; one that depends on the request stays as a Not condition', () => {
    const t = analyzeTrust(
      {
        Statement: [
          { Effect: 'Allow', Principal: { AWS: [U, R] }, Action: 'sts:AssumeRole' },
          { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { ArnEquals: { 'aws:PrincipalArn': U } } },
          { Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' }, StringEquals: { 'aws:PrincipalType': 'AssumedRole' } } },
        ],
      },
      known,
    );
    expect(t.grants).toEqual([{ principal: { resourceType: 'role', resource: R }, conditions: [{ Not: [{ Bool: { 'aws:MultiFactorAuthPresent': 'false' } }] }] }]);
  });

  test('policy documents decode URL-encoded (AWS) and raw (moto GAAD)', () => {
    const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'a b+c' }, Action: 'sts:AssumeRole' }] };
    expect(parsePolicy(encodeURIComponent(JSON.stringify(doc)))).toEqual(doc);
    expect(parsePolicy(JSON.stringify(doc))).toEqual(doc);
  });
});

test('credential report: user names with commas, the root row skipped', () => {
  const csv = [
    'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed',
    '<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2024-01-01T00:00:00+00:00,N/A',
    'a,b,arn:aws:iam::123456789012:user/p/a,b,2020-01-01T00:00:00+00:00,true,2024-05-01T10:00:00+00:00,N/A',
    'plain,arn:aws:iam::123456789012:user/plain,2020-01-01T00:00:00+00:00,false,not_supported,N/A',
  ].join('\n');
  expect([...parseCredentialReport(csv)]).toEqual([
    ['arn:aws:iam::123456789012:user/p/a,b', '2024-05-01T10:00:00+00:00'],
    ['arn:aws:iam::123456789012:user/plain', 'not_supported'],
  ]);
});

test.each([
  ['https://scim.us-east-1.amazonaws.com/a1B2-c3/scim/v2', false, true],
  ['https://scim.eu-west-2.amazonaws.com/' + 'x'.repeat(64) + '/scim/v2', false, true],
  ['https://scim.eu-west-2.amazonaws.com/' + 'x'.repeat(65) + '/scim/v2', false, false],
  ['https://scim.us-east-1.amazonaws.com/a_b/scim/v2', false, false],
  ['https://scim.us-east-1.amazonaws.com/ab/scim/v2/', false, false],
  ['https://scim.us-east-1.amazonaws.com.evil.com/ab/scim/v2', false, false],
  ['http://scim.us-east-1.amazonaws.com/ab/scim/v2', false, false],
  ['http://127.0.0.1:8080/scim/v2', false, false],
  ['http://127.0.0.1:8080/scim/v2', true, true],
  ['http://localhost:8080/scim/v2', true, false],
])('SCIM endpoint %s (allow local: %s) valid: %s', (endpoint, allowLocal, ok) => {
  expect(checkScimEndpoint(endpoint, allowLocal) === null).toBe(ok);
});

test('SCIM token check never echoes the token', () => {
  expect(checkScimToken('short')).not.toContain('short');
  expect(checkScimToken('has space in the token value')).toMatch(/printable/);
  expect(checkScimToken('a'.repeat(40))).toBeNull();
});

describe('engine failure rules', () => {
  const denied = Object.assign(new Error('no'), { name: 'AccessDenied' });
  const phase = (name: string, required: boolean, err?: Error) => ({ name, required, needs: [`x:${name}`], leftOut: `${name} data`, run: async () => { if (err) throw err; } });
  const run = (phases: ReturnType<typeof phase>[]) =>
    runSync({ state: {}, phases, syncers: [], isDenied: (e) => (e as Error).name === 'AccessDenied', source: () => ({ accountId: '123456789012', partition: 'aws' }), syncedAt: '2026-01-01T00:00:00Z' });
  test('an optional source denied is a warning naming the permission and the data left out', async () => {
    const s = await run([phase('a', true), phase('b', false, denied)]);
    expect(s.warnings).toEqual([{ source: 'b', message: 'access denied: needs x:b; left out: b data' }]);
  });
  test('a required source denied, or an optional one failing otherwise, fails the sync', async () => {
    await expect(run([phase('a', true, denied)])).rejects.toBeInstanceOf(SyncError);
    await expect(run([phase('b', false, new Error('HTTP 500'))])).rejects.toThrow('b failed: HTTP 500');
  });
});

describe('snapshot form', () => {
  const grant = (p: string, e: string) => ({ id: `${e}:iam_user:${p}`, entitlement: e, principal: { resourceType: 'iam_user' as const, resource: p } });
  const snap = (grants: ReturnType<typeof grant>[]): Snapshot => ({ version: 1, syncedAt: 'x', source: { b: 1, a: { d: 1, c: 2 } }, resourceTypes: [], resources: [], entitlements: [], grants, warnings: [] });

  test('canonical form does not depend on input order (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.string(), fc.string()), { selector: ([a, b]) => `${b}:iam_user:${a}` }), (pairs) => {
        const grants = pairs.map(([p, e]) => grant(p, e));
        const a = serializeSnapshot(sortSnapshot(snap(grants)));
        const b = serializeSnapshot(sortSnapshot(snap([...grants].reverse())));
        return a === b;
      }),
    );
    expect(serializeSnapshot(sortSnapshot(snap([])))).toContain('"a": {\n      "c": 2,\n      "d": 1\n    },\n    "b": 1');
  });

  test('the streamed snapshot text is JSON.stringify(s, null, 2) byte for byte (property), in memory and on disk', () => {
    const json = fc.jsonValue();
    const item = fc.oneof(json, fc.dictionary(fc.string(), fc.oneof(json, fc.constant(undefined))), fc.constant(undefined));
    const dir = mkdtempSync(path.join(tmpdir(), 'c1-stream-'));
    fc.assert(
      fc.property(
        fc.record({ version: fc.integer(), syncedAt: fc.string(), source: fc.dictionary(fc.string(), json), resources: fc.array(item), grants: fc.array(item), warnings: fc.array(item), absent: fc.constant(undefined) }, { requiredKeys: ['version', 'resources'] }),
        (s) => {
          const expected = `${JSON.stringify(s, null, 2)}\n`;
          const file = path.join(dir, 'snap.json');
          writeSnapshotFile(file, s as unknown as Snapshot);
          return serializeSnapshot(s as unknown as Snapshot) === expected && readFileSync(file, 'utf8') === expected;
        },
      ),
    );
    // Pieces are batched into ~1 MB writes: a snapshot larger than one batch, with text outside Latin-1.
    const big = { ...snap([]), resources: Array.from({ length: 20000 }, (_, i) => ({ id: { resourceType: 'iam_user', resource: `u${i}` }, displayName: `Ünïcödé 用户 ${i} 🙂`, profile: { n: i, s: 'x'.repeat(50) } })) } as unknown as Snapshot;
    writeSnapshotFile(path.join(dir, 'big.json'), big);
    expect(readFileSync(path.join(dir, 'big.json'), 'utf8')).toBe(`${JSON.stringify(big, null, 2)}\n`);
  });

  test('diff: added, removed, changed conditions', () => {
    const before = snap([grant('u1', 'e1'), grant('u2', 'e1')]);
    const after = snap([{ ...grant('u2', 'e1'), conditions: [{ Bool: { x: 'true' } }] } as never, grant('u3', 'e2')]);
    const d = diffSnapshots(before, after);
    expect([d.added.map((c) => c.principal), d.removed.map((c) => c.principal), d.changed.map((c) => c.principal)]).toEqual([['iam_user:u3'], ['iam_user:u1'], ['iam_user:u2']]);
    expect(formatDiff(d)).toContain('1 added, 1 removed, 1 changed');
    // A grant that holds only under conditions says so: "+ Role" alone would overstate it.
    expect(formatDiff(d)).toMatch(/~ .* \(only under conditions\)/);
    expect(formatDiff(d)).not.toMatch(/\+ .* \(only under conditions\)/);
  });

  test('an atomic write that fails leaves the target and no temp file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'c1-atomic-'));
    const file = path.join(dir, 'snap.json');
    writeFileAtomic(file, 'one');
    writeFileAtomic(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
    const blocked = path.join(dir, 'is-a-dir');
    mkdirSync(path.join(blocked, 'child'), { recursive: true });
    expect(() => writeFileAtomic(blocked, 'three')).toThrow();
    expect(readdirSync(dir).sort()).toEqual(['is-a-dir', 'snap.json']);
    writeFileSync(file, 'kept');
    expect(readFileSync(file, 'utf8')).toBe('kept');
  });
});

test('mapLimit keeps order and never exceeds the limit', async () => {
  let inFlight = 0;
  let peak = 0;
  const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
    peak = Math.max(peak, ++inFlight);
    await new Promise((r) => setTimeout(r, n));
    inFlight--;
    return n * 10;
  });
  expect(out).toEqual([50, 10, 40, 20, 30]);
  expect(peak).toBe(2);
});
