/** The package's entry (`@c1-aws-kit/conductorone-aws-role`): the construct and the two stacks, for a user's CDKTF app. */
export { ConductorOneRole } from './conductorone-role';
export type { ConductorOneRoleProps, Switch } from './conductorone-role';
export { ConductorOneStack, ManagementAccountStack, SingleAccountStack } from './role-stacks';
export type { ConductorOneStackProps } from './role-stacks';
