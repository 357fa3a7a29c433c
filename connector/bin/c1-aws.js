#!/usr/bin/env node
// The c1-aws CLI. Runs the TypeScript sources through tsx's transpile-only loader (type-checking is a separate step
// of `npm test`), so `npx c1-aws` works right after `npm ci` with no build step.
'use strict';
process.noDeprecation = true;
// The SDK warns on every start that releases after Jan 2027 need Node 22; versions are pinned in the lockfile.
const emitWarning = process.emitWarning;
process.emitWarning = (w, ...rest) => (String(w && w.name ? w.name : rest[0]).includes('NodeVersionSupportWarning') || String(w).includes('require node >=22') ? undefined : emitWarning.call(process, w, ...rest));
require('tsx/cjs');
require('../src/cli.ts')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
