#!/usr/bin/env node
/**
 * `npm run generate:hcl`: `cdktf synth --hcl` of every stack, cleaned into examples/generated/<stack>/main.tf so HCL
 * users can read it: no absolute paths or local backend path, interpolation-only strings unwrapped, precondition
 * blocks, depends_on as references, list triggers_replace kept a list, defaults cdktf drops restored, terraform fmt.
 * Plain JS so it runs without a TypeScript loader; `generate(outDir)` is reused by the staleness test.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(ROOT, 'examples', 'generated');

/** Index just past the `}` closing an interpolation that starts at `i` (just after `${`). */
function endOfInterpolation(s, i) {
  let depth = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '"') i = endOfString(s, i + 1) - 1;
    else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i + 1;
      depth--;
    }
  }
  return -1;
}

/** Index just past the `"` closing a string whose body starts at `i`. */
function endOfString(s, i) {
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '"') return i + 1;
    else if (c === '$' && s[i + 1] === '{') i = endOfInterpolation(s, i + 2) - 1;
  }
  return -1;
}

/** `"${expr}"` -> `expr` wherever a string is nothing but one interpolation. */
function unwrapInterpolations(text) {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      const nl = text.indexOf('\n', i);
      const end = nl < 0 ? text.length : nl;
      out += text.slice(i, end);
      i = end;
    } else if (c === '"') {
      const end = endOfString(text, i + 1);
      const literal = text.slice(i, end);
      if (literal.startsWith('"${') && endOfInterpolation(literal, 3) === literal.length - 1) {
        out += unwrapInterpolations(literal.slice(3, -2)).replace(/^\((.*)\)$/s, (m, inner) => (balanced(inner) ? inner : m));
      } else out += literal;
      i = end;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** True when parentheses in `s` (outside strings) never close below depth 0: `(a) == (b)` is not one group. */
function balanced(s) {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '"') i = endOfString(s, i + 1) - 1;
    else if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/** `precondition = [ { ... }, { ... }, ]` (attribute syntax cdktf emits) -> one `precondition { }` block each. */
function conditionBlocks(text) {
  return text.replace(/^(\s*)(precondition|postcondition) = \[\n([\s\S]*?)\n\1\]\n/gm, (all, indent, kind, body) =>
    body
      .split(/\n\s*\},?\n?/)
      .filter((b) => b.trim())
      .map((b) => `${indent}${kind} {\n${b.replace(/^\s*\{\n/, '')}\n${indent}}\n`)
      .join(''),
  );
}

/** Attributes cdktf --hcl drops when falsy (`default = false`, `nullable = false`), restored from the JSON. */
function restoreVariableAttributes(text, json) {
  for (const [name, v] of Object.entries(json.variable ?? {})) {
    const extra = [];
    if (v.default === false || v.default === 0 || v.default === '') extra.push(`default = ${JSON.stringify(v.default)}`);
    if (v.nullable === false) extra.push('nullable = false');
    if (!extra.length) continue;
    const head = `variable "${name}" {\n`;
    const at = text.indexOf(head);
    if (at < 0) throw new Error(`variable ${name} not found in the --hcl output`);
    const block = text.slice(at, text.indexOf('\n}\n', at));
    const missing = extra.filter((e) => !new RegExp(`^\\s*${e.split(' ')[0]}\\s*=`, 'm').test(block));
    text = text.replace(head, head + missing.map((e) => `  ${e}\n`).join(''));
  }
  return text;
}

/**
 * cdktf --hcl writes a local-exec command's double quotes unescaped: put back each command from the JSON (an HCL
 * template already, `${...}` and `$${` included), JSON-quoted (JSON's escapes are a subset of HCL's).
 */
