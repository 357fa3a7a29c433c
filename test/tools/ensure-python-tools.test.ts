/**
 * test/tools/ensure-python-tools.sh decides what the demo (`moto`) and `npm test` (`all`) must install. Each case runs
 * the real script in a copy of test/tools under a temp root (its .venv, lock and log stay there), with real Pythons;
 * nothing is installed: the decisions are read through --dry-run, and the one real install fails before pip starts.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { motoServerBinary, REPO_ROOT } from '../harness/moto';

const TOOLS = path.join(REPO_ROOT, 'test', 'tools');
const MOTO_REQ = path.join(TOOLS, 'requirements-moto.txt');
const SCANNER_REQ = path.join(TOOLS, 'requirements-scanners.txt');
const pinsOf = (file: string) => readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
const MOTO_PIN = pinsOf(MOTO_REQ);
const SCANNER_PINS = pinsOf(SCANNER_REQ);
const WANT_MOTO = /^moto\[server\]==(.+)$/.exec(MOTO_PIN[0] ?? '')?.[1];
// The tools the script itself needs (bash, sed, sha256sum, flock...), without any moto_server that may sit beside them.
const SYSTEM_PATH = '/usr/bin:/bin';

/** The absolute path of a command as `command -v` finds it on this process's PATH. */
function which(cmd: string): string {
  const r = spawnSync('bash', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} is not on PATH`);
  return r.stdout.trim();
}

let work: string;
beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'c1-python-tools-test-'));
  mkdirSync(path.join(work, 'test', 'tools'), { recursive: true });
  for (const f of ['ensure-python-tools.sh', 'requirements-moto.txt', 'requirements-scanners.txt']) copyFileSync(path.join(TOOLS, f), path.join(work, 'test', 'tools', f));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function script(args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync('bash', [path.join(work, 'test', 'tools', 'ensure-python-tools.sh'), ...args], {
    encoding: 'utf8',
    env: { HOME: os.homedir(), TMPDIR: work, ...env },
    timeout: 60000,
  });
  if (r.error) throw r.error;
  return r;
}
const decide = (set: string, env: NodeJS.ProcessEnv) => {
  const r = script(['--dry-run', set], env);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.trim();
};

/** A bin directory whose moto_server and python3 run the pinned moto the test suite itself runs (found as the harness finds it). */
function pinnedMotoOnPath(): string {
  const server = path.isAbsolute(motoServerBinary()) ? motoServerBinary() : which(motoServerBinary());
  const beside = ['python3', 'python'].map((p) => path.join(path.dirname(server), p)).find((p) => existsSync(p));
  const bin = path.join(work, 'bin');
  mkdirSync(bin);
  executable(path.join(bin, 'moto_server'), `#!/bin/sh\nexec '${server}' "$@"\n`);
  executable(path.join(bin, 'python3'), `#!/bin/sh\nexec '${beside ?? which('python3')}' "$@"\n`);
  return bin;
}

function executable(file: string, text: string): void {
  writeFileSync(file, text);
  chmodSync(file, 0o755);
}

/** A real venv with no packages (not even pip: nothing is installed); its directory. */
function bareVenv(dir: string): string {
  const r = spawnSync(which('python3'), ['-m', 'venv', '--without-pip', dir], { encoding: 'utf8' });
  expect([r.status, r.stderr]).toEqual([0, '']);
  return dir;
}

describe('the pins', () => {
  test('moto is pinned once, in requirements-moto.txt, alone; the scanners in requirements-scanners.txt', () => {
    expect(MOTO_PIN).toEqual([expect.stringMatching(/^moto\[server\]==\d+\.\d+\.\d+$/)]);
    expect(SCANNER_PINS.map((p) => p.split('==')[0]).sort()).toEqual(['checkov', 'cloudsplaining', 'parliament']);
    expect(SCANNER_PINS.every((p) => /^[\w-]+==\d[\w.]*$/.test(p))).toBe(true);
  });
  test('npm test installs the scanners (pretest `all`), the demo moto alone (`moto`)', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.pretest).toBe('bash test/tools/ensure-python-tools.sh all');
    const demo = readFileSync(path.join(REPO_ROOT, 'test', 'demo', 'demo.ts'), 'utf8');
    expect(demo).toMatch(/'ensure-python-tools\.sh'\), 'moto'\]/);
  });
});

