/** The checks, in the order they run and are reported. */
import { arnSyntaxCheck } from './check-arn';
import { assumeCheck } from './check-assume';
import { identityCenterCheck } from './check-identity-center';
import { memberAccountsCheck } from './check-member-accounts';
import { organizationsCheck } from './check-organizations';
import { permissionsCheck } from './check-permissions';
import { roleExistsCheck } from './check-role';
import { trustPolicyCheck } from './check-trust';
import type { Check } from './types';

export const CHECKS: readonly Check[] = [arnSyntaxCheck, roleExistsCheck, trustPolicyCheck, permissionsCheck, organizationsCheck, identityCenterCheck, assumeCheck, memberAccountsCheck];
