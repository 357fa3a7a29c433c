/**
 * The external ID's rule depends on who is trusted. ConductorOne generates the ID and its connector (baton-aws)
 * refuses one outside 32 to 65 characters when it assumes the role through ConductorOne's principal
 * (grammar.json `external_id_conductorone`); a user who trusts another principal gets STS's own 2 to 1224
 * (`external_id`). Messages name the input and the rule, never the value: the ID is a secret.
 */
import defaults from '../../../modules/conductorone-aws-role/defaults.json';
import { checkString } from './check';
import type { StringRuleName } from './rules';

/** ConductorOne's principal, the default of every consumer (defaults.json trusted_principal_arn). */
export const CONDUCTORONE_PRINCIPAL_ARN: string = defaults.trusted_principal_arn;

/**
 * The grammar rule for the external ID: `external_id_conductorone` when the trusted principal is in ConductorOne's account,
 * `external_id` when it is another one or not known (a command that only assumes the role: STS's own limits).
 */
export function externalIdRule(trustedPrincipalArn: string | undefined): StringRuleName {
  return trustedPrincipalArn !== undefined && accountOf(trustedPrincipalArn) === CONDUCTORONE_ACCOUNT ? 'external_id_conductorone' : 'external_id';
}

const accountOf = (arn: string) => arn.split(':')[4];
/** Any principal of ConductorOne's account (its role however spelled, its root) is ConductorOne: its rule applies. */
export const CONDUCTORONE_ACCOUNT: string = accountOf(CONDUCTORONE_PRINCIPAL_ARN);

/** Checks an external ID for the given trusted principal; null when valid, else a message naming `input` and the rule. */
export function checkExternalId(value: unknown, trustedPrincipalArn: string | undefined, input = 'external ID'): string | null {
  return checkString(externalIdRule(trustedPrincipalArn), value, input);
}
