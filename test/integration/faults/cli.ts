/**
 * Runs the c1-aws CLI with the environment of a fault proxy or moto: its `main` in this process (test/harness/cli-main.ts,
 * the same argv and environment), or as a child process (as a user does) for the cases about the process: its exit
 * code and signals.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { runMain } from '../../harness/cli-main';
import { REPO_ROOT } from '../../harness/moto';

export const BIN = path.join(REPO_ROOT, 'connector', 'bin', 'c1-aws.js');

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Retry settings for runs under faults: adaptive, and the connector's default 5 attempts (the proxy spares the last
 * one, so every call gets through). Not more: moto 5.2.1 answers unimplemented calls (identitystore
 * GetGroupMembershipId) with 500, which the SDK retries up to maxAttempts with backoff before the caller's fallback.
 * The same strategy with its waits (backoff, adaptive rate limiter) at 1/100 (C1_AWS_RETRY_DELAY_SCALE,
 * connector/src/aws/retry.ts): every retry still happens, without seconds of real waiting between them.
 */
export const FAULT_RETRY_ENV = { AWS_RETRY_MODE: 'adaptive', AWS_MAX_ATTEMPTS: '5', C1_AWS_RETRY_DELAY_SCALE: '0.01' };

/** The run's whole environment: BATON_* and AWS_* settings of the developer's shell must not leak into it. */
const runEnv = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BATON_') && !k.startsWith('AWS_'))),
  ...env,
});

export function startC1(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: runEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<Run>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

/** `c1-aws <args>`: in process, or with `child` as `node connector/bin/c1-aws.js`. */
export const c1 = async (args: string[], env: NodeJS.ProcessEnv, { child = false } = {}): Promise<Run> =>
  child ? startC1(args, env).done : { ...(await runMain(args, runEnv(env))), signal: null };
