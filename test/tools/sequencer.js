// The order `npm test` runs its files in. Longest first keeps the workers busy to the end, but on a fresh clone jest
// knows no durations and orders by file size, which put small files that run Terraform for two minutes (readme-hcl,
// examples-apply) last, alone on one worker. So: files that failed last time first (jest's own rule), then
//   0. the e2e files (Terraform, cdktf);
//   1. the security files that read the targets' plans but run no scanner (trust-policy): the first to ask builds
//      the plans of every target (cdktf synth, Terraform plans; shared through plan-cache.ts), so it is done early;
//   2. the rest but the unit files;
//   3. the files that run the scanners (checkov, parliament, cloudsplaining). The pretest installs those in the
//      background, and beside three busy workers that install (~100 s of CPU) got a quarter of the CPU: on a fresh
//      clone, checkov placed right after the e2e files waited ~50 s for pip, a worker idle; placed last, it ran
//      alone for its last 20 s;
//   4. the unit files (no child processes, ~30 s in all): they keep the other workers busy beside the scanners.
// Within a group, the last run's duration when jest has one, else file size.
const fs = require('node:fs');
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

const TEST_ROOT = path.resolve(__dirname, '..');

/** The group of a file (see above). */
function group(file) {
  const rel = path.relative(TEST_ROOT, file).split(path.sep);
  if (rel[0] === 'e2e') return 0;
  if (rel[0] === 'unit') return 4;
  if (rel[0] !== 'security') return 2;
  const text = fs.readFileSync(file, 'utf8');
  if (/from '\.\/scanners'/.test(text)) return 3;
  return /\bplans\(\)/.test(text) ? 1 : 2;
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
