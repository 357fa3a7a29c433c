/**
 * test/tools/ensure-python-tools.sh decides what the demo (`moto`) and `npm test` (`test`: moto now, the scanners in
 * the background) must install. Each case runs the real script in a copy of test/tools under a temp root (its .venv,
 * locks and logs stay there), with real Pythons; nothing is installed: the decisions are read through --dry-run, and
 * the real installs fail before pip starts.
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
  test('npm test installs the scanners (pretest `test`), the demo moto alone (`moto`)', () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.pretest).toBe('bash test/tools/ensure-python-tools.sh test');
    // The security tests that run a scanner wait for the pretest's background install through `scanners`.
    expect(readFileSync(path.join(REPO_ROOT, 'test', 'security', 'scanners.ts'), 'utf8')).toMatch(/spawnSync\('bash', \[ENSURE, 'scanners'\]/);
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

describe('the tests (`test`, `scanners`)', () => {
  const SCANNERS_VENV = () => path.join(work, '.venv', 'scanners');
  const stamp = () => createHash('sha256').update(readFileSync(path.join(work, 'test', 'tools', 'requirements-scanners.txt'))).digest('hex');

  test('moto as the demo takes it (a pinned moto_server on PATH is used), the scanners into a venv of their own', () => {
    const bin = pinnedMotoOnPath();
    expect(decide('test', { PATH: `${bin}:${SYSTEM_PATH}` }).split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^ok: .*/moto_server runs the pinned moto ${WANT_MOTO!.replace(/\./g, '\\.')}$`)),
      `install: ${SCANNER_PINS.join(' ')} into ${SCANNERS_VENV()} (not installed there at these pins yet)`,
    ]);
    // Without a moto outside the venv, moto goes into .venv first (the scanners never share its venv).
    expect(decide('test', { PATH: `${bin}:${SYSTEM_PATH}`, C1_USE_SYSTEM_MOTO: '0' }).split('\n')[0]).toBe(
      `install: ${MOTO_PIN[0]} into ${work}/.venv (no moto_server outside the venv: C1_USE_SYSTEM_MOTO=0)`,
    );
  });

  test('a scanners venv stamped for their file is left alone until a pin changes', () => {
    const venv = bareVenv(SCANNERS_VENV());
    executable(path.join(venv, 'bin', 'checkov'), '#!/bin/sh\nexit 1\n');
    writeFileSync(path.join(venv, '.python-tools.sha256'), `${stamp()}\n`);
    expect(decide('scanners', { PATH: SYSTEM_PATH })).toBe(`ok: ${SCANNERS_VENV()} holds ${SCANNER_PINS.join(' ')}`);
    const scanners = path.join(work, 'test', 'tools', 'requirements-scanners.txt');
    writeFileSync(scanners, readFileSync(scanners, 'utf8').replace(/^checkov==.*$/m, 'checkov==0.0.1'));
    expect(decide('scanners', { PATH: SYSTEM_PATH })).toMatch(/^install: checkov==0\.0\.1 .*\(not installed there at these pins yet\)$/);
  });

  test('the pretest returns while the scanners install in the background; `scanners` waits for it and fails naming its log, once per run', () => {
    const bin = pinnedMotoOnPath();
    // The scanners' `python3 -m venv` fails, the first time after 3 s: a slow install that ends in failure.
    const python = readFileSync(path.join(bin, 'python3'), 'utf8').split('\n')[1].replace(/^exec '([^']+)'.*$/, '$1');
    const slow = path.join(work, 'slow-once');
    executable(
      path.join(bin, 'python3'),
      `#!/bin/sh\nif [ "$1" = -m ] && [ "$2" = venv ]; then echo "venv refused by the test"; if [ ! -e '${slow}' ]; then : > '${slow}'; sleep 3; fi; exit 3; fi\nexec '${python}' "$@"\n`,
    );
    const env = { PATH: `${bin}:${SYSTEM_PATH}` };

    const pretest = script(['test'], env);
    expect([pretest.status, pretest.stdout, pretest.stderr]).toEqual([
      0,
      '',
      `python tools: installing ${SCANNER_PINS.join(' ')} into ${SCANNERS_VENV()} in the background; the tests that need them wait for it\n`,
    ]);
    // Still installing: its lock is held after the pretest returned.
    const lock = readdirSync(work).find((f) => f.endsWith('-scanners.lock'));
    expect(lock).toBeDefined();
    expect(spawnSync('flock', ['-n', path.join(work, lock!), 'true']).status).toBe(1);

    const waited = script(['scanners'], env);
    expect(waited.status).toBe(1);
    const lines = waited.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`python tools: the background install of ${SCANNER_PINS.join(' ')} into ${SCANNERS_VENV()} failed (exit 3); the last lines of its output:`);
    const log = /^python tools: the whole output is in (\S+)$/.exec(lines[lines.length - 1])?.[1];
    expect(log && path.dirname(log)).toBe(work);
    expect(readFileSync(log!, 'utf8')).toContain('venv refused by the test');
    expect(lines).toContain('  venv refused by the test');

    // Every test file that asks again gets the same answer at once, without a second attempt.
    const again = script(['scanners'], env);
    expect(again.status).toBe(1);
    expect(again.stderr.split('\n')[0]).toBe(lines[0]);
    // The next `npm test` tries again.
    const next = script(['test'], env);
    expect(next.stderr).toMatch(/in the background; the tests that need them wait for it\n$/);
    expect(script(['scanners'], env).stderr.split('\n')[0]).toBe(lines[0]);
  }, 60000);

  test('an unknown set is a usage error', () => {
    const r = script(['everything'], { PATH: SYSTEM_PATH });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("ensure-python-tools: unknown set 'everything' (moto, scanners, all or test)\n");
    expect(readdirSync(work)).toEqual(['test']);
  });
});
