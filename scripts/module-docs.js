#!/usr/bin/env node
/**
 * Files derived from the HCL module's variables.tf / outputs.tf, so the module stays their only source:
 *   node scripts/module-docs.js defaults [--check]   modules/conductorone-aws-role/defaults.json
 *   node scripts/module-docs.js docs [--check]       the README's input and output tables (terraform-docs' markdown
 *                                                    table format, between <!-- BEGIN_TF_DOCS --> and <!-- END_TF_DOCS -->)
 *   node scripts/module-docs.js interface [--check]  modules/conductorone-aws-role/interface.json (terraform-docs'
 *                                                    JSON format: inputs and outputs), from which the CDKTF stacks
 *                                                    declare their variables and outputs
 * --check writes nothing and exits 1 when a file is stale.
 *
 * Terraform is the parser of values: the variables and output descriptions are copied into a scratch root module with
 * no provider (so no `terraform init`, offline), planned, and read back from `terraform show -json`. Only what that
 * JSON lacks comes from the source text: the order of the blocks and each variable's `type` expression as written.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const MODULE_DIR = path.join(__dirname, '..', 'modules', 'conductorone-aws-role');

const BEGIN = '<!-- BEGIN_TF_DOCS -->';
const END = '<!-- END_TF_DOCS -->';

// ---------------------------------------------------------------------------------------------------------------
// Source text: top-level blocks and their top-level attributes, as raw expression text.
// ---------------------------------------------------------------------------------------------------------------

/** Index just past the quoted string starting at `i` (s[i] === '"'), template interpolations included. */
function skipString(s, i) {
  for (i += 1; i < s.length; i += 1) {
    const c = s[i];
    if (c === '\\') i += 1;
    else if (c === '"') return i + 1;
    else if ((c === '$' || c === '%') && s[i + 1] === '{') {
      if (s[i - 1] === c && s[i - 2] !== c) continue; // $${ / %%{ is a literal
      i = skipBalanced(s, i + 1) - 1;
    }
  }
  throw new Error('unterminated string');
}

