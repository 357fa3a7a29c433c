/**
 * The c1-aws CLI's `main` in this process, with exactly the argv and environment a child would get, its output
 * captured: for usage errors (exit 2 before any AWS call), where a child process adds only its start-up (~1 s). Each
 * file that uses it keeps child-process cases for exit codes 0, 1 and 2, which prove the way from `main`'s result to
 * the process's exit code (connector/bin/c1-aws.js).
 */
import { main } from '../../connector/src/cli';

export interface MainRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `c1-aws <args>` with `env` as the whole environment (undefined values dropped). */
export async function runMain(args: string[], env: NodeJS.ProcessEnv): Promise<MainRun> {
  const saved = process.env;
  process.env = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
  let stdout = '';
  let stderr = '';
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((c: unknown) => ((stdout += String(c)), true));
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((c: unknown) => ((stderr += String(c)), true));
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'c1-aws', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
    process.env = saved;
  }
}
