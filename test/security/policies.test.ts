/**
 * parliament and cloudsplaining over every capability document as the HCL module renders it (every toggle on, in a
 * `terraform plan` against moto: test/harness/module-policies.ts), so the scanners see what ships, narrowing included.
 * - Every document: no malformed element, unknown prefix/action, or resource that does not fit its action.
 * - Read capabilities (*_sync): no privilege escalation, credentials exposure or data exfiltration, even with
 *   cloudsplaining's flag-all mode (which ignores resource constraints).
 * - Every document's complete finding set equals the expected list below (one line of reason each): a new finding,
 *   from a changed document or from a new scanner version, fails the test and must be reviewed here.
 * Both scanners run once, in one Python process, over all documents (plus two control documents that prove the
 * scanners see what we assert they do not).
 */
import { allCapabilities } from '../../connector/src/policy/capabilities';
import { MEMBER_ACCOUNTS_KEY, moduleRenderings, RENDERED_ACCOUNT } from '../harness/module-policies';
import { findingLines, PolicyScanReport, scanPolicies } from './scanners';

const ACCOUNT = RENDERED_ACCOUNT;

/** Expected findings per capability, with the reason each is accepted. Sync capabilities expect none. */
const EXPECTED: Record<string, Record<string, string>> = {
  iam_sync: {},
  organizations_sync: {},
  identity_center_sync: {},
  // The optional reads: List and Read actions only (their provisioning actions are never granted).
  policy_sync: {
    'parliament:INVALID_ARN:':
      'arn:<partition>:iam::aws:policy/*: AWS managed policies (AdministratorAccess...) carry the account "aws" in their ARN, which parliament expects as 12 digits; baton-aws reads them with iam:GetPolicy and iam:GetPolicyVersion',
  },
  access_key_sync: {},
  permission_set_sync: {},
  organization_hierarchy_sync: {},
  iam_provisioning: {
    'parliament:PERMISSIONS_MANAGEMENT_ACTIONS:iam:addusertogroup,iam:removeuserfromgroup':
      'group membership is what IAM provisioning grants and revokes; only under the provisioning toggle',
    'parliament:PRIVILEGE_ESCALATION:AddUserToGroup:iam:addusertogroup':
      'adding a user to a group hands it the group policies: that is the grant ConductorOne performs; scoped to group/* of this account',
    'cloudsplaining(all):PrivilegeEscalation:AddUserToGroup:iam:addusertogroup':
      'same as parliament PRIVILEGE_ESCALATION above (flag-all mode only: the statement is resource-scoped)',
    'cloudsplaining(all):ResourceExposure:iam:AddUserToGroup': 'membership changes count as permissions management; the capability itself',
    'cloudsplaining(all):ResourceExposure:iam:RemoveUserFromGroup': 'membership changes count as permissions management; the capability itself',
    'cloudsplaining(all):InfrastructureModification:iam:AddUserToGroup': 'write action of the capability; resource-scoped to groups',
    'cloudsplaining(all):InfrastructureModification:iam:RemoveUserFromGroup': 'write action of the capability; resource-scoped to groups',
  },
  member_accounts_access: {
    'parliament:CREDENTIALS_EXPOSURE:sts:assumerole':
      'assuming the member role returns its credentials: that is the capability (a read-only role, IAM sync; group membership only with enable_member_provisioning), limited to that role name and path in this organization (aws:ResourceOrgID)',
    'cloudsplaining(all):CredentialsExposure:sts:AssumeRole': 'same as parliament CREDENTIALS_EXPOSURE above (flag-all mode only: the statement is resource-scoped)',
    'cloudsplaining(all):InfrastructureModification:sts:AssumeRole': 'cloudsplaining counts AssumeRole as a write; flag-all mode only, the statement is resource-scoped',
  },
  identity_center_provisioning: {
    'cloudsplaining(all):InfrastructureModification:identitystore:CreateGroupMembership': 'grant of Identity Store group membership; the capability itself',
    'cloudsplaining(all):InfrastructureModification:identitystore:DeleteGroupMembership': 'revoke of Identity Store group membership; the capability itself',
    'cloudsplaining(all):InfrastructureModification:sso:CreateAccountAssignment': 'grant of a permission set in an account; the capability itself',
    'cloudsplaining(all):InfrastructureModification:sso:DeleteAccountAssignment': 'revoke of a permission set in an account; the capability itself',
  },
};

