/** Check 6 (Identity Center on): an instance exists in the configured region; reports its identity store. */
import { ListInstancesCommand, InstanceMetadata } from '@aws-sdk/client-sso-admin';
import { describeAwsError } from '../aws/errors';
import { Check, fail, pass, skip } from './types';

export const identityCenterCheck: Check = {
  id: 'identity-center',
  title: 'Identity Center instance',
  needs: ['arn-syntax'],
  async run(ctx) {
    if (!ctx.config.toggles.identity_center) return skip('Identity Center support is off (--global-aws-sso-enabled)');
    const region = ctx.config.ssoRegion;
    const instances: InstanceMetadata[] = [];
    try {
      let token: string | undefined;
      do {
        const page = await ctx.aws().ssoAdmin.send(new ListInstancesCommand({ NextToken: token }));
        instances.push(...(page.Instances ?? []));
        token = page.NextToken;
      } while (token);
    } catch (e) {
      return fail(`sso:ListInstances in ${region} failed: ${describeAwsError(e)}`);
    }
    if (!instances.length) return fail(`no IAM Identity Center instance in ${region}: enable Identity Center there, or set --global-aws-sso-region to its region`);
    const first = instances[0];
    const details = { region, instanceArn: first.InstanceArn, identityStoreId: first.IdentityStoreId, instances: instances.length };
    // baton-aws uses the first instance; more than one is unusual enough to say so.
    const more = instances.length > 1 ? ` (${instances.length} instances; ConductorOne uses the first)` : '';
    return pass(`instance ${first.InstanceArn} in ${region}, identity store ${first.IdentityStoreId}${more}`, details);
  },
};
