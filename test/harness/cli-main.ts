/**
 * The c1-aws CLI's `main` in this process, with exactly the argv and environment a child would get, its output
 * captured: where the process boundary is not what a test is about, a child process adds only its start-up (~1 s). Each
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
  // A child's stdout and stderr are pipes: no TTY and no width, whatever jest's own streams are (a developer's
  // terminal when jest runs one file in band), so sync's progress and commander's help come out as in a child.
  const restoreStreams = [process.stdout, process.stderr].map(asPipe);
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'c1-aws', ...args]);
    return { code, stdout, stderr };
  } finally {
    restoreStreams.forEach((restore) => restore());
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
    process.env = saved;
  }
}

/** `stream` as a pipe looks (isTTY and columns undefined) until the returned function puts back what it had. */
function asPipe(stream: NodeJS.WriteStream): () => void {
  const saved = (['isTTY', 'columns'] as const).map((key) => [key, Object.getOwnPropertyDescriptor(stream, key)] as const);
  for (const [key] of saved) Object.defineProperty(stream, key, { value: undefined, configurable: true, writable: true });
  return () => {
    for (const [key, descriptor] of saved) {
      if (descriptor) Object.defineProperty(stream, key, descriptor);
      else delete (stream as unknown as Record<string, unknown>)[key];
    }
  };
}
