// The order `npm test` runs its files in, on two workers. Longest first keeps both workers busy to the end, but on a
// fresh clone jest knows no durations and orders by file size, which put small files that run Terraform for two
// minutes (readme-hcl, examples-apply) last, alone on one worker. So: files that failed last time first (jest's own
// rule), then the e2e files (Terraform, cdktf), then the security files that run the scanners (the pretest installs
// those in the background: by then it is done), then the rest; within a group, the last run's duration when jest
// has one, else file size.
const fs = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const TEST_ROOT = path.resolve(__dirname, '..');

/** 0 = e2e, 1 = runs a scanner, 2 = the rest. */
function group(file) {
  const rel = path.relative(TEST_ROOT, file).split(path.sep);
  if (rel[0] === 'e2e') return 0;
  if (rel[0] === 'security' && /from '\.\/scanners'/.test(fs.readFileSync(file, 'utf8'))) return 1;
  return 2;
}

class SuiteSequencer extends Sequencer {
  sort(tests) {
    const size = new Map();
    const sizeOf = (t) => (size.has(t.path) ? size.get(t.path) : size.set(t.path, t.context.hasteFS.getSize(t.path) ?? 0).get(t.path));
    const groups = new Map(tests.map((t) => [t.path, group(t.path)]));
    for (const t of tests) t.duration = this.time(t);
    return [...tests].sort((a, b) => {
      const failed = Number(this.hasFailed(b)) - Number(this.hasFailed(a));
      if (failed) return failed;
      const byGroup = groups.get(a.path) - groups.get(b.path);
      if (byGroup) return byGroup;
      if ((a.duration != null) !== (b.duration != null)) return a.duration != null ? 1 : -1;
      if (a.duration != null) return b.duration - a.duration;
      return sizeOf(b) - sizeOf(a);
    });
  }
}

module.exports = SuiteSequencer;
