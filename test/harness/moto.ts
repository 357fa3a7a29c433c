/**
 * A real moto server for tests: started on 127.0.0.1 with a free port, reset between tests, stopped after the file.
 * Uses $MOTO_SERVER, else the moto_server of the project venv (.venv), else the one on PATH: the order
 * test/tools/ensure-python-tools.sh checks the pinned version in (`moto` for the demo, `test` for `npm test`).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Dummy credentials moto accepts; never real ones. Region fixed so ARNs are predictable. */
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
export const MOTO_REGION = 'us-east-1';
/** moto's default account when the caller's key is not one moto issued. */
export const MOTO_DEFAULT_ACCOUNT = '123456789012';

export interface Moto {
  endpoint: string;
  port: number;
  /** Environment for child processes (SDK v3 and the Terraform provider read the same variables). */
  env: NodeJS.ProcessEnv;
  reset(): Promise<void>;
  /** Turns IAM authorization on (0 = from the next request) or off (Infinity). */
  setAuth(afterRequests: number): Promise<void>;
  stop(): Promise<void>;
}

export function motoServerBinary(): string {
  const venv = path.join(REPO_ROOT, '.venv', 'bin', 'moto_server');
  if (process.env.MOTO_SERVER) return process.env.MOTO_SERVER;
  if (existsSync(venv)) return venv;
  return 'moto_server';
}

export async function startMoto(opts: { loadManagedPolicies?: boolean } = {}): Promise<Moto> {
  const env: NodeJS.ProcessEnv = { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: opts.loadManagedPolicies ? 'true' : 'false' };
  // A pinned account (even an empty one) would break multi-account tests (offline-testing.md 1.1).
  delete env.MOTO_ACCOUNT_ID;
  const child: ChildProcess = spawn(motoServerBinary(), ['-H', '127.0.0.1', '-p', '0'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`moto_server did not start in 30 s:\n${seen}`)), 30000);
    const onData = (b: Buffer) => {
      seen += b.toString();
      const m = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start moto_server (${e.message}); run bash test/tools/ensure-python-tools.sh moto`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`moto_server exited with ${code}:\n${seen}`));
    });
  });
  // Keep draining the pipes so a chatty server never blocks on a full buffer.
  child.stdout!.resume();
  child.stderr!.resume();
  const endpoint = `http://127.0.0.1:${port}`;
  const post = async (p: string, body: string) => {
    const res = await fetch(`${endpoint}${p}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    if (!res.ok) throw new Error(`moto ${p} answered ${res.status}`);
  };
  return {
    endpoint,
    port,
    env: motoEnv(endpoint),
    reset: () => post('/moto-api/reset', ''),
    setAuth: (n) => post('/moto-api/reset-auth', Number.isFinite(n) ? String(n) : 'inf'),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** The environment that points SDK v3 clients, the Terraform AWS provider and the c1-aws CLI at moto. */
export function motoEnv(endpoint: string): NodeJS.ProcessEnv {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: '',
    AWS_REGION: MOTO_REGION,
    AWS_DEFAULT_REGION: MOTO_REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PROFILE: '',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    // Unimplemented moto calls answer 500: fail fast instead of retrying for minutes (offline-testing.md 1.6).
    AWS_MAX_ATTEMPTS: '1',
  };
}

/**
 * A moto for one test file: started before its tests (AWS_ENDPOINT_URL pointed at it for clients made in-process),
 * reset before each test unless `resetBeforeEach` is false, stopped after. Use the returned object inside tests and
 * hooks only: the server exists from beforeAll on.
 */
export function useMoto(opts: { resetBeforeEach?: boolean } = {}): Moto {
  let started: Moto | undefined;
  const current = (): Moto => {
    if (!started) throw new Error('moto is not started yet: use it inside tests or hooks');
    return started;
  };
  beforeAll(async () => {
    started = await startMoto();
    Object.assign(process.env, { AWS_ENDPOINT_URL: started.endpoint, AWS_EC2_METADATA_DISABLED: 'true' });
  });
  afterAll(() => started?.stop());
  if (opts.resetBeforeEach !== false) beforeEach(() => current().reset());
  return {
    get endpoint() {
      return current().endpoint;
    },
    get port() {
      return current().port;
    },
    get env() {
      return current().env;
    },
    reset: () => current().reset(),
    setAuth: (n) => current().setAuth(n),
    stop: () => current().stop(),
  };
}
