#!/usr/bin/env node
/**
 * `npm run bench`: every figure BENCHMARKS.md promises, in one run, with the machine they came from.
 *   1. synth: the cdktf app's synth of both stacks (median) beside `npx cdktf synth`   (npm run bench:synth)
 *   2. sync: calls per API, wall time and peak RSS at 1k and 10k IAM users vs baton-aws (npm run bench:sync)
 *   3. validate: median wall time of the real CLI `c1-aws validate` on a role with provisioning on (npm run bench:validate)
 *   3b. members: sync of 100 member accounts x 100 IAM users through the member role (npm run bench:members)
 *   4. demo: wall time of `npm run demo` (moto, seed, cdktf deploy with the sync step, destroy)
 * Pass names to run a subset: `npm run bench -- synth demo`. Not a test: nothing here asserts on time.
 */
const { spawnSync } = require('node:child_process');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const STEPS = {
  synth: ['npm', ['run', '--silent', 'bench:synth']],
  sync: ['npm', ['run', '--silent', 'bench:sync']],
  validate: ['npm', ['run', '--silent', 'bench:validate']],
  members: ['npm', ['run', '--silent', 'bench:members']],
  demo: ['npm', ['run', '--silent', 'demo']],
};

const version = (cmd, args) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0].trim() : 'not found';
};

function main() {
  const wanted = process.argv.slice(2).filter((a) => a in STEPS);
  const steps = wanted.length ? wanted : Object.keys(STEPS);
  console.log('# c1-aws benchmarks');
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}`);
  console.log(`node ${process.version}, ${version('terraform', ['-version'])}, moto ${version('bash', ['-c', 'moto_server --version 2>/dev/null || python3 -c "import moto; print(moto.__version__)"'])}`);
  console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  let failed = 0;
  for (const name of steps) {
    const [cmd, args] = STEPS[name];
    console.log(`## ${name}`);
    const started = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
    const s = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`(${name}: ${s.toFixed(1)} s wall, exit ${r.status})\n`);
    if (r.status !== 0) failed++;
  }
  process.exitCode = failed ? 1 : 0;
}

main();
