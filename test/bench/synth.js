#!/usr/bin/env node
/**
 * `npm run bench:synth`: wall time of the CDKTF app's synth of both stacks, the command cdktf.json runs, with the
 * environment the CLI gives it (CDKTF_OUTDIR, CDKTF_CONTEXT_JSON...), median over N runs; beside a few full
 * `npx cdktf synth` runs (CLI start-up included) and the alternative runners, so the choice in cdktf.json stays
 * measured. Prints a table; exports run() for a top-level bench. No assertions: figures depend on the machine.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const APP = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8')).app;

function time(cmd, env) {
  const start = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', cmd], { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The environment cdktf-cli 0.21 gives the app (read from its bundled synth handler). */
function appEnv(outdir) {
  return {
    CDKTF_OUTDIR: outdir,
    CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true',
    CDKTF_CONTEXT_JSON: JSON.stringify({ cdktfRelativeModules: [] }),
    SYNTH_HCL_OUTPUT: 'false',
    NODE_OPTIONS: `${process.env.NODE_OPTIONS || ''} --max-old-space-size=4096`.trim(),
    CHECKPOINT_DISABLE: '1',
  };
}

function run({ runs = Number(process.env.BENCH_RUNS || 10), cliRuns = Number(process.env.BENCH_CLI_RUNS || 3) } = {}) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'c1-bench-synth-'));
  const rows = [];
  const measure = (label, cmd, n, env) => {
    time(cmd, env); // warm the file cache and tsx's transform cache
    const xs = Array.from({ length: n }, () => time(cmd, env));
    rows.push({ command: label, runs: n, median_ms: Math.round(median(xs)), min_ms: Math.round(Math.min(...xs)), max_ms: Math.round(Math.max(...xs)) });
  };
  try {
    measure(`app (cdktf.json): ${APP}`, APP, runs, appEnv(path.join(out, 'app')));
    measure('app via node --require tsx/cjs', 'node --require tsx/cjs stacks/main.ts', Math.min(runs, 5), appEnv(path.join(out, 'tsx-cjs')));
    measure('app via npx tsx', 'npx tsx stacks/main.ts', Math.min(runs, 5), appEnv(path.join(out, 'tsx')));
    measure('npx cdktf synth (CLI + app)', `npx cdktf synth --output ${path.join(out, 'cli')}`, cliRuns, { CHECKPOINT_DISABLE: '1' });
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
  return rows;
}

module.exports = { run };

if (require.main === module) {
  const rows = run();
  console.log(`synth of both stacks (conductorone-aws, conductorone-aws-management); ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.table(rows);
}
