/**
 * Output files are private and never written through a symlink: snapshots, validate reports and the step's report
 * all go through connector/src/files.ts. Real files in a temp directory, under umask 022 (the usual default).
 */
import { chmodSync, linkSync, lstatSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { appendPrivateFile, openPrivateAppend, writePrivateFile } from '../../../connector/src/files';
import { writeFileAtomic } from '../../../connector/src/sync/snapshot';

let dir: string;
let savedUmask: number;
beforeAll(() => {
  savedUmask = process.umask(0o022);
});
afterAll(() => process.umask(savedUmask));
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'c1-files-'));
});

const mode = (f: string) => statSync(f).mode & 0o777;

describe.each([
  ['writePrivateFile', writePrivateFile],
  ['the snapshot writer', writeFileAtomic],
])('%s', (_name, write) => {
  test('creates the file 0600 under umask 022, and leaves no temp file', () => {
    const f = path.join(dir, 'out.json');
    write(f, 'one');
    expect(readFileSync(f, 'utf8')).toBe('one');
    expect(mode(f)).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['out.json']);
  });

  test('a symlink at the target is replaced, its victim untouched', () => {
    const victim = path.join(dir, 'victim');
    writeFileSync(victim, 'precious', { mode: 0o644 });
    const f = path.join(dir, 'out.json');
    symlinkSync(victim, f);
    write(f, 'report');
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(mode(victim)).toBe(0o644);
    expect(lstatSync(f).isSymbolicLink()).toBe(false);
    expect(readFileSync(f, 'utf8')).toBe('report');
    expect(mode(f)).toBe(0o600);
  });

  test('a dangling symlink does not create its target', () => {
    const f = path.join(dir, 'out.json');
    const target = path.join(dir, 'created-through-link');
    symlinkSync(target, f);
    write(f, 'x');
    expect(readdirSync(dir).sort()).toEqual(['out.json']);
  });

  test.each([
    [0o644, 0o600],
    [0o666, 0o600],
    [0o600, 0o600],
    [0o400, 0o400],
    [0o200, 0o200],
  ])('an existing 0%o file ends 0%o (never looser than 0600, a stricter mode kept)', (before, after) => {
    const f = path.join(dir, 'out.json');
    writeFileSync(f, 'old');
    chmodSync(f, before);
    write(f, 'new');
    expect(mode(f)).toBe(after);
    expect(readFileSync(f, 'utf8')).toBe('new');
  });
});

describe('appending (the step report)', () => {
  test('creates 0600 under umask 022 and appends', () => {
    const f = path.join(dir, 'report.txt');
    appendPrivateFile(f, 'a\n');
    appendPrivateFile(f, 'b\n');
    expect(readFileSync(f, 'utf8')).toBe('a\nb\n');
    expect(mode(f)).toBe(0o600);
  });

  test('narrows a looser existing file to 0600, keeps a stricter one', () => {
    const f = path.join(dir, 'report.txt');
    writeFileSync(f, 'x');
    chmodSync(f, 0o664);
    appendPrivateFile(f, 'y');
    expect(mode(f)).toBe(0o600);
    chmodSync(f, 0o200);
    appendPrivateFile(f, 'z');
    expect(mode(f)).toBe(0o200);
    chmodSync(f, 0o600);
    expect(readFileSync(f, 'utf8')).toBe('xyz');
  });

  test('refuses a symlink (ELOOP), its victim untouched', () => {
    const victim = path.join(dir, 'victim');
    writeFileSync(victim, 'precious', { mode: 0o644 });
    const f = path.join(dir, 'report.txt');
    symlinkSync(victim, f);
    expect(() => appendPrivateFile(f, 'attack')).toThrow(expect.objectContaining({ code: 'ELOOP' }));
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(mode(victim)).toBe(0o644);
  });

  test('refuses a hard link to another file and a FIFO (without hanging)', () => {
    const victim = path.join(dir, 'victim');
    writeFileSync(victim, 'precious');
    const f = path.join(dir, 'report.txt');
    linkSync(victim, f);
    expect(() => openPrivateAppend(f)).toThrow(/hard links/);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(() => openPrivateAppend(fifo)).toThrow();
  });
});