/** Issues that mean a document is wrong, whatever the capability. */
const DOCUMENT_ERRORS = [
  'MALFORMED',
  'MALFORMED_JSON',
  'UNKNOWN_PREFIX',
  'UNKNOWN_ACTION',
  'UNKNOWN_PRINCIPAL',
  'UNKNOWN_FEDERATION_SOURCE',
  'UNKNOWN_OPERATOR',
  'MISMATCHED_TYPE',
  'UNKNOWN_CONDITION_FOR_ACTION',
  'RESOURCE_MISMATCH',
  'RESOURCE_STAR',
  'BAD_PATTERN_FOR_MFA',
  'DENY_STAR',
];
const READ_FORBIDDEN_PARLIAMENT = ['PRIVILEGE_ESCALATION', 'CREDENTIALS_EXPOSURE', 'SENSITIVE_ACCESS', 'PERMISSIONS_MANAGEMENT_ACTIONS'];
const READ_FORBIDDEN_CLOUDSPLAINING = ['PrivilegeEscalation', 'CredentialsExposure', 'DataExfiltration'] as const;

const capabilities = allCapabilities();
const CONTROL = {
  // An action that does not exist, and a group action on a user ARN: parliament must report both.
  'control:unknown-and-mismatch': {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iam:ListUsersAndEverythingElse', Resource: '*' },
      { Effect: 'Allow', Action: 'iam:AddUserToGroup', Resource: `arn:aws:iam::${ACCOUNT}:role/x` },
    ],
  },
  // Unconstrained credential and escalation actions: cloudsplaining must report them in default mode.
  'control:escalation': {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['iam:CreateAccessKey', 'iam:PutRolePolicy', 'iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction', 'secretsmanager:GetSecretValue'], Resource: '*' }],
  },
};

let report: PolicyScanReport;
/** Inline policy names the module planned with every toggle on. */
let planned: string[];
beforeAll(async () => {
  // Every toggle on, member accounts included (the one rendering that holds every capability).
  const rendered = (await moduleRenderings())[MEMBER_ACCOUNTS_KEY].policies;
  planned = Object.keys(rendered).sort();
  const docs: Record<string, object> = { ...CONTROL };
  // A capability the module did not render is left out here and fails below (its report is missing).
  for (const c of capabilities) if (rendered[c.policyName]) docs[c.id] = rendered[c.policyName];
  report = scanPolicies(docs);
  // The findings, for the reader of the test log (and the issue's review of provisioning permissions).
  const lines = capabilities.filter((c) => report.policies[c.id]).map((c) => `${c.id}:\n${findingLines(report.policies[c.id]).map((l) => `  ${l}`).join('\n') || '  (no findings)'}`);
  console.log(`parliament ${report.versions.parliament}, cloudsplaining ${report.versions.cloudsplaining}\n${lines.join('\n')}`);
}, 600000);

test('with every toggle on, the module renders exactly one inline policy per capability of the manifest', () => {
  expect(planned).toEqual(capabilities.map((c) => c.policyName).sort());
});

test('the expected list covers exactly the capabilities of the manifest', () => {
  expect(Object.keys(EXPECTED).sort()).toEqual(capabilities.map((c) => c.id).sort());
});

test('control documents: the scanners report unknown actions, resource mismatches, escalation and credentials', () => {
  const p = report.policies['control:unknown-and-mismatch'].parliament.map((f) => f.issue);
  expect(p).toContain('UNKNOWN_ACTION');
  expect(p).toContain('RESOURCE_MISMATCH');
  const c = report.policies['control:escalation'].cloudsplaining.default;
  expect(c.PrivilegeEscalation.length).toBeGreaterThan(0);
  expect(c.CredentialsExposure).toContain('iam:CreateAccessKey');
  expect(c.DataExfiltration).toContain('secretsmanager:GetSecretValue');
});

describe.each(capabilities.map((c) => [c.id, c] as const))('%s', (id) => {
  test('parliament: no malformed element, unknown action or resource mismatch', () => {
    const errors = report.policies[id].parliament.filter((f) => DOCUMENT_ERRORS.includes(f.issue));
    expect(errors).toEqual([]);
  });

  if (id.endsWith('_sync')) {
    test('read capability: no privilege escalation, credentials exposure or data exfiltration (cloudsplaining both modes, parliament)', () => {
      const scan = report.policies[id];
      expect(scan.parliament.filter((f) => READ_FORBIDDEN_PARLIAMENT.includes(f.issue))).toEqual([]);
      for (const mode of ['default', 'all'] as const) {
        for (const cat of READ_FORBIDDEN_CLOUDSPLAINING) expect({ mode, cat, findings: scan.cloudsplaining[mode][cat] }).toEqual({ mode, cat, findings: [] });
      }
    });
  } else {
    test('provisioning capability: resource constraints leave nothing for cloudsplaining default mode (what checkov 286-290 use)', () => {
      const scan = report.policies[id];
      for (const items of Object.values(scan.cloudsplaining.default)) expect(items).toEqual([]);
    });
  }

  test('the findings are exactly the expected, reviewed list', () => {
    expect(findingLines(report.policies[id])).toEqual(Object.keys(EXPECTED[id]).sort());
  });
});