function restoreCommands(text, json) {
  const commands = [];
  for (const type of Object.values(json.resource ?? {})) {
    for (const r of Object.values(type)) for (const p of r.provisioner ?? []) if (p['local-exec']?.command) commands.push(p['local-exec'].command);
  }
  let n = 0;
  const out = text.replace(/^(\s*)command(\s*)= ".*"$/gm, (m, indent, space) => (n < commands.length ? `${indent}command${space}= ${JSON.stringify(commands[n++])}` : m));
  if (n !== commands.length) throw new Error(`found ${n} local-exec commands in the --hcl output, ${commands.length} in the JSON`);
  return out;
}

/** Cleans one stack's `cdktf synth --hcl` output; `json` is the same stack's cdk.tf.json. */
function clean(hcl, json) {
  let text = restoreCommands(hcl, json)
    // State stays in the working directory (the default local backend): no absolute path of the machine that generated it.
    .replace(/\n\s*backend "local" \{\n[^}]*\}\n/, '\n')
    .replace(/source\s*=\s*"aws"/, 'source = "hashicorp/aws"')
    .replace(/= \[\n\s*\]/g, '= []')
    .replace(/= \{\n\s*\}/g, '= {}');
  text = conditionBlocks(text);
  text = unwrapInterpolations(text);
  text = restoreVariableAttributes(text, json);
  text = text
    // depends_on holds references, not strings (a validate warning otherwise).
    .replace(/(depends_on|replace_triggered_by)\s*=\s*\[([^\]]*)\]/g, (m, key, items) => `${key} = [${items.replace(/"([\w.\-\[\]]+)"/g, '$1')}]`)
    // cdktf turns a list triggers_replace into {"0" = a, "1" = b}: keep it a list.
    .replace(/triggers_replace\s*=\s*\{([^{}]*)\}/g, (m, body) => {
      const items = [...body.matchAll(/"(\d+)"\s*=\s*([^\n,]+)/g)];
      return items.length && items.every((it, n) => Number(it[1]) === n) ? `triggers_replace = [${items.map((it) => it[2].trim()).join(', ')}]` : m;
    })
    .replace(/\n{3,}/g, '\n\n')
    .replace(/\n}\n(?=(data|resource|variable|output|provider|locals|terraform) )/g, '\n}\n\n')
    .replace(/\{\n\n+/g, '{\n')
    .replace(/\n\n+(\s*\})/g, '\n$1');
  const header = '# Generated by `npm run generate:hcl` from stacks/ (cdktf synth --hcl, cleaned). Do not edit: change stacks/ and regenerate.\n\n';
  return fmt(header + text.trim() + '\n');
}

function fmt(text) {
  return execFileSync('terraform', ['fmt', '-no-color', '-'], { input: text, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null' } });
}

/** Synthesizes with the real CLI into a temp dir and writes <outDir>/<stack>/main.tf. Returns the stack names. */
function generate(outDir = OUT, env = {}) {
  const synthDir = fs.mkdtempSync(path.join(os.tmpdir(), 'c1-hcl-'));
  try {
    for (const format of [['--hcl'], []]) {
      execFileSync('npx', ['cdktf', 'synth', ...format, '--output', path.join(synthDir, format.length ? 'hcl' : 'json')], {
        cwd: ROOT,
        env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    }
    const stacks = fs.readdirSync(path.join(synthDir, 'hcl', 'stacks')).sort();
    for (const stack of stacks) {
      const hcl = fs.readFileSync(path.join(synthDir, 'hcl', 'stacks', stack, 'cdk.tf'), 'utf8');
      const json = JSON.parse(fs.readFileSync(path.join(synthDir, 'json', 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      fs.mkdirSync(path.join(outDir, stack), { recursive: true });
      fs.writeFileSync(path.join(outDir, stack, 'main.tf'), clean(hcl, json));
    }
    return stacks;
  } finally {
    fs.rmSync(synthDir, { recursive: true, force: true });
  }
}

module.exports = { clean, generate, unwrapInterpolations };

if (require.main === module) {
  const out = process.argv[2] ? path.resolve(process.argv[2]) : OUT;
  for (const stack of generate(out)) console.log(`wrote ${path.relative(process.cwd(), path.join(out, stack, 'main.tf'))}`);
}
