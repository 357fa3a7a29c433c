/** `c1-aws revoke`: take an entitlement away; the same ids as grant, or one --grant id. See grant.ts. */
import type { Command } from 'commander';
import { addProvisionOptions, runProvision } from './grant';

export function register(program: Command): void {
  const cmd = program
    .command('revoke')
    .description('Take an entitlement away from a principal (by --grant id or the three ids); already revoked exits 0');
  addProvisionOptions(cmd, 'revoke').action((raw) => runProvision('revoke', raw));
}
