/**
 * The fixture of baton-aws's declared actions (modules/conductorone-aws-role/baton-aws-permissions.json), the parser
 * that makes it (scripts/baton-aws-permissions.js) and the opt-in documents generated from it
 * (scripts/capability-documents.js). baton-aws cannot be fetched at test time, so the parser is tested on Go snippets
 * shaped like resource_types.go and the fixture on its form and on the action catalogue.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../../harness/moto';
import { allCapabilities } from '../../../connector/src/policy/capabilities';
import { catalogueActions } from '../../../connector/src/policy/action-catalogue';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseResourceTypes, renderFixture, readBatonAws, FIXTURE } = require('../../../scripts/baton-aws-permissions.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generatedFiles, READ_LEVELS } = require('../../../scripts/capability-documents.js');

interface FixtureType {
  line: number;
  opt_in_required: boolean;
  actions: string[];
}
const fixtureText = readFileSync(FIXTURE, 'utf8');
const fixture = JSON.parse(fixtureText) as { source: Record<string, string>; resource_types: Record<string, FixtureType> };
const levels = new Map(catalogueActions().map((a) => [a.action, a.level]));

const SNIPPET = `package connector

var (
	resourceTypeA = &v2.ResourceType{
		Id:          "thing",
		DisplayName: "Thing", // not "Id: x"
		Annotations: annotations.New(
			&v2.V1Identifier{Id: "v1-thing"},
			&v2.OptInRequired{},
			capabilityPermissions(
				// Read
				"svc:ListThings",
				/* "svc:Commented", */ "svc:GetThing",
			),
		),
	}

	resourceTypeB = &v2.ResourceType{
		Id: "other-thing",
		Annotations: v1AnnotationsWithPermissions("other-thing", capabilityPermissions("svc:ListOthers")),
	}
)
`;

describe('the Go parser', () => {
  test('reads ids, declared actions (comments dropped), OptInRequired and the declaration line', () => {
    expect(parseResourceTypes(SNIPPET)).toEqual([
      { id: 'thing', variable: 'resourceTypeA', line: 4, optInRequired: true, actions: ['svc:ListThings', 'svc:GetThing'] },
      { id: 'other-thing', variable: 'resourceTypeB', line: 18, optInRequired: false, actions: ['svc:ListOthers'] },
    ]);
  });

  test('refuses what it cannot prove: a non-literal argument, a second call, none, a duplicate id, a non-action', () => {
    expect(() => parseResourceTypes(SNIPPET.replace('"svc:GetThing",', 'readThing,'))).toThrow(/resourceTypeA \(thing\): .*other than string literals/);
    expect(() => parseResourceTypes(SNIPPET.replace('"svc:GetThing",', '"svc:GetThing", capabilityPermissions("svc:X"),'))).toThrow(/2 capabilityPermissions/);
    expect(() => parseResourceTypes(SNIPPET.replace('capabilityPermissions("svc:ListOthers")', 'nil'))).toThrow(/resourceTypeB \(other-thing\): 0 capabilityPermissions/);
    expect(() => parseResourceTypes(SNIPPET.replace('"other-thing",\n', '"thing",\n'))).toThrow(/thing is declared twice/);
    expect(() => parseResourceTypes(SNIPPET.replace('"svc:ListOthers"', '"svc:List*"'))).toThrow(/not an IAM action/);
    expect(() => parseResourceTypes('package connector\n')).toThrow(/no &v2.ResourceType/);
  });
});

test('the script reads the file at a commit through git (a bare mirror works the same), naming the commit and blob', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'c1-baton-aws-'));
  try {
    const git = (...args: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' }).trim();
    git('init', '-q');
    mkdirSync(path.join(dir, 'pkg', 'connector'), { recursive: true });
    writeFileSync(path.join(dir, 'pkg', 'connector', 'resource_types.go'), SNIPPET);
    git('add', '.');
    git('commit', '-qm', 'first');
    const first = git('rev-parse', 'HEAD');
    writeFileSync(path.join(dir, 'pkg', 'connector', 'resource_types.go'), SNIPPET.replace('"svc:ListOthers"', '"svc:ListOthers", "svc:GetOther"'));
    git('commit', '-qam', 'second');
    const read = readBatonAws(dir, first);
    expect(read.source).toEqual({ repository: 'ConductorOne/baton-aws', commit: first, file: 'pkg/connector/resource_types.go', blob: git('rev-parse', `${first}:pkg/connector/resource_types.go`) });
    expect(read.types[1].actions).toEqual(['svc:ListOthers']);
    expect(readBatonAws(dir).types[1].actions).toEqual(['svc:ListOthers', 'svc:GetOther']);
    expect(() => readBatonAws(dir, 'no-such-commit')).toThrow(/rev-parse/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the script without a repository is a usage error (exit 2)', () => {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'baton-aws-permissions.js')], { encoding: 'utf8' });
  expect({ code: r.status, stderr: r.stderr }).toEqual({ code: 2, stderr: expect.stringContaining('usage: node scripts/baton-aws-permissions.js') });
});

describe('the fixture', () => {
  test('names its source: baton-aws at a commit, the file and its blob', () => {
    expect(fixture.source).toEqual({
      repository: 'ConductorOne/baton-aws',
      commit: expect.stringMatching(/^[0-9a-f]{40}$/),
      file: 'pkg/connector/resource_types.go',
      blob: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
  });

  test('is exactly what the script writes for its own content (sorted, nothing hand-added)', () => {
    const types = Object.entries(fixture.resource_types).map(([id, t]) => ({ id, line: t.line, optInRequired: t.opt_in_required, actions: t.actions }));
    expect(renderFixture(types, fixture.source)).toBe(fixtureText);
    for (const [id, t] of Object.entries(fixture.resource_types)) {
      expect({ id, line: Number.isInteger(t.line) && t.line > 0, actions: t.actions.length > 0, unique: new Set(t.actions).size === t.actions.length }).toEqual({ id, line: true, actions: true, unique: true });
    }
  });

  test('every declared action is in the action catalogue (connector/src/policy/actions.json), spelled as AWS does', () => {
    const unknown = Object.entries(fixture.resource_types).flatMap(([id, t]) => t.actions.filter((a) => !levels.has(a)).map((a) => `${id}: ${a}`));
    expect(unknown).toEqual([]);
  });

  test('covers every resource type an opt-in capability serves, and those serve every type baton-aws marks OptInRequired', () => {
    // (The always-on capabilities also serve identity_provider, c1-aws's extension, which baton-aws lacks.)
    const optInTypes = allCapabilities().filter((c) => c.optIn).flatMap((c) => c.resourceTypes);
    expect(optInTypes.filter((t) => !(t in fixture.resource_types))).toEqual([]);
    const marked = Object.entries(fixture.resource_types).filter(([, t]) => t.opt_in_required).map(([id]) => id);
    expect(marked.filter((t) => !optInTypes.includes(t))).toEqual([]);
  });
});

describe('the generated opt-in documents', () => {
  test('are fresh, with the README tables: npm run generate:policies would change nothing', async () => {
    const files = (await generatedFiles()) as Array<{ file: string; actual: string; expected: string }>;
    expect(files.map((f) => path.relative(REPO_ROOT, f.file)).sort()).toEqual(
      [
        'modules/conductorone-aws-role/README.md',
        ...['capabilities.json', ...allCapabilities().filter((c) => c.optIn).map((c) => `${c.id}.json`)].map((f) => `modules/conductorone-aws-role/policies/${f}`),
      ].sort(),
    );
    for (const f of files) expect({ file: path.relative(REPO_ROOT, f.file), text: f.actual }).toEqual({ file: path.relative(REPO_ROOT, f.file), text: f.expected });
  });

  test.each(allCapabilities().filter((c) => c.optIn).map((c) => [c.id, c] as const))('%s: every declared read, no declared write, and only what baton-aws or c1-aws calls', (_id, cap) => {
    const m = JSON.parse(readFileSync(path.join(REPO_ROOT, 'modules/conductorone-aws-role/policies/capabilities.json'), 'utf8')).capabilities[cap.id];
    const declared = [
      ...cap.resourceTypes.flatMap((t) => fixture.resource_types[t].actions),
      ...Object.entries(m.declared_elsewhere as Record<string, string[]>).flatMap(([t, actions]) => actions.filter((a) => fixture.resource_types[t].actions.includes(a))),
    ];
    const reads = declared.filter((a) => READ_LEVELS.includes(levels.get(a)));
    const writes = declared.filter((a) => !READ_LEVELS.includes(levels.get(a)));
    for (const a of reads) expect(cap.actions).toContain(a);
    for (const a of writes) expect(cap.actions).not.toContain(a);
    expect(cap.actions.filter((a) => !reads.includes(a) && !m.connector_calls.includes(a))).toEqual([]);
  });

  test('the read rule bites: baton-aws declares provisioning actions for these types, and none is granted', () => {
    // If baton-aws stopped declaring them this test would prove nothing: it must see at least these.
    const granted = new Set(allCapabilities().filter((c) => c.optIn).flatMap((c) => c.actions));
    for (const a of ['iam:AttachUserPolicy', 'iam:DeleteUserPolicy', 'sso:CreateAccountAssignment']) {
      expect(Object.values(fixture.resource_types).some((t) => t.actions.includes(a))).toBe(true);
      expect(granted.has(a)).toBe(false);
    }
  });
});
