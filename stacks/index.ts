/**
 * The package's entry (`@c1-aws-kit/conductorone-aws-role`): the HCL module as a CDKTF construct, for a user's app.
 * The repository's two stacks (role-stacks.ts) are its own app, not part of the package: a user's app brings its own
 * stack and provider.
 */
export { ConductorOneAwsRole, moduleDirectory, moduleInterface } from './conductorone-aws-role';
export type { ConductorOneAwsRoleProps, ModuleInterface } from './conductorone-aws-role';
