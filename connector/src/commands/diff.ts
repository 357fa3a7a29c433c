/** `c1-aws diff old.json new.json`: grants added, removed and changed, by principal and entitlement. */
import { Command, Option } from 'commander';
import { UsageError } from '../errors';
import { ours } from './options';
import { readSnapshot } from '../sync';
import { diffSnapshots, formatDiff } from '../sync/diff';

export function register(program: Command): void {
  program
    .command('diff')
    .description('Compare two sync snapshots: grants added, removed and changed, by principal and entitlement.')
    .argument('<old>', 'the earlier snapshot')
    .argument('<new>', 'the later snapshot')
    // A plain switch, not [bool]: an optional value would swallow the <old> snapshot after it.
    .addOption(ours(new Option('--json', 'print the changes as JSON')))
    .action((oldFile: string, newFile: string, raw: { json?: boolean }) => {
      const load = (f: string) => {
        try {
          return readSnapshot(f);
        } catch (e) {
          throw new UsageError(`cannot read snapshot ${f}: ${(e as Error).message}`);
        }
      };
      const d = diffSnapshots(load(oldFile), load(newFile));
      process.stdout.write(raw.json ? `${JSON.stringify(d, null, 2)}\n` : formatDiff(d));
      process.exitCode = 0;
    });
}
