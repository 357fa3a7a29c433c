/**
 * The two stacks of the app. Provider settings come from the environment (profile, AWS_REGION, AWS_ENDPOINT_URL in
 * tests), as for any AWS user; `region` only overrides it when set.
 */
import { Construct } from 'constructs';
import { Fn, TerraformOutput, TerraformStack, TerraformVariable, ref } from 'cdktf';

// cdktf cannot synthesize a JS null inside an output value; Terraform's own null it can.
const NULL = ref('null');
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ConductorOneInputs, ToggleName } from './inputs';
import { ConductorOneRole } from './conductorone-role';

export interface ConductorOneStackProps {
  /**
   * Toggles this stack decides; the others are variables defaulting to false.
   * @default {} - every toggle is a variable, like the HCL module
   */
  readonly fixed?: Partial<Record<ToggleName, boolean>>;
}

export class ConductorOneStack extends TerraformStack {
  readonly inputs: ConductorOneInputs;
  readonly role: ConductorOneRole;

  constructor(scope: Construct, id: string, props: ConductorOneStackProps = {}) {
    super(scope, id);
    const region = new TerraformVariable(this, 'region', {
      type: 'string',
      nullable: true,
      description: 'Region of the AWS provider; null = from the environment (AWS_REGION, profile). IAM itself is global.',
    });
    region.addOverride('default', null); // cdktf cannot render a null default from the config
    new AwsProvider(this, 'aws', { region: region.stringValue });

    this.inputs = new ConductorOneInputs(this, 'inputs', { fixed: props.fixed });
    this.role = new ConductorOneRole(this, 'role', this.inputs.roleProps());

    const output = (id: string, value: unknown, description: string, sensitive = false) =>
      new TerraformOutput(this, id, { value, description, sensitive }).overrideLogicalId(id);
    output('role_arn', this.role.role.arn, 'ARN of the role: paste it into ConductorOne\'s connector settings.');
    output('role_name', this.role.role.name, 'Name of the role.');
    output('role_unique_id', this.role.role.uniqueId, 'Stable unique ID of the role.');
    output('external_id', this.inputs.variables.external_id.stringValue, 'The external ID the trust policy requires.', true);
    output('enabled_capabilities', this.role.enabledCapabilities, 'Sorted ids of the enabled capabilities.');
    output('inline_policy_names', this.role.inlinePolicyNames, 'Names of the role\'s inline policies, one per enabled capability, in capability id order.');
    const roleProps = this.inputs.roleProps();
    const identityCenter = roleProps.enableIdentityCenter ?? false;
    output('conductorone_settings', {
      aws_role_arn: this.role.role.arn,
      aws_orgs_enable: roleProps.enableOrganizations ?? false,
      aws_sso_enable: identityCenter,
      aws_sso_region: identityCenter === false ? NULL : identityCenter === true ? roleProps.identityCenterRegion : Fn.conditional(identityCenter, roleProps.identityCenterRegion, NULL),
    }, 'What to enter in ConductorOne\'s AWS connector settings, keyed as conductorone_integration_aws_v2\'s arguments.');
    output('sync_step_status', this.role.stepStatus, 'What the validation step does after each change of the role, or why it is off.');
    output('sync_snapshot_path', this.role.syncSnapshotPath, 'Absolute path of the snapshot the sync step writes (sync_step = "sync"), else "".');
    output('sync_report_path', this.role.syncReportPath, 'With sync_assume_role, the file the step writes its reports to (Terraform hides its output), else "".');
  }
}

/** One account, IAM sync; Organizations and Identity Center are fixed off, provisioning is a variable. */
export class SingleAccountStack extends ConductorOneStack {
  constructor(scope: Construct, id: string) {
    super(scope, id, { fixed: { enable_organizations: false, enable_identity_center: false } });
  }
}

/** The organization's management account: Organizations and Identity Center on, provisioning a variable. */
export class ManagementAccountStack extends ConductorOneStack {
  constructor(scope: Construct, id: string) {
    super(scope, id, { fixed: { enable_organizations: true, enable_identity_center: true } });
  }
}
