/**
 * examples/conductorone-provider cannot be planned offline (its provider is not in the mirror), so its one
 * provider-specific trap is checked in the text: owner_user_ids must default to null. With [] the provider's read
 * replaces the list with the owners ConductorOne sets (RefreshFromGetResponse in
 * internal/provider/integration_aws_v2_resource_sdk.go, terraform-provider-conductorone be33b90) and the apply ends in
 * "Provider produced inconsistent result after apply".
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../harness/moto';

const dir = path.join(REPO_ROOT, 'examples', 'conductorone-provider');

test('owner_user_ids defaults to null and is passed as the integration\'s user_ids', () => {
  const variables = readFileSync(path.join(dir, 'variables.tf'), 'utf8');
  const block = /variable "owner_user_ids" \{([\s\S]*?)\n\}/.exec(variables)?.[1] ?? '';
  expect(block).toMatch(/^\s*default\s*=\s*null\s*$/m);
  expect(readFileSync(path.join(dir, 'main.tf'), 'utf8')).toMatch(/^\s*user_ids\s*=\s*var\.owner_user_ids\s*$/m);
});

test('the README names the settings the provider cannot set, with the module output that holds the value', () => {
  const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
  expect(readme).toContain('IAM assume role name (child IAM accounts)');
  expect(readme).toContain('member_accounts.iam_assume_role_name');
});
