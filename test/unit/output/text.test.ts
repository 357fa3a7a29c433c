/**
 * Human output escapes control, format and bidi characters: a name from AWS cannot fake a line of our output, move
 * the cursor, hide what follows or reorder it. Each printer gets hostile names; JSON forms keep them exact.
 */
import { formatCommanderError } from '../../../connector/src/cli';
import { formatProvisionResult } from '../../../connector/src/commands/grant';
import { formatSummary } from '../../../connector/src/commands/sync';
import type { SyncResult } from '../../../connector/src/sync';
import { diffSnapshots, formatDiff } from '../../../connector/src/sync/diff';
import type { Snapshot } from '../../../connector/src/sync/types';
import { hasUnsafeCharacters, visible } from '../../../connector/src/text';
import { formatReport } from '../../../connector/src/validate/report';

/** Every character class visible() must escape, one of each, plus the ends of each range. */
const UNSAFE = [
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)),
  '\u007f',
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(0x80 + i)),
  '\u200b', '\u200e', '\u200f', '\u2028', '\u2029', '\u202a', '\u202e', '\u2066', '\u2069', '\u2060', '\ufeff',
];
/** What a terminal would act on: anything outside printable text and the line breaks the printer itself makes. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;
/** A forged summary or result line, as a hostile name would smuggle it in. */
const FORGED = 'All checks passed.';
const HOSTILE = [
  `evil\n${FORGED}`,
  `evil\r${FORGED}`,
  'hide\x1b[8mthe rest',
  'clear\x1b[2J\x1b[H',
  'osc\x1b]0;title\x07',
  'csi\x9b31m',
  'bidi\u202eesrever',
  'iso\u2066late\u2069',
  'zero\u200bwidth',
  `sep\u2028${FORGED}`,
  'del\x7f',
  'nul\x00byte',
];

describe('visible()', () => {
  test.each(UNSAFE.map((c) => [`U+${c.charCodeAt(0).toString(16).padStart(4, '0')}`, c]))('escapes %s', (_label, c) => {
    const out = visible(`a${c}b`);
    expect(out).not.toContain(c);
    expect(out).toMatch(/^a\\(x[0-9a-f]{2}|u[0-9a-f]{4})b$/);
    expect(hasUnsafeCharacters(`a${c}b`)).toBe(true);
  });
  test('leaves printable text alone, Unicode letters and emoji included', () => {
    for (const s of ['arn:aws:iam::123456789012:group/x+=,.@-/g', 'Zoë Ñandú 日本語 🙂', 'back\\slash', '']) {
      expect(visible(s)).toBe(s);
      expect(hasUnsafeCharacters(s)).toBe(false);
    }
  });
  test('names the character: \\x1b, \\u202e', () => {
    expect(visible('\x1b[31m\u202e')).toBe('\\x1b[31m\\u202e');
  });
});

/** No raw control character anywhere, and the forged text never starts a line. */
function expectSafe(out: string) {
  expect(out).not.toMatch(RAW_CONTROL);
  for (const line of out.split('\n')) expect(line.startsWith(FORGED)).toBe(false);
}

describe('every human printer', () => {
  test.each(HOSTILE.map((h) => [JSON.stringify(h), h]))('diff with a principal and entitlement named %s', (_label, h) => {
    const base: Snapshot = { version: 1, syncedAt: 'x', source: {}, resourceTypes: [], resources: [], entitlements: [], grants: [], warnings: [] };
    const principal = { resourceType: 'sso_user' as const, resource: `id-${h}` };
    const after: Snapshot = {
      ...base,
      resources: [{ id: principal, displayName: h, profile: {} }],
      entitlements: [{ id: `sso_group:${h}:member`, resource: { resourceType: 'sso_group', resource: h }, slug: 'member', displayName: `${h} member`, grantableTo: ['sso_user'] }],
      grants: [{ id: `g-${h}`, entitlement: `sso_group:${h}:member`, principal }],
    };
    const d = diffSnapshots(base, after);
    const out = formatDiff(d);
    expectSafe(out);
    expect(out.trimEnd().split('\n').pop()).toBe('1 added, 0 removed, 0 changed');
    // JSON stays exact: the name round-trips.
    expect((JSON.parse(JSON.stringify(d)) as typeof d).added[0].principalName).toBe(h);
  });

  test.each(HOSTILE.map((h) => [JSON.stringify(h), h]))("validate's table with a check message and role ARN holding %s", (_label, h) => {
    const out = formatReport({ version: 1, roleArn: `arn:${h}`, ok: false, checks: [{ id: 'trust-policy', title: 'Trust policy', status: 'fail', message: `statement "${h}" lets in ${h}` }] });
    expectSafe(out);
    expect(out.trimEnd().split('\n').pop()).toBe('1 check(s) failed.');
  });

  test.each(HOSTILE.map((h) => [JSON.stringify(h), h]))("sync's summary with a caller, output path and warning holding %s", (_label, h) => {
    const r = {
      snapshot: { version: 1, syncedAt: 'x', source: { callerArn: `arn:${h}` }, resourceTypes: [], resources: [], entitlements: [], grants: [], warnings: [{ source: h, message: `group ${h} unreadable` }] },
      stats: { durationMs: 1, calls: { [h]: 1 }, totalCalls: 1, counts: { [h]: 1 }, grants: 0 },
    } as unknown as SyncResult;
    const out = formatSummary(r, `/tmp/${h}`, true);
    expectSafe(out);
    expect(out.split('\n').filter((l) => l.startsWith('warnings: '))).toEqual(['warnings: 1']);
  });

  test.each(HOSTILE.map((h) => [JSON.stringify(h), h]))('grant/revoke result and warnings holding %s', (_label, h) => {
    const r = { message: `granted: ${h}`, warnings: [`two memberships of ${h}`], changes: [{ call: 'identitystore:CreateGroupMembership', input: { GroupId: h }, requestId: h }] };
    for (const dryRun of [true, false]) {
      const { stdout, stderr } = formatProvisionResult(r as never, dryRun);
      expectSafe(stdout);
      expectSafe(stderr);
      expect(stdout.split('\n').filter(Boolean)).toHaveLength(2);
      expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
    }
  });
});

test("commander's errors quote bad values escaped, newlines included; its own suggestion line stays", () => {
  const out = formatCommanderError(`error: option '--concurrency <n>' argument '1\x1b[2J\n${FORGED}' is invalid.\n`);
  expect(out).toBe(`error: option '--concurrency <n>' argument '1\\x1b[2J\\x0a${FORGED}' is invalid.\n`);
  expect(formatCommanderError("error: unknown command 'synk'\n(Did you mean sync?)\n")).toBe("error: unknown command 'synk'\n(Did you mean sync?)\n");
});

test('invisible characters found by review are escaped too: Arabic letter mark, Mongolian vowel separator, soft hyphen, Hangul fillers, private use', () => {
  for (const ch of ['\u061c', '\u180e', '\u00ad', '\u3164', '\uffa0', '\u115f', '\ue000', '\u{e0041}', '\u034f', '\ufe0f', '\u{e0100}', '\u17b4', '\u180b', '\u2800']) {
    const out = visible(`a${ch}b`);
    expect(hasUnsafeCharacters(out)).toBe(false);
    expect(out).toMatch(/^a\\(x|u)/);
  }
  // Letters of any script stay as they are.
  expect(visible('Zoë 李 Ωmega')).toBe('Zoë 李 Ωmega');
});