describe('the demo (`moto`)', () => {
  test('a moto_server of the pinned version on PATH: nothing to do, no venv made, nothing printed', () => {
    const bin = pinnedMotoOnPath();
    expect(decide('moto', { PATH: `${bin}:${SYSTEM_PATH}` })).toBe(`ok: ${bin}/moto_server runs the pinned moto ${WANT_MOTO}`);
    const r = script(['moto'], { PATH: `${bin}:${SYSTEM_PATH}` });
    expect([r.status, r.stdout, r.stderr]).toEqual([0, '', '']);
    expect(existsSync(path.join(work, '.venv'))).toBe(false);
  });

  test('no moto_server to use: moto alone into .venv, no scanner', () => {
    const bin = pinnedMotoOnPath();
    const line = decide('moto', { PATH: `${bin}:${SYSTEM_PATH}`, C1_USE_SYSTEM_MOTO: '0' });
    expect(line).toBe(`install: ${MOTO_PIN[0]} into ${work}/.venv (no moto_server outside the venv: C1_USE_SYSTEM_MOTO=0)`);
    for (const pin of SCANNER_PINS) expect(line).not.toContain(pin.split('==')[0]);
  });

  test('a moto_server on PATH whose Python has no moto: moto into .venv, naming what it found', () => {
    const bare = bareVenv(path.join(work, 'bare'));
    const bin = path.join(work, 'bin');
    mkdirSync(bin);
    executable(path.join(bin, 'moto_server'), '#!/bin/sh\nexit 1\n');
    executable(path.join(bin, 'python3'), `#!/bin/sh\nexec '${bare}/bin/python3' "$@"\n`);
    expect(decide('moto', { PATH: `${bin}:${SYSTEM_PATH}` })).toBe(
      `install: ${MOTO_PIN[0]} into ${work}/.venv (${bin}/moto_server runs moto of unknown version, pinned ${WANT_MOTO})`,
    );
  });

  test('a venv moto_server counts before one on PATH (the harness runs it first): not the pin, so moto into .venv', () => {
    executable(path.join(bareVenv(path.join(work, '.venv')), 'bin', 'moto_server'), '#!/bin/sh\nexit 1\n');
    expect(decide('moto', { PATH: `${pinnedMotoOnPath()}:${SYSTEM_PATH}` })).toBe(
      `install: ${MOTO_PIN[0]} into ${work}/.venv (${work}/.venv/bin/moto_server runs moto of unknown version, pinned ${WANT_MOTO})`,
    );
  });

  test('an explicit MOTO_SERVER is the one the harness runs: nothing to install, its version named', () => {
    const bin = pinnedMotoOnPath();
    expect(decide('moto', { PATH: SYSTEM_PATH, MOTO_SERVER: `${bin}/moto_server`, C1_USE_SYSTEM_MOTO: '0' })).toBe(
      `ok: MOTO_SERVER=${bin}/moto_server (moto ${WANT_MOTO}, pinned ${WANT_MOTO})`,
    );
  });

  test('an install that fails: one progress line, then the failure and the log it names (the log holds the whole output)', () => {
    writeFileSync(path.join(work, '.venv'), 'not a directory'); // python3 -m venv fails before pip would start
    const r = script(['moto'], { PATH: `${pinnedMotoOnPath()}:${SYSTEM_PATH}`, C1_USE_SYSTEM_MOTO: '0' });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^python tools: installing ${MOTO_PIN[0].replace(/[[\].]/g, '\\$&')} into ${work}/\\.venv \\.\\.\\. failed \\(exit \\d+\\) after \\d+ s; the last lines of its output:$`));
    const log = /^python tools: the whole output is in (\S+)$/.exec(lines[lines.length - 1])?.[1];
    expect(log && path.dirname(log)).toBe(work);
    expect(readFileSync(log!, 'utf8')).toMatch(/\.venv/);
    expect(lines.slice(1, -1).every((l) => l.startsWith('  '))).toBe(true);
  });
});

describe('the tests (`all`)', () => {
  const stamp = () => createHash('sha256').update(readFileSync(path.join(work, 'test', 'tools', 'requirements-moto.txt'))).update(readFileSync(path.join(work, 'test', 'tools', 'requirements-scanners.txt'))).digest('hex');

  test('moto and the scanners into .venv, in one install, even with a pinned moto on PATH', () => {
    expect(decide('all', { PATH: `${pinnedMotoOnPath()}:${SYSTEM_PATH}` })).toBe(
      `install: ${[...MOTO_PIN, ...SCANNER_PINS].join(' ')} into ${work}/.venv (not installed there at these pins yet)`,
    );
  });

  test('a venv stamped for both files is left alone until a pin changes', () => {
    const venv = bareVenv(path.join(work, '.venv'));
    executable(path.join(venv, 'bin', 'moto_server'), '#!/bin/sh\nexit 1\n');
    executable(path.join(venv, 'bin', 'checkov'), '#!/bin/sh\nexit 1\n');
    writeFileSync(path.join(venv, '.python-tools.sha256'), `${stamp()}\n`);
    expect(decide('all', { PATH: SYSTEM_PATH })).toBe(`ok: ${work}/.venv holds ${[...MOTO_PIN, ...SCANNER_PINS].join(' ')}`);
    const scanners = path.join(work, 'test', 'tools', 'requirements-scanners.txt');
    writeFileSync(scanners, readFileSync(scanners, 'utf8').replace(/^checkov==.*$/m, 'checkov==0.0.1'));
    expect(decide('all', { PATH: SYSTEM_PATH })).toMatch(/^install: .*checkov==0\.0\.1 .*\(not installed there at these pins yet\)$/);
  });

  test('an unknown set is a usage error', () => {
    const r = script(['scanners'], { PATH: SYSTEM_PATH });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("ensure-python-tools: unknown set 'scanners' (moto or all)\n");
    expect(readdirSync(work)).toEqual(['test']);
  });
});
