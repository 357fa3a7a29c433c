/**
 * The stack's Terraform variables, mirroring modules/conductorone-aws-role/variables.tf: same names, types, sensitive
 * flags, and validations built from grammar.json so a message names the input and the rule. Defaults come from
 * defaults.json (the module defaults to null and falls back to the same file in main.tf, so the effective value is
 * the same).
 */
import { Construct } from 'constructs';
import { IResolvable, TerraformVariable } from 'cdktf';
import defaults from '../modules/conductorone-aws-role/defaults.json';
import { NUMBER_RULES, NumberRuleName, STRING_RULES, StringRuleName } from '../connector/src/grammar/rules';
import type { ConductorOneRoleProps } from './conductorone-role';

/** The toggle variables a stack may fix instead of declaring. */
export type ToggleName = 'enable_organizations' | 'enable_identity_center' | 'enable_provisioning';

export interface ConductorOneInputsProps {
  /**
   * Toggles the stack decides itself: not declared as variables, passed to the role as constants.
   * @default - every toggle is a variable defaulting to false
   */
  readonly fixed?: Partial<Record<ToggleName, boolean>>;
}

const DEFAULT_GROUP_PATH: string = defaults.provisioning_group_path;

// An HCL string literal; JSON's escapes are a subset of HCL's.
const hcl = (s: string) => JSON.stringify(s);

/** Terraform 1.11 does not short-circuit `||`, so null guards use the conditional operator. */
function stringCheck(rule: StringRuleName, value: string): string {
  const r = STRING_RULES[rule];
  return `length(${value}) >= ${r.min_length} && length(${value}) <= ${r.max_length} && can(regex(${hcl(r.pattern)}, ${value}))`;
}

function numberCheck(rule: NumberRuleName, value: string): string {
  const r = NUMBER_RULES[rule];
  return `${value} >= ${r.min} && ${value} <= ${r.max} && floor(${value}) == ${value}`;
}

export class ConductorOneInputs extends Construct {
  readonly variables: Record<string, TerraformVariable> = {};
  private readonly fixed: Partial<Record<ToggleName, boolean>>;

  constructor(scope: Construct, id: string, props: ConductorOneInputsProps = {}) {
    super(scope, id);
    this.fixed = props.fixed ?? {};

    // The external IDs are checked by preconditions of the role (ConductorOneRole), not validations: Terraform 1.11
    // prints a sensitive variable's value in a failed validation's diagnostic, not in a precondition's.
    this.declare('external_id', {
      type: 'string',
      sensitive: true,
      nullable: false,
      description: 'External ID shown in ConductorOne (connector settings, "External ID"); the trust policy requires it.',
    });
    this.declare('additional_external_ids', {
      type: 'list(string)',
      default: [],
      sensitive: true,
      nullable: false,
      description: 'More external IDs the trust policy accepts, e.g. while rotating to a new ConductorOne tenant.',
    });
    this.declare('role_name', { type: 'string', default: defaults.role_name, nullable: false, description: 'Name of the IAM role.' })
      .addValidation(stringRule('role_name', 'role_name'));
    this.declare('role_path', { type: 'string', default: defaults.role_path, nullable: false, description: 'Path of the IAM role.' })
      .addValidation(stringRule('role_path', 'role_path'));
    this.declare('permissions_boundary_arn', {
      type: 'string',
      nullable: true,
      description: 'ARN of a managed policy to set as the role\'s permissions boundary, or null for none.',
    }, null).addValidation({
      condition: `\${var.permissions_boundary_arn == null ? true : (${stringCheck('policy_arn', 'var.permissions_boundary_arn')})}`,
      errorMessage: `permissions_boundary_arn ${STRING_RULES.policy_arn.rule}.`,
    });
    this.declare('max_session_duration', {
      type: 'number',
      default: defaults.max_session_duration,
      nullable: false,
      description: 'Maximum session duration of the role, in seconds.',
    }).addValidation({ condition: `\${${numberCheck('max_session_duration', 'var.max_session_duration')}}`, errorMessage: `max_session_duration ${NUMBER_RULES.max_session_duration.rule}.` });
    this.declare('tags', { type: 'map(string)', default: {}, nullable: false, description: 'Tags of the IAM role.' });
    this.toggle('enable_organizations', 'Let ConductorOne list the organization\'s accounts; the role must be in the management account.');
    const ic = this.toggle('enable_identity_center', 'Let ConductorOne sync IAM Identity Center (requires enable_organizations).');
    if (ic && this.fixed.enable_organizations === undefined) {
      // Terraform 1.9+ lets a validation read another variable.
      ic.addValidation({
        condition: '${var.enable_identity_center ? var.enable_organizations : true}',
        errorMessage: 'enable_identity_center requires enable_organizations = true: Identity Center is read through the organization\'s management account.',
      });
    }
    if (this.fixed.enable_identity_center !== false) {
      this.declare('identity_center_region', {
        type: 'string',
        default: defaults.identity_center_region,
        nullable: false,
        description: 'Region of the IAM Identity Center instance (entered in ConductorOne\'s settings).',
      }).addValidation(stringRule('region', 'identity_center_region'));
    }
    this.toggle('enable_provisioning', 'Let ConductorOne change IAM group memberships (and Identity Center assignments when enabled).');
    this.declare('trusted_principal_arn', {
      type: 'string',
      default: defaults.trusted_principal_arn,
      nullable: false,
      description: 'The ConductorOne principal allowed to assume the role.',
    }).addValidation(stringRule('trusted_principal_arn', 'trusted_principal_arn'));
    if (this.fixed.enable_provisioning !== false) {
      const arns = this.declare('provisioning_group_arns', {
        type: 'list(string)',
        default: [],
        nullable: false,
        description: 'IAM groups ConductorOne may add users to and remove them from; empty = every group under provisioning_group_path.',
      });
      arns.addValidation({
        condition: `\${alltrue([for v in var.provisioning_group_arns : ${stringCheck('group_arn', 'v')}])}`,
        errorMessage: `Each provisioning_group_arns entry ${STRING_RULES.group_arn.rule}.`,
      });
      // Terraform 1.9+ lets a validation read another variable.
      arns.addValidation({
        condition: '${length(var.provisioning_group_arns) == 0 ? true : var.provisioning_group_path == "/"}',
        errorMessage: 'provisioning_group_arns and provisioning_group_path are alternatives: list the groups, or give the path of the groups, not both.',
      });
      this.declare('provisioning_group_path', {
        type: 'string',
        default: DEFAULT_GROUP_PATH,
        nullable: false,
        description: 'When provisioning_group_arns is empty, ConductorOne may manage the groups under this path only.',
      }).addValidation(stringRule('group_path', 'provisioning_group_path'));
    }

    // The validation step (ConductorOneRole): c1-aws validate, or validate + sync, after every change of the role.
    this.declare('sync_step', {
      type: 'string',
      default: defaults.sync_step,
      nullable: false,
      description: 'What runs after the role and its policies change: "validate" (c1-aws validate with the deployer\'s credentials), "sync" (validate, then c1-aws sync --output sync_snapshot_path) or "off".',
    }).addValidation({ condition: '${contains(["off", "validate", "sync"], var.sync_step)}', errorMessage: 'sync_step must be "off", "validate" or "sync".' });
    this.declare('sync_snapshot_path', {
      type: 'string',
      default: defaults.sync_snapshot_path,
      nullable: false,
      description: 'File the sync step writes its snapshot to; a relative path is relative to the stack directory (path.root).',
    });
    this.declare('connector_command', {
      type: 'list(string)',
      nullable: true,
      description: 'The c1-aws CLI as an argv list, run without a shell with the argument "step" added: ["c1-aws"] for a CLI on PATH, or ["node", "/opt/c1-aws/connector/bin/c1-aws.js"]. null: this repository\'s connector/bin/c1-aws.js when found from the stack directory, else the step is off.',
    }, null).addValidation({
      condition: '${var.connector_command == null ? true : (length(var.connector_command) > 0 && alltrue([for a in var.connector_command : length(a) > 0]))}',
      errorMessage: 'connector_command must be null or a non-empty list of non-empty strings: the program, then its arguments (e.g. ["c1-aws"] or ["node", "/opt/c1-aws/connector/bin/c1-aws.js"]); it runs without a shell.',
    });
    this.declare('sync_assume_role', {
      type: 'bool',
      default: false,
      nullable: false,
      description: 'Let the step assume the role with the external ID; Terraform then hides its output, and the report goes to the sync_report_path file.',
    });
  }

