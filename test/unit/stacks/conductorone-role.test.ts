/**
 * The construct's synthesized resources: one inline policy per enabled capability whose document is the capability
 * file with its placeholders resolved, the trust policy's shape, preconditions, and no deprecated inline_policy.
 */
import { TerraformVariable } from 'cdktf';
import { ConductorOneRole, ConductorOneRoleProps, renderDocument as renderConstructDocument } from '../../../stacks/conductorone-role';
import defaults from '../../../modules/conductorone-aws-role/defaults.json';
import grammar from '../../../modules/conductorone-aws-role/grammar.json';
import manifest from '../../../modules/conductorone-aws-role/policies/capabilities.json';
import { CAPABILITY_IDS, Toggles, capability, enabledCapabilities, renderDocument } from '../../../connector/src/policy/capabilities';
import { ACCOUNT, PARTITION, jsonencodeArg, synth } from './synth-helpers';

const EXTERNAL_ID = 'a'.repeat(32);

function synthRole(props: Partial<ConductorOneRoleProps> = {}) {
  return synth((scope) => {
    new ConductorOneRole(scope, 'role', { externalId: EXTERNAL_ID, ...props });
  });
}

const ALL_TOGGLES: Toggles[] = [];
for (const organizations of [false, true])
  for (const identity_center of [false, true])
    for (const provisioning of [false, true]) if (organizations || !identity_center) ALL_TOGGLES.push({ organizations, identity_center, provisioning });

