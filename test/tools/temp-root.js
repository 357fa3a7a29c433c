// jest's globalSetup and globalTeardown: every temp dir of a run (copies of roots, Terraform work dirs, provider
// servers' logs, snapshots) goes under one directory, removed when the run ends, instead of piling up in the OS temp
// dir (jest kills its workers, so per-file cleanup hooks are not enough). The workers inherit TMPDIR from here.
// Caches meant to outlive a run (plan-cache.ts) and the Terraform CLI config stay in the OS temp dir
// (C1_TEST_CACHE_DIR). Runs killed before their teardown leave a directory; those over a day old go at the next start.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const PREFIX = 'c1-test-run-';

async function setup() {
  const base = os.tmpdir();
  for (const d of fs.readdirSync(base)) {
    const p = path.join(base, d);
    try {
      if (d.startsWith(PREFIX) && Date.now() - fs.statSync(p).mtimeMs > 24 * 3600 * 1000) fs.rmSync(p, { recursive: true, force: true });
    } catch {
      // another run's, being removed
    }
  }
  const dir = fs.mkdtempSync(path.join(base, PREFIX));
  process.env.C1_TEST_CACHE_DIR ??= base;
  process.env.C1_TEST_RUN_DIR = dir;
  process.env.TMPDIR = dir;
}

async function teardown() {
  const dir = process.env.C1_TEST_RUN_DIR;
  if (dir && path.basename(dir).startsWith(PREFIX)) fs.rmSync(dir, { recursive: true, force: true });
}

module.exports = { setup, teardown };