  /** The role's props: variables where declared, constants where fixed. */
  roleProps(): ConductorOneRoleProps {
    const v = this.variables;
    const toggle = (name: ToggleName): boolean | IResolvable => this.fixed[name] ?? v[name].booleanValue;
    return {
      externalId: v.external_id.stringValue,
      additionalExternalIds: v.additional_external_ids.listValue,
      roleName: v.role_name.stringValue,
      rolePath: v.role_path.stringValue,
      permissionsBoundaryArn: v.permissions_boundary_arn.stringValue,
      maxSessionDuration: v.max_session_duration.numberValue,
      tags: v.tags.value,
      enableOrganizations: toggle('enable_organizations'),
      enableIdentityCenter: toggle('enable_identity_center'),
      identityCenterRegion: v.identity_center_region?.stringValue,
      enableProvisioning: toggle('enable_provisioning'),
      trustedPrincipalArn: v.trusted_principal_arn.stringValue,
      provisioningGroupArns: v.provisioning_group_arns?.listValue,
      provisioningGroupPath: v.provisioning_group_path?.stringValue,
      syncStep: v.sync_step.stringValue,
      syncSnapshotPath: v.sync_snapshot_path.stringValue,
      connectorCommand: v.connector_command.listValue,
      syncAssumeRole: v.sync_assume_role.booleanValue,
    };
  }

  /** `nullDefault`: cdktf cannot render `default = null` from the config, so it is set as an override. */
  private declare(name: string, config: ConstructorParameters<typeof TerraformVariable>[2], nullDefault?: null): TerraformVariable {
    const variable = new TerraformVariable(this, name, config);
    variable.overrideLogicalId(name);
    if (nullDefault === null) variable.addOverride('default', null);
    this.variables[name] = variable;
    return variable;
  }

  private toggle(name: ToggleName, description: string): TerraformVariable | undefined {
    if (this.fixed[name] !== undefined) return undefined;
    return this.declare(name, { type: 'bool', default: false, nullable: false, description });
  }
}

/** A validation of one string variable against one grammar rule. */
function stringRule(rule: StringRuleName, variable: string) {
  return { condition: `\${${stringCheck(rule, `var.${variable}`)}}`, errorMessage: `${variable} ${STRING_RULES[rule].rule}.` };
}
