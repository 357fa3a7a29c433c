#!/usr/bin/env node
/**
 * The fixture of what ConductorOne's hosted connector (baton-aws) declares it calls, per resource type:
 *   node scripts/baton-aws-permissions.js <baton-aws git dir or checkout> [commit]
 * reads pkg/connector/resource_types.go at `commit` (default HEAD) with `git show`, so a bare mirror works as well as
 * a checkout, and writes modules/conductorone-aws-role/baton-aws-permissions.json: for every `&v2.ResourceType{...}`
 * its Id, the actions of its `capabilityPermissions(...)` call (as declared, in order), whether it carries
 * `&v2.OptInRequired{}`, and the line of its declaration, with the commit and the file's git blob id.
 *
 * The fixture lives beside grammar.json, not in policies/: that folder holds exactly the manifest and one IAM document
 * per capability (main.tf and the tests rely on that shape). scripts/capability-documents.js turns it into the opt-in
 * capabilities' documents.
 *
 * The parser reads only what it can prove: a resource type without exactly one capabilityPermissions call, or a call
 * with anything but string literals (a constant, a concatenation), fails naming the type, rather than being guessed.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const SOURCE_FILE = 'pkg/connector/resource_types.go';
const FIXTURE = path.join(__dirname, '..', 'modules', 'conductorone-aws-role', 'baton-aws-permissions.json');

/** Go source with comments blanked out (newlines kept, so offsets and line numbers stay true); strings kept. */
function blankComments(src) {
  let out = '';
  for (let i = 0; i < src.length; ) {
    const c = src[i];
    if (c === '"' || c === '`') {
      const end = c === '`' ? src.indexOf('`', i + 1) : stringEnd(src, i);
      if (end === -1) throw new Error(`unterminated string at offset ${i}`);
      out += src.slice(i, end + 1);
      i = end + 1;
    } else if (c === '/' && src[i + 1] === '/') {
      const nl = src.indexOf('\n', i);
      const end = nl === -1 ? src.length : nl;
      out += ' '.repeat(end - i);
      i = end;
    } else if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      if (end === -1) throw new Error(`unterminated comment at offset ${i}`);
      out += src.slice(i, end + 2).replace(/[^\n]/g, ' ');
      i = end + 2;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** Index of the closing quote of the interpreted string literal starting at `i`. */
function stringEnd(src, i) {
  for (let j = i + 1; j < src.length; j += 1) {
    if (src[j] === '\\') j += 1;
    else if (src[j] === '"') return j;
    else if (src[j] === '\n') return -1;
  }
  return -1;
}

/** Index just past the bracket closing the one at `i` (comments already blanked; strings skipped). */
function closeOf(src, i) {
  const pairs = { '{': '}', '(': ')', '[': ']' };
  const stack = [pairs[src[i]]];
  for (let j = i + 1; j < src.length; j += 1) {
    const c = src[j];
    if (c === '"') j = stringEnd(src, j);
    else if (c === '`') j = src.indexOf('`', j + 1);
    else if (pairs[c]) stack.push(pairs[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return j + 1;
    }
    if (j === -1) break;
  }
  throw new Error(`unbalanced ${src[i]} at offset ${i}`);
}

const lineOf = (src, offset) => src.slice(0, offset).split('\n').length;

/**
 * Every resource type the Go source declares: { id, variable, line, optInRequired, actions }, in source order.
 * `line` is the line of `<variable> = &v2.ResourceType{` (1-based).
 */
function parseResourceTypes(goSource) {
  const src = blankComments(goSource);
  const out = [];
  const decl = /(\w+)\s*=\s*&v2\.ResourceType\{/g;
  for (let m = decl.exec(src); m; m = decl.exec(src)) {
    const open = m.index + m[0].length - 1;
    const end = closeOf(src, open);
    const body = src.slice(open + 1, end - 1);
    const variable = m[1];
    // The type's own Id field starts a line; an inline `&v2.V1Identifier{Id: ...}` does not.
    const id = /\n\s*Id:\s*"([^"\\]*)"/.exec(body);
    if (!id) throw new Error(`${variable}: no Id: "<literal>" field`);
    const calls = [...body.matchAll(/\bcapabilityPermissions\(/g)];
    if (calls.length !== 1) throw new Error(`${variable} (${id[1]}): ${calls.length} capabilityPermissions(...) calls; expected exactly one`);
    const argsOpen = open + 1 + calls[0].index + calls[0][0].length - 1;
    const args = src.slice(argsOpen + 1, closeOf(src, argsOpen) - 1);
    const actions = [...args.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((a) => a[1]);
    const rest = args.replace(/"((?:[^"\\]|\\.)*)"/g, '').replace(/[\s,]/g, '');
    if (rest !== '') throw new Error(`${variable} (${id[1]}): capabilityPermissions(...) holds something other than string literals: ${JSON.stringify(rest.slice(0, 60))}`);
    for (const a of actions) if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(a)) throw new Error(`${variable} (${id[1]}): ${JSON.stringify(a)} is not an IAM action (service:Action)`);
    out.push({ id: id[1], variable, line: lineOf(src, m.index), optInRequired: /&v2\.OptInRequired\{\s*\}/.test(body), actions });
    decl.lastIndex = end;
  }
  const ids = out.map((t) => t.id);
  const dup = ids.find((x, i) => ids.indexOf(x) !== i);
  if (dup) throw new Error(`resource type ${dup} is declared twice`);
  if (out.length === 0) throw new Error('no &v2.ResourceType{...} declarations found');
  return out;
}

/** The fixture's JSON text for parsed types read from `source` ({ repository, commit, file, blob }). */
function renderFixture(types, source) {
  const byId = [...types].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const out = {
    $comment:
      'GENERATED by `node scripts/baton-aws-permissions.js <baton-aws git dir> [commit]` from baton-aws\'s resource_types.go: per resource type id, the actions its capabilityPermissions(...) declares (as declared, in order; provisioning actions included), whether it is OptInRequired, and the line of its declaration. Do not edit; scripts/capability-documents.js turns it into the opt-in capability documents.',
    source,
    resource_types: Object.fromEntries(byId.map((t) => [t.id, { line: t.line, opt_in_required: t.optInRequired, actions: t.actions }])),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

function git(dir, args) {
  const r = spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.error) throw new Error(`git ${args[0]}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`git -C ${dir} ${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Reads the source at `commit` of the baton-aws repository `dir` and returns { types, source }. */
function readBatonAws(dir, commit = 'HEAD') {
  const sha = git(dir, ['rev-parse', '--verify', `${commit}^{commit}`]).trim();
  const text = git(dir, ['show', `${sha}:${SOURCE_FILE}`]);
  const blob = git(dir, ['rev-parse', `${sha}:${SOURCE_FILE}`]).trim();
  return { types: parseResourceTypes(text), source: { repository: 'ConductorOne/baton-aws', commit: sha, file: SOURCE_FILE, blob } };
}

module.exports = { parseResourceTypes, renderFixture, readBatonAws, FIXTURE, SOURCE_FILE };

if (require.main === module) {
  const [dir, commit, extra] = process.argv.slice(2);
  if (!dir || extra !== undefined || dir.startsWith('-')) {
    console.error('usage: node scripts/baton-aws-permissions.js <baton-aws git dir or checkout> [commit]');
    process.exit(2);
  }
  try {
    const { types, source } = readBatonAws(dir, commit);
    fs.writeFileSync(FIXTURE, renderFixture(types, source));
    console.log(`${path.relative(process.cwd(), FIXTURE)}: ${types.length} resource types from ${source.file} at ${source.commit}`);
  } catch (e) {
    console.error(`baton-aws-permissions: ${e.message}`);
    process.exit(1);
  }
}
