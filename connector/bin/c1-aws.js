#!/usr/bin/env node
// The c1-aws CLI. Runs the TypeScript sources through tsx's transpile-only loader (type-checking is a separate step
// of `npm test`), so `npx c1-aws` works right after `npm ci` with no build step.
'use strict';
process.noDeprecation = true;
// The SDK warns on every start that releases after Jan 2027 need Node 22; versions are pinned in the lockfile.
const emitWarning = process.emitWarning;
process.emitWarning = (w, ...rest) => (String(w && w.name ? w.name : rest[0]).includes('NodeVersionSupportWarning') || String(w).includes('require node >=22') ? undefined : emitWarning.call(process, w, ...rest));
try {
  require('tsx/cjs');
} catch (e) {
  if (e && e.code !== 'MODULE_NOT_FOUND') throw e;
  // A copy of the CLI without its dependencies (e.g. a repository checkout without `npm ci`).
  process.stderr.write(`c1-aws: its dependencies are not installed (${e.message.split('\n')[0]}). Run \`npm ci\` in ${require('node:path').resolve(__dirname, '..', '..')}, or install the package (npm install @c1-aws-kit/conductorone-aws-role) and point connector_command at it, or set sync_step = "off".\n`);
  process.exit(2);
}
require('../src/cli.ts')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
