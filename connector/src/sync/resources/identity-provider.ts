/** SAML and OIDC providers: principals of federated role grants; they hold no entitlements of their own. */
import { RESOURCE_TYPES } from '../../model/ids';
import type { ResourceTypeSyncer } from '../engine';
import type { AwsSyncState } from '../aws/state';
import type { Resource } from '../types';
import { accountRef, acrossAccounts, compact } from './common';

export const identityProviderSyncer: ResourceTypeSyncer<AwsSyncState> = {
  type: RESOURCE_TYPES.identity_provider,
  build: acrossAccounts((s) => {
    const saml = s.samlProviders.map(
      (p): Resource => ({
        id: { resourceType: 'identity_provider', resource: p.arn },
        parent: accountRef(s),
        displayName: p.arn.slice(p.arn.indexOf(':saml-provider/') + ':saml-provider/'.length),
        profile: compact({ aws_arn: p.arn, aws_provider_type: 'saml', aws_created: p.createDate, aws_valid_until: p.validUntil }),
      }),
    );
    const oidc = s.oidcProviders.map(
      (arn): Resource => ({
        id: { resourceType: 'identity_provider', resource: arn },
        parent: accountRef(s),
        // The issuer URL (host and path) is the ARN's resource part.
        displayName: arn.slice(arn.indexOf(':oidc-provider/') + ':oidc-provider/'.length),
        profile: { aws_arn: arn, aws_provider_type: 'oidc' },
      }),
    );
    return { resources: [...saml, ...oidc], entitlements: [], grants: [] };
  }),
};
