/**
 * c1-aws: commander wiring only. Each command lives in commands/<verb>.ts and exports `register(program)`.
 * Exit codes: 0 success, 1 a check or operation failed, 2 usage or configuration error.
 * Human output passes foreign text (names from AWS, error messages, file names) through text.ts's `visible`.
 */
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands';
import { UsageError } from './errors';
import { visible } from './text';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A commander error message (one line, ending in a newline) with everything foreign in it made visible. */
export function formatCommanderError(str: string): string {
  const body = visible(str.replace(/\n$/, '')).replace(/\\x0a(\(Did you mean [^()]*\?\))$/, '\n$1');
  return `${body}\n`;
}

export function buildProgram(): Command {
  const program = new Command('c1-aws')
    .description("Validate, sync and provision the IAM role that ConductorOne's AWS connector assumes.")
    .showHelpAfterError()
    // Commander quotes bad values (argv, BATON_* env) in its errors: escape them, newlines included. Its one
    // multi-line message, a trailing "(Did you mean ...?)", keeps its line. Set before the commands are added,
    // which inherit it.
    .configureOutput({ outputError: (str, write) => write(formatCommanderError(str)) })
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with exit code 0.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`c1-aws: ${visible(e.message)}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`c1-aws: ${visible((e as Error).message)}\n`);
    return EXIT.failed;
  }
}
