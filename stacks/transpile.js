/**
 * Transpile-only loader for the app (cdktf.json: `node --require ./stacks/transpile.js stacks/main.ts`): compiles
 * only our .ts files with swc (already used by jest), leaving node_modules' JavaScript to Node untouched. tsx hooks
 * every .js file too, which costs ~200-300 ms of cdktf's own start-up (test/bench/synth.js measures both).
 * Type-checking is a separate step (`npm run typecheck`).
 */
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

const OPTIONS = { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' }, sourceMaps: 'inline', swcrc: false, configFile: false };

require.extensions['.ts'] = function compileTs(module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...OPTIONS, filename });
  module._compile(code, filename);
};
