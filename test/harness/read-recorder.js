/**
 * Loaded with `node --require` (through NODE_OPTIONS, so every node child inherits it): records the absolute path of
 * every file a process reads or probes through `fs`, and appends them as "<op>\t<path>" lines to $C1_READ_LOG when the
 * process exits. Module loading reads through the same functions (CommonJS, tsx), so required files are included.
 * test/e2e/package.test.ts uses it to prove an installed package reads nothing from the checkout it was packed from.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const log = process.env.C1_READ_LOG;
if (log) {
  const seen = new Set();
  const note = (op, p) => {
    if (typeof p === 'string' || p instanceof URL || Buffer.isBuffer(p)) {
      const s = p instanceof URL ? p.pathname : String(p);
      seen.add(`${op}\t${path.resolve(s)}`);
    }
  };
  const wrap = (obj, name, op) => {
    const original = obj[name];
    if (typeof original !== 'function') return;
    // Object.assign keeps properties such as realpathSync.native.
    obj[name] = Object.assign(function recorded(p, ...rest) {
      note(op, p);
      return original.call(this, p, ...rest);
    }, original);
  };
  for (const name of ['readFileSync', 'readFile', 'openSync', 'open', 'createReadStream']) wrap(fs, name, 'read');
  for (const name of ['readFile', 'open']) wrap(fs.promises, name, 'read');
  for (const name of ['existsSync', 'statSync', 'lstatSync', 'accessSync', 'readdirSync', 'realpathSync', 'stat', 'lstat', 'access', 'readdir']) wrap(fs, name, 'probe');
  const append = fs.appendFileSync;
  process.on('exit', () => {
    if (seen.size) append(log, `${[...seen].join('\n')}\n`);
  });
}
