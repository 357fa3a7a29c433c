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

/** defaults.json may not carry every key yet; "/" is IAM's root path. */
const DEFAULT_GROUP_PATH: string = (defaults as Record<string, unknown>).provisioning_group_path as string | undefined ?? '/';

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

    this.declare('external_id', {
      type: 'string',
      sensitive: true,
      nullable: false,
      description: 'External ID shown in ConductorOne (connector settings, "External ID"); the trust policy requires it.',
    }).addValidation(stringRule('external_id', 'external_id'));
    this.declare('additional_external_ids', {
      type: 'list(string)',
      default: [],
      sensitive: true,
      nullable: false,
      description: 'More external IDs the trust policy accepts, e.g. while rotating to a new ConductorOne tenant.',
    }).addValidation({
      condition: `\${alltrue([for v in var.additional_external_ids : ${stringCheck('external_id', 'v')}])}`,
      errorMessage: `Each additional_external_ids entry ${STRING_RULES.external_id.rule}.`,
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
        condition: `\${alltrue([for v in var.provisioning_group_arns : length(v) <= ${STRING_RULES.role_arn.max_length} && can(regex(${hcl(groupArnPattern())}, v))])}`,
        errorMessage: `Each provisioning_group_arns entry ${GROUP_ARN_RULE}.`,
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
      }).addValidation(stringRule('role_path', 'provisioning_group_path'));
    }
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

const GROUP_ARN_RULE = 'must be an IAM group ARN arn:<partition>:iam::<12-digit account>:group/[<path>/]<name>, name of letters, digits and _+=,.@-';

/** grammar.json has no group rule (yet): a group ARN is a role ARN with "group/" for "role/". */
function groupArnPattern(): string {
  const rules = STRING_RULES as Record<string, { pattern: string }>;
  return rules.group_arn?.pattern ?? STRING_RULES.role_arn.pattern.replace(':role/', ':group/');
}
