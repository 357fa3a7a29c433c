/**
 * variables.tf is the only source of the module's defaults and of its README's input/output tables: defaults.json
 * and the tables between <!-- BEGIN_TF_DOCS --> and <!-- END_TF_DOCS --> are generated from it by
 * scripts/module-docs.js (Terraform parses, offline, no init). Here: they are fresh, and the check notices a change.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const docs = require('../../scripts/module-docs.js') as {
  blocks: (text: string, kind: string) => { name: string; attributes: Record<string, string> }[];
  readModule: (dir?: string) => { variables: { name: string; required: boolean; default: unknown; type: string }[]; outputs: { name: string }[] };
  derivedFiles: (dir?: string, which?: string[]) => { file: string; expected: string; actual: string }[];
  MODULE_DIR: string;
};

const MODULE = docs.MODULE_DIR;
const read = (f: string) => readFileSync(path.join(MODULE, f), 'utf8');

test('defaults.json and the README tables are what `npm run generate:defaults` / `generate:docs` write', () => {
  for (const f of docs.derivedFiles()) {
    // On failure: run npm run generate:defaults and npm run generate:docs.
    expect({ file: path.relative(process.cwd(), f.file), content: f.actual }).toEqual({ file: path.relative(process.cwd(), f.file), content: f.expected });
  }
});

test('every variable with a default is in defaults.json with that value; the hand-kept keys are no variables', () => {
  const mod = docs.readModule();
  const defaults = JSON.parse(read('defaults.json')) as Record<string, unknown> & { $hand_kept: string[] };
  const withDefault = mod.variables.filter((v) => !v.required);
  expect(withDefault.map((v) => v.name)).toContain('role_name');
  for (const v of withDefault) expect({ [v.name]: defaults[v.name] }).toEqual({ [v.name]: v.default });
  expect(mod.variables.filter((v) => v.required).map((v) => v.name)).toEqual(['external_id']);
  const names = new Set(mod.variables.map((v) => v.name));
  expect(defaults.$hand_kept.filter((k) => names.has(k))).toEqual([]);
  expect(Object.keys(defaults).filter((k) => !k.startsWith('$') && !names.has(k))).toEqual(defaults.$hand_kept);
});

test('main.tf takes no variable value from defaults.json (the literal defaults apply; no coalesce fallbacks)', () => {
  const main = read('main.tf');
  const variables = docs.readModule().variables.map((v) => v.name);
  const used = [...main.matchAll(/local\.defaults\.([a-z_]+)/g)].map((m) => m[1]);
  // trusted_principal_arn: read only for ConductorOne's account id (which external ID rule applies).
  expect(used.filter((k) => variables.includes(k) && k !== 'trusted_principal_arn')).toEqual([]);
  expect(main).not.toMatch(/coalesce\(var\./);
  expect(main).toMatch(/split\(":", local\.defaults\.trusted_principal_arn\)\[4\]/);
});

test('the check notices a changed default, description or output', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'c1-module-generated-'));
  try {
    const copy = path.join(dir, 'conductorone-aws-role');
    cpSync(MODULE, copy, { recursive: true, filter: (src) => !src.includes(`${path.sep}.terraform`) });
    const variables = readFileSync(path.join(copy, 'variables.tf'), 'utf8');
    const changed = variables.replace('default     = "ConductorOneIntegration"', 'default     = "SomethingElse"').replace('Tags of the IAM role.', 'Tags of the role | with a pipe.');
    expect(changed).not.toBe(variables);
    writeFileSync(path.join(copy, 'variables.tf'), changed);
    writeFileSync(path.join(copy, 'outputs.tf'), `${readFileSync(path.join(copy, 'outputs.tf'), 'utf8')}\noutput "extra" {\n  description = "An <added> output."\n  value       = 1\n}\n`);
    const [defaults, readme] = docs.derivedFiles(copy);
    expect(defaults.expected).not.toBe(defaults.actual);
    expect(JSON.parse(defaults.expected).role_name).toBe('SomethingElse');
    expect(readme.expected).not.toBe(readme.actual);
    expect(readme.expected).toContain('| `string` | `"SomethingElse"` | no |');
    expect(readme.expected).toContain('| Tags of the role \\| with a pipe. | `map(string)` | `{}` | no |');
    expect(readme.expected).toContain('| <a name="output_extra"></a> [extra](#output\\_extra) | An &lt;added&gt; output. |');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the source reader keeps strings, interpolations and nested blocks out of the attributes', () => {
  const text = [
    'variable "a" {',
    '  description = "braces } { and \\"quotes\\" and ${join("}", ["x"])}" # comment = 1',
    '  type        = object({',
    '    b = string',
    '  })',
    '  validation {',
    '    condition     = true',
    '    error_message = "type = nope"',
    '  }',
    '}',
    'variable "c" {}',
  ].join('\n');
  const got = docs.blocks(text, 'variable');
  expect(got.map((b) => b.name)).toEqual(['a', 'c']);
  expect(got[0].attributes).toEqual({ description: '"braces } { and \\"quotes\\" and ${join("}", ["x"])}"', type: 'object({\n    b = string\n  })' });
});