describe('ConductorOneRole', () => {
  describe.each(ALL_TOGGLES)('toggles %j', (toggles) => {
    const json = synthRole({ enableOrganizations: toggles.organizations, enableIdentityCenter: toggles.identity_center, enableProvisioning: toggles.provisioning });
    const expected = enabledCapabilities(toggles);

    it('creates one inline policy per enabled capability, named as in capabilities.json', () => {
      const policies = json.resource!.aws_iam_role_policy;
      expect(Object.keys(policies).sort()).toEqual(expected.map((c) => c.id));
      for (const c of expected) {
        expect(policies[c.id].name).toBe(c.policyName);
        expect(policies[c.id].role).toBe('${aws_iam_role.this.id}');
        expect(policies[c.id].count).toBeUndefined();
      }
    });

    it('gives each policy its capability document with the placeholders resolved', () => {
      for (const c of expected) {
        const doc = jsonencodeArg(json.resource!.aws_iam_role_policy[c.id].policy);
        const want = renderDocument(c.document, { partition: PARTITION, accountId: ACCOUNT });
        // The statements capabilities.json scopes (by Sid) get the group scope: the path resource with the default
        // path "/" here (narrowing is checked below); every other statement is the file as written.
        const scoped: string[] = manifest.capabilities[c.id].scoped_statements;
        const pathResource = manifest.provisioning_group_scope.path_resource.replace('${partition}', PARTITION).replace('${account_id}', ACCOUNT).replace('${group_path}', '/');
        for (const s of want.Statement) if (s.Sid !== undefined && scoped.includes(s.Sid)) s.Resource = [pathResource];
        expect(doc).toEqual(want);
      }
    });

    it('reads the organization only when Organizations is enabled, and checks the management account', () => {
      expect(json.data!.aws_organizations_organization !== undefined).toBe(toggles.organizations);
      const preconditions = json.resource!.aws_iam_role.this.lifecycle.precondition as { condition: string; error_message: string }[];
      const org = preconditions.find((p) => p.condition.includes('master_account_id'));
      expect(org !== undefined).toBe(toggles.organizations);
      if (org) {
        expect(org.condition).toBe('${(data.aws_organizations_organization.this.master_account_id == data.aws_caller_identity.current.account_id)}');
        expect(org.error_message).toMatch(/400 when the integration is saved/);
        expect(org.error_message).toMatch(/management account \$\{data\.aws_organizations_organization\.this\.master_account_id\}/);
        expect(org.error_message).toMatch(/enable_organizations = false/);
      }
    });

    it('makes the enabled policies exclusive and lists them in capability id order', () => {
      const exclusive = json.resource!.aws_iam_role_policies_exclusive.this;
      expect(exclusive.role_name).toBe('${aws_iam_role.this.name}');
      expect(exclusive.policy_names).toEqual(expected.map((c) => `\${aws_iam_role_policy.${c.id}.name}`));
    });
  });

  it('writes the trust policy: AssumeRole by the trusted principal with the external ID condition', () => {
    const json = synthRole({ trustedPrincipalArn: 'arn:aws:iam::111122223333:role/Svc' });
    const trust = jsonencodeArg(json.resource!.aws_iam_role.this.assume_role_policy);
    expect(trust).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:role/Svc' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': [EXTERNAL_ID] } } }],
    });
  });

  it('accepts the additional external IDs beside the main one', () => {
    const json = synth((scope) => {
      const ids = new TerraformVariable(scope, 'ids', { type: 'list(string)' });
      new ConductorOneRole(scope, 'role', { externalId: EXTERNAL_ID, additionalExternalIds: ids.listValue });
    });
    expect(json.resource!.aws_iam_role.this.assume_role_policy).toContain(`"sts:ExternalId" = concat(["${EXTERNAL_ID}"], var.ids)`);
  });

  it('uses defaults.json for unset inputs and never the deprecated inline_policy block', () => {
    const json = synthRole({ enableOrganizations: true, enableIdentityCenter: true, enableProvisioning: true });
    const role = json.resource!.aws_iam_role.this;
    expect(role).toMatchObject({ name: 'ConductorOneIntegration', path: '/', max_session_duration: 3600 });
    expect(role.inline_policy).toBeUndefined();
    expect(role.managed_policy_arns).toBeUndefined();
    expect(JSON.stringify(json)).not.toContain('inline_policy"');
  });

  it('checks the trusted principal partition and the aggregate policy size at plan', () => {
    const json = synthRole();
    // The first precondition checks the external ID.
    const role = json.resource!.aws_iam_role.this.lifecycle.precondition.slice(1);
    expect(role[0].condition).toBe('${(element(split(":", "arn:aws:iam::765656841499:role/ConductorOneService"), 1) == data.aws_partition.current.partition)}');
    expect(role[0].error_message).toMatch(/^trusted_principal_arn is in partition/);
    const size = json.resource!.aws_iam_role_policies_exclusive.this.lifecycle.precondition[0];
    expect(size.condition).toBe('${(sum([length(aws_iam_role_policy.iam_sync.policy)]) < 10240)}');
  });

  it('narrows IAM group provisioning to the listed groups, else to the group path', () => {
    const json = synth((scope) => {
      const arns = new TerraformVariable(scope, 'arns', { type: 'list(string)' });
      const path = new TerraformVariable(scope, 'path', { type: 'string' });
      new ConductorOneRole(scope, 'role', { externalId: EXTERNAL_ID, enableProvisioning: true, provisioningGroupArns: arns.listValue, provisioningGroupPath: path.stringValue });
    });
    expect(json.locals!.iam_group_resources).toBe(`\${(length(var.arns) >= 1) ? var.arns : ["arn:${PARTITION}:iam::${ACCOUNT}:group\${var.path}*"]}`);
    const doc = jsonencodeArg(json.resource!.aws_iam_role_policy.iam_provisioning.policy);
    expect(doc.Statement[0].Resource).toBe('<ref:local.iam_group_resources>');
    expect(json.resource!.aws_iam_role.this.lifecycle.precondition.map((p: any) => p.error_message).join('\n')).toMatch(/Each provisioning_group_arns entry must be a group of this role's account/);
  });

  it('counts a policy, and reads the organization, when its toggle is a Terraform variable', () => {
    const json = synth((scope) => {
      const v = (id: string) => new TerraformVariable(scope, id, { type: 'bool' }).booleanValue;
      new ConductorOneRole(scope, 'role', { externalId: EXTERNAL_ID, enableOrganizations: v('orgs'), enableIdentityCenter: v('ic'), enableProvisioning: v('prov') });
    });
    const policies = json.resource!.aws_iam_role_policy;
    expect(Object.keys(policies).sort()).toEqual([...CAPABILITY_IDS]);
    expect(policies.iam_sync.count).toBeUndefined();
    expect(policies.iam_provisioning.count).toBe('${var.prov ? 1 : 0}');
    expect(policies.identity_center_provisioning.count).toBe('${(var.ic && var.prov) ? 1 : 0}');
    expect(json.data!.aws_organizations_organization.this.count).toBe('${var.orgs ? 1 : 0}');
    expect(capability('iam_sync').policyName).toBe(policies.iam_sync.name);
  });

  it('narrows exactly the statements capabilities.json lists by Sid, and refuses a listed Sid the document lacks', () => {
    const vars = { partition: 'aws', account_id: '111111111111' };
    const GROUPS = ['GROUPS'];
    for (const id of CAPABILITY_IDS) {
      const doc = renderConstructDocument(id, capability(id).document, vars, GROUPS);
      const scoped: string[] = manifest.capabilities[id].scoped_statements;
      for (const s of doc.Statement) expect({ id, sid: s.Sid, scoped: s.Resource === (GROUPS as unknown) }).toEqual({ id, sid: s.Sid, scoped: scoped.includes(s.Sid!) });
    }
    expect(manifest.capabilities.iam_provisioning.scoped_statements).toEqual(['ManageIamGroupMembership']);
    const renamed = { ...capability('iam_provisioning').document, Statement: capability('iam_provisioning').document.Statement.map((s) => ({ ...s, Sid: 'Renamed' })) };
    expect(() => renderConstructDocument('iam_provisioning', renamed, vars, ['GROUPS'])).toThrow(/scoped_statements names ManageIamGroupMembership, which policies\/iam_provisioning\.json does not have/);
  });

  it('applies ConductorOne\'s 32-65 rule to the external IDs with its principal, STS\'s 2-1224 with another', () => {
    const messages = (props: Partial<ConductorOneRoleProps>) =>
      synthRole({ additionalExternalIds: ['b'.repeat(40)], ...props }).resource!.aws_iam_role.this.lifecycle.precondition.slice(0, 2) as { condition: string; error_message: string }[];
    const c1 = grammar.rules.external_id_conductorone;
    const sts = grammar.rules.external_id;
    const withDefault = messages({});
    expect(withDefault.map((p) => p.error_message)).toEqual([`external_id ${c1.rule}.`, `Each additional_external_ids entry ${c1.rule}.`]);
    expect(withDefault[0].condition).toContain(`>= ${c1.min_length} && length("${EXTERNAL_ID}") <= ${c1.max_length}`);
    const withOwn = messages({ trustedPrincipalArn: 'arn:aws:iam::111122223333:role/Own' });
    expect(withOwn.map((p) => p.error_message)).toEqual([`external_id ${sts.rule}.`, `Each additional_external_ids entry ${sts.rule}.`]);
    expect(withOwn[0].condition).toContain(`>= ${sts.min_length} && length("${EXTERNAL_ID}") <= ${sts.max_length}`);
    // A principal given as a Terraform variable: the rule is chosen at plan.
    const json = synth((scope) => {
      const principal = new TerraformVariable(scope, 'principal', { type: 'string' });
      new ConductorOneRole(scope, 'role', { externalId: EXTERNAL_ID, trustedPrincipalArn: principal.stringValue });
    });
    const p = json.resource!.aws_iam_role.this.lifecycle.precondition[0];
    const isC1 = `try(split(":", var.principal)[4], "") == "${defaults.trusted_principal_arn.split(':')[4]}"`;
    expect(p.condition).toContain(`(${isC1} ? (length("${EXTERNAL_ID}") >= ${c1.min_length}`);
    expect(p.condition).toContain(`: (length("${EXTERNAL_ID}") >= ${sts.min_length}`);
    expect(p.error_message).toBe(`external_id \${${isC1} ? ${JSON.stringify(c1.rule)} : ${JSON.stringify(sts.rule)}}.`);
  });

  it('runs `c1-aws step` without a shell: the CLI argv as interpreter, "step" as command, every value in environment', () => {
    const json = synth((scope) => {
      const argv = new TerraformVariable(scope, 'argv', { type: 'list(string)' });
      const arns = new TerraformVariable(scope, 'arns', { type: 'list(string)' });
      new ConductorOneRole(scope, 'role', {
        externalId: EXTERNAL_ID,
        additionalExternalIds: ['n'.repeat(40)],
        enableProvisioning: true,
        provisioningGroupArns: arns.listValue,
        provisioningGroupPath: '/c1/',
        connectorCommand: argv.listValue,
      });
    });
    const step = json.resource!.terraform_data.sync_step;
    expect(step.provisioner).toEqual([{ 'local-exec': { interpreter: '${local.connector_argv}', command: 'step', environment: '${local.sync_step_environment}' } }]);
    const bundled = '${path.module}/../../../connector/bin/c1-aws.js';
    expect(json.locals!.connector_argv).toBe(`\${var.argv != null ? var.argv : (fileexists("${bundled}") ? ["node", abspath("${bundled}")] : null)}`);
    expect(json.locals!.external_id_digests).toBe(`\${nonsensitive([for v in concat(["${EXTERNAL_ID}"], ["${'n'.repeat(40)}"]) : nonsensitive(sha256(v))])}`);
    const env: string = json.locals!.sync_step_environment;
    expect(env).toContain('"BATON_EXTERNAL_ID_SHA256" = join(",", local.external_id_digests)');
    expect(env).toContain('(length(var.arns) >= 1) ? {"BATON_PROVISIONING_GROUP_ARNS" = jsonencode(var.arns)} : {"BATON_PROVISIONING_GROUP_PATH" = "/c1/"}');
    expect(env).not.toMatch(/BATON_EXTERNAL_ID"/);
    // Stored and shown by plan: the digests only as a sensitive value.
    expect(step.triggers_replace.external_ids).toBe('${sensitive(local.external_id_digests)}');
    expect(JSON.stringify(json)).not.toMatch(/npx/);
  });

  it('gives no group scope to the step without provisioning, and the external ID itself only when assuming the role', () => {
    const plain = synthRole().locals!.sync_step_environment as string;
    expect(plain).not.toContain('BATON_PROVISIONING_GROUP');
    expect(plain).toMatch(/, \{\}, \{\}\)\}$/);
    const assumed = synthRole({ syncAssumeRole: true }).locals!.sync_step_environment as string;
    expect(assumed).toContain(`"BATON_EXTERNAL_ID" = "${EXTERNAL_ID}"`);
  });
});
