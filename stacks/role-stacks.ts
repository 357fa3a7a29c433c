/**
 * The two stacks of the app: each declares the module's inputs as Terraform variables (`cdktf deploy --var ...`),
 * except the toggles it fixes, calls the module (ConductorOneAwsRole) and re-exports its outputs. Names, types,
 * descriptions, defaults and sensitivity come from the module (its interface.json); validations,
 * preconditions and messages are the module's own. Provider settings come from the environment (profile, AWS_REGION,
 * AWS_ENDPOINT_URL in tests), as for any AWS user; `region` only overrides it when set.
 */
import * as path from 'node:path';
import { Construct } from 'constructs';
import { LocalBackend, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ConductorOneAwsRole, ConductorOneAwsRoleProps, moduleInterface, relativePath, stackDirectory } from './conductorone-aws-role';

/** The module's toggles a stack may fix instead of declaring. */
export type ToggleName =
  | 'enable_organizations'
  | 'enable_identity_center'
  | 'enable_provisioning'
  | 'enable_member_accounts'
  | 'enable_member_provisioning'
  | 'enable_permission_set_sync'
  | 'enable_organization_hierarchy_sync';

export interface ConductorOneStackProps {
  /**
   * Toggles this stack decides; the others are variables with the module's default.
   * @default {} - every input is a variable, as in the HCL module
   */
  readonly fixed?: Partial<Record<ToggleName, boolean>>;
}

const camelCase = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * A default as the stack writes it: attributes whose value is null left out of objects (at any depth), because
 * `cdktf synth --hcl` cannot render a null inside an object (0.21 crashes). The same default to Terraform: the
 * module's object types make those attributes optional, and an absent optional attribute is null.
 */
export function stackDefault(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stackDefault);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, stackDefault(v)]));
}

export class ConductorOneStack extends TerraformStack {
  readonly variables: Record<string, TerraformVariable> = {};
  readonly role: ConductorOneAwsRole;

  constructor(scope: Construct, id: string, props: ConductorOneStackProps = {}) {
    super(scope, id);
    // cdktf's own default, the project folder's terraform.<stack>.tfstate, but written relative to the stack's folder so
    // the synthesized HCL names no path of this machine.
    new LocalBackend(this, { path: relativePath(stackDirectory(this), path.resolve(`terraform.${id}.tfstate`)) });
    const fixed: Partial<Record<string, boolean>> = props.fixed ?? {};
    const region = new TerraformVariable(this, 'region', {
      type: 'string',
      nullable: true,
      description: 'Region of the AWS provider; null = from the environment (AWS_REGION, profile). IAM itself is global.',
    });
    region.addOverride('default', null); // cdktf cannot render a null default from the config
    new AwsProvider(this, 'aws', { region: region.stringValue });

    const config: Record<string, unknown> = {};
    const { inputs, outputs } = moduleInterface();
    for (const input of inputs) {
      if (fixed[input.name] !== undefined) {
        config[camelCase(input.name)] = fixed[input.name];
        continue;
      }
      // Construct ids: outputs keep the plain names (cdktf's outputs file and deploy summary print construct ids).
      const variable = new TerraformVariable(this, `var_${input.name}`, { type: input.type, description: input.description, sensitive: input.sensitive });
      variable.overrideLogicalId(input.name);
      // The module's default, null included (which cdktf's config cannot render).
      if (!input.required) variable.addOverride('default', stackDefault(input.default));
      this.variables[input.name] = variable;
      config[camelCase(input.name)] = variable.value;
    }
    this.role = new ConductorOneAwsRole(this, 'conductorone_aws_role', config as unknown as ConductorOneAwsRoleProps);
    this.role.overrideLogicalId('conductorone_aws_role');

    for (const output of outputs) {
      new TerraformOutput(this, output.name, {
        value: this.role.interpolationForOutput(output.name),
        description: output.description,
        sensitive: output.sensitive,
      }).overrideLogicalId(output.name);
    }
  }
}

/**
 * One account, IAM sync; Organizations, Identity Center and member accounts are fixed off, and with them the optional
 * reads that need them (permission sets, the organization hierarchy). Provisioning and the policy and access-key reads
 * are variables.
 */
export class SingleAccountStack extends ConductorOneStack {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      fixed: {
        enable_organizations: false,
        enable_identity_center: false,
        enable_member_accounts: false,
        enable_member_provisioning: false,
        enable_permission_set_sync: false,
        enable_organization_hierarchy_sync: false,
      },
    });
  }
}

/**
 * The organization's management account: Organizations and Identity Center on; provisioning, the member accounts
 * (enable_member_accounts: the StackSet's member role in every targeted account) and the four optional reads
 * (enable_policy_sync, enable_access_key_sync, enable_permission_set_sync, enable_organization_hierarchy_sync) are
 * variables.
 */
export class ManagementAccountStack extends ConductorOneStack {
  constructor(scope: Construct, id: string) {
    super(scope, id, { fixed: { enable_organizations: true, enable_identity_center: true } });
  }
}