/** Index just past the bracket that closes the one at `i`, skipping strings and comments. */
function skipBalanced(s, i) {
  const close = { '{': '}', '(': ')', '[': ']' };
  const stack = [close[s[i]]];
  for (i += 1; i < s.length; i += 1) {
    const c = s[i];
    if (c === '"') i = skipString(s, i) - 1;
    else if (c === '#' || (c === '/' && s[i + 1] === '/')) i = s.indexOf('\n', i) === -1 ? s.length : s.indexOf('\n', i) - 1;
    else if (c === '/' && s[i + 1] === '*') i = s.indexOf('*/', i) + 1;
    else if (c === '<' && s[i + 1] === '<') throw new Error('heredocs are not supported here: use a quoted string');
    else if (close[c]) stack.push(close[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return i + 1;
    }
  }
  throw new Error('unbalanced brackets');
}

/** Top-level `<kind> "<name>" { ... }` blocks, in file order, each with its top-level attributes (raw text). */
function blocks(text, kind) {
  const out = [];
  const re = new RegExp(`^${kind}\\s+"([^"]+)"\\s*\\{`, 'gm');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const open = m.index + m[0].length - 1;
    const end = skipBalanced(text, open);
    const body = text.slice(open + 1, end - 1);
    const attributes = {};
    // Attributes at depth 0 of the body: `name = expression` up to the end of the line at bracket depth 0.
    for (let i = 0; i < body.length; ) {
      const rest = body.slice(i);
      const a = /^[ \t]*([A-Za-z_][A-Za-z0-9_-]*)[ \t]*=(?!=)[ \t]*/.exec(rest);
      if (a) {
        let j = i + a[0].length;
        const start = j;
        while (j < body.length && body[j] !== '\n') {
          const c = body[j];
          if (c === '"') j = skipString(body, j);
          else if (c === '{' || c === '(' || c === '[') j = skipBalanced(body, j);
          else if (c === '#' || (c === '/' && body[j + 1] === '/')) break;
          else j += 1;
        }
        attributes[a[1]] = body.slice(start, j).replace(/\s+(#|\/\/).*$/, '').trim();
        i = body.indexOf('\n', j) === -1 ? body.length : body.indexOf('\n', j) + 1;
        continue;
      }
      const b = /^[ \t]*[A-Za-z_][A-Za-z0-9_-]*[ \t]*(?:"[^"]*"[ \t]*)*\{/.exec(rest);
      if (b) {
        const j = skipBalanced(body, i + b[0].length - 1);
        i = body.indexOf('\n', j) === -1 ? body.length : body.indexOf('\n', j) + 1;
        continue;
      }
      i = body.indexOf('\n', i) === -1 ? body.length : body.indexOf('\n', i) + 1;
    }
    out.push({ name: m[1], attributes });
    re.lastIndex = end;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Terraform: the values
// ---------------------------------------------------------------------------------------------------------------

function run(cwd, args) {
  const r = spawnSync('terraform', args, {
    cwd,
    encoding: 'utf8',
    // Offline and quiet: no checkpoint call; an empty CLI config (no provider is needed).
    env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_CLI_CONFIG_FILE: '', TF_LOG: '' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw new Error(`terraform ${args[0]}: ${r.error.message} (is terraform on PATH?)`);
  if (r.status !== 0) throw new Error(`terraform ${args.join(' ')} failed in ${cwd}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A placeholder of the variable's type for a required variable, so the scratch plan can run. */
function placeholder(type) {
  if (!type || type === 'string' || type === 'any') return '"placeholder"';
  if (type === 'number') return '0';
  if (type === 'bool') return 'false';
  if (/^(list|set)\(/.test(type)) return '[]';
  if (/^map\(/.test(type)) return '{}';
  throw new Error(`no placeholder for a required variable of type ${type}`);
}

/**
 * The module's interface: variables (name, description, type text, default, required, sensitive) and outputs
 * (name, description, sensitive), each in file order.
 */
function readModule(moduleDir = MODULE_DIR) {
  const variablesTf = fs.readFileSync(path.join(moduleDir, 'variables.tf'), 'utf8');
  const outputsTf = fs.readFileSync(path.join(moduleDir, 'outputs.tf'), 'utf8');
  const varBlocks = blocks(variablesTf, 'variable');
  const outBlocks = blocks(outputsTf, 'output');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'c1-module-docs-'));
  try {
    fs.copyFileSync(path.join(moduleDir, 'variables.tf'), path.join(dir, 'variables.tf'));
    fs.copyFileSync(path.join(moduleDir, 'grammar.json'), path.join(dir, 'grammar.json'));
    // The locals the validations read (as main.tf defines them); a validation reading anything else fails the plan,
    // and with it this script, rather than giving wrong tables.
    const stub = [
      'locals {',
      '  grammar = jsondecode(file("${path.module}/grammar.json"))',
      '  rules   = local.grammar.rules',
      '  numbers = local.grammar.numbers',
      '}',
      // Outputs with their descriptions as written (Terraform decodes the strings) and no value.
      ...outBlocks.map((o) => `output "${o.name}" {\n  description = ${o.attributes.description ?? '""'}\n  value = null\n  sensitive = ${o.attributes.sensitive ?? 'false'}\n}`),
      // Required variables get placeholders.
      ...varBlocks.filter((v) => !('default' in v.attributes)).map((v) => `# required: ${v.name}`),
      '',
    ].join('\n');
    fs.writeFileSync(path.join(dir, 'stub.tf'), stub);
    const tfvars = varBlocks.filter((v) => !('default' in v.attributes)).map((v) => `${v.name} = ${placeholder(v.attributes.type)}`);
    fs.writeFileSync(path.join(dir, 'terraform.tfvars'), `${tfvars.join('\n')}\n`);
    run(dir, ['plan', '-input=false', '-lock=false', '-no-color', '-out=module.plan']);
    const config = JSON.parse(run(dir, ['show', '-json', 'module.plan'])).configuration.root_module;

    const tfVars = config.variables ?? {};
    const names = varBlocks.map((v) => v.name);
    if (JSON.stringify([...names].sort()) !== JSON.stringify(Object.keys(tfVars).sort())) {
      throw new Error(`variables.tf: the source text gives ${names.join(', ')}; Terraform gives ${Object.keys(tfVars).join(', ')}`);
    }
    const variables = varBlocks.map((v) => {
      const t = tfVars[v.name];
      return {
        name: v.name,
        description: t.description ?? '',
        type: v.attributes.type ?? 'any',
        required: !('default' in t),
        default: t.default,
        sensitive: t.sensitive === true,
      };
    });
    const tfOuts = config.outputs ?? {};
    const outputs = outBlocks.map((o) => ({ name: o.name, description: tfOuts[o.name].description ?? '', sensitive: tfOuts[o.name].sensitive === true }));
    return { variables, outputs };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// defaults.json
// ---------------------------------------------------------------------------------------------------------------

const DEFAULTS_COMMENT =
  "GENERATED from variables.tf by `npm run generate:defaults`: edit the defaults there. Every variable's default, keyed by variable name, for the CDKTF construct and the connector; the keys named in $hand_kept are not variables (kept by hand here, read by main.tf and the construct).";

function renderDefaults(mod, current) {
  const handKept = Array.isArray(current?.$hand_kept) ? current.$hand_kept : [];
  const out = { $comment: DEFAULTS_COMMENT, $hand_kept: handKept };
  for (const v of mod.variables) if (!v.required) out[v.name] = v.default;
  for (const k of handKept) {
    if (k in out) throw new Error(`defaults.json: $hand_kept key ${k} is also a variable; remove it from $hand_kept`);
    if (!(k in current)) throw new Error(`defaults.json: $hand_kept names ${k}, which has no value`);
    out[k] = current[k];
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// README tables (terraform-docs markdown table)
// ---------------------------------------------------------------------------------------------------------------

const escapeName = (n) => n.replace(/_/g, '\\_');
const anchor = (kind, n) => `<a name="${kind}_${n}"></a> [${escapeName(n)}](#${kind}\\_${n.replace(/_/g, '\\_')})`;
/** Table-cell text: pipes escaped, HTML-looking text shown as text, newlines as <br>. */
const cell = (s) => s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, '<br>');

function code(text) {
  if (!text.includes('\n')) return `\`${text}\``;
  return `<pre>${cell(text)}</pre>`;
}

function renderDefault(v) {
  if (v.required) return 'n/a';
  const d = v.default;
  const empty = d === null || typeof d !== 'object' || Object.keys(d).length === 0;
  return code(empty ? JSON.stringify(d) : JSON.stringify(d, null, 2));
}

function renderTables(mod) {
  const lines = [BEGIN, '## Inputs', '', '| Name | Description | Type | Default | Required |', '|------|-------------|------|---------|:--------:|'];
  // Sorted by name, as terraform-docs does by default (its `sort.by: name`), so its own output matches.
  const byName = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  for (const v of [...mod.variables].sort(byName)) {
    lines.push(`| ${anchor('input', v.name)} | ${cell(v.description)} | ${code(v.type.replace(/\s+/g, ' '))} | ${renderDefault(v)} | ${v.required ? 'yes' : 'no'} |`);
  }
  lines.push('', '## Outputs', '', '| Name | Description |', '|------|-------------|');
  for (const o of [...mod.outputs].sort(byName)) lines.push(`| ${anchor('output', o.name)} | ${cell(o.description)} |`);
  lines.push(END);
  return lines.join('\n');
}

function renderReadme(mod, readme) {
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END);
  if (a === -1 || b === -1 || b < a) throw new Error(`README.md: put ${BEGIN} and ${END} where the input and output tables go`);
  return readme.slice(0, a) + renderTables(mod) + readme.slice(b + END.length);
}

// ---------------------------------------------------------------------------------------------------------------
// The stacks' view of the module (terraform-docs' JSON format)
// ---------------------------------------------------------------------------------------------------------------

function renderInterface(mod) {
  const out = {
    $comment: 'GENERATED from variables.tf and outputs.tf by `npm run generate:stacks`: the module\'s inputs and outputs as data (terraform-docs\' JSON format), from which the CDKTF stacks declare their variables and outputs.',
    inputs: mod.variables.map((v) => ({ name: v.name, type: v.type.replace(/\s+/g, ' '), description: v.description, default: v.required ? null : v.default, required: v.required, sensitive: v.sensitive })),
    outputs: mod.outputs.map((o) => ({ name: o.name, description: o.description, sensitive: o.sensitive })),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

// ---------------------------------------------------------------------------------------------------------------

/** { file, expected, actual } for each derived file of the module at `moduleDir`. */
function derivedFiles(moduleDir = MODULE_DIR, which = ['defaults', 'docs', 'interface']) {
  const mod = readModule(moduleDir);
  const out = [];
  if (which.includes('defaults')) {
    const file = path.join(moduleDir, 'defaults.json');
    const actual = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    out.push({ file, actual, expected: renderDefaults(mod, actual ? JSON.parse(actual) : {}) });
  }
  if (which.includes('docs')) {
    const file = path.join(moduleDir, 'README.md');
    const actual = fs.readFileSync(file, 'utf8');
    out.push({ file, actual, expected: renderReadme(mod, actual) });
  }
  if (which.includes('interface')) {
    const file = path.join(moduleDir, 'interface.json');
    const actual = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    out.push({ file, actual, expected: renderInterface(mod) });
  }
  return out;
}

module.exports = { blocks, readModule, renderDefaults, renderTables, renderInterface, derivedFiles, MODULE_DIR };

if (require.main === module) {
  const [what, flag] = process.argv.slice(2);
  if (!['defaults', 'docs', 'interface'].includes(what) || (flag && flag !== '--check')) {
    console.error('usage: node scripts/module-docs.js defaults|docs|interface [--check]');
    process.exit(2);
  }
  let stale = 0;
  for (const f of derivedFiles(MODULE_DIR, [what])) {
    const rel = path.relative(process.cwd(), f.file);
    if (f.actual === f.expected) console.log(`${rel}: up to date`);
    else if (flag === '--check') {
      console.error(`${rel}: stale; run npm run generate:${what === 'interface' ? 'stacks' : what}`);
      stale += 1;
    } else {
      fs.writeFileSync(f.file, f.expected);
      console.log(`${rel}: written`);
    }
  }
  process.exit(stale ? 1 : 0);
}
