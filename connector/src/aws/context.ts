/**
 * The only place that constructs AWS SDK clients. Everything else receives an AwsContext, so the same code runs
 * against AWS, against moto (endpoints from AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE>, read by the SDK itself)
 * and against in-process fault handlers (requestHandler).
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { STSClient } from '@aws-sdk/client-sts';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { assumeRoleProvider, AssumeRoleOptions } from './assume-role';
import { CallCounter } from './call-counter';
import { retryDelayScale, scaledRetryStrategy } from './retry';

export type RetryMode = 'standard' | 'adaptive';

export interface AwsAccessOptions {
  /** Region for regional clients and STS; IAM and Organizations are global but still need one to sign. */
  region?: string;
  /** Identity Center's region (sso-admin, identitystore); defaults to `region`. */
  ssoRegion?: string;
  /** Assume this role (with the external ID) and make every call as it; else use the base credentials as they are. */
  assume?: AssumeRoleOptions;
  /** Base credentials; default: the SDK's provider chain (env, profiles, SSO, container, instance). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  retryMode?: RetryMode;
  maxAttempts?: number;
  /** Replaces the HTTP handler of every client (fault injection in tests). */
  requestHandler?: unknown;
  /** Counts calls per API; one is made when absent. */
  calls?: CallCounter;
}

export interface AwsContext {
  region: string;
  ssoRegion: string;
  sts: STSClient;
  iam: IAMClient;
  organizations: OrganizationsClient;
  ssoAdmin: SSOAdminClient;
  identityStore: IdentitystoreClient;
  /** ListStackInstances only (validate's member-account check: stack-instances.ts). */
  cloudFormation: CloudFormationClient;
  /** The credentials every client signs with (assumed-role ones when `assume` was given). */
  credentials: AwsCredentialIdentityProvider;
  calls: CallCounter;
  /** The options this context was made with (chained contexts reuse its region, retry and handler settings). */
  options: AwsAccessOptions;
  destroy(): void;
}

export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_RETRY_MODE: RetryMode = 'adaptive';
export const DEFAULT_MAX_ATTEMPTS = 5;

/** Reads retry settings: explicit options, then AWS_RETRY_MODE / AWS_MAX_ATTEMPTS, then our defaults (adaptive, 5). */
export function retrySettings(opts: Pick<AwsAccessOptions, 'retryMode' | 'maxAttempts'>, env = process.env) {
  const envMode = env.AWS_RETRY_MODE === 'standard' || env.AWS_RETRY_MODE === 'adaptive' ? env.AWS_RETRY_MODE : undefined;
  const envAttempts = env.AWS_MAX_ATTEMPTS && /^\d+$/.test(env.AWS_MAX_ATTEMPTS) ? Number(env.AWS_MAX_ATTEMPTS) : undefined;
  return {
    retryMode: opts.retryMode ?? envMode ?? DEFAULT_RETRY_MODE,
    maxAttempts: opts.maxAttempts ?? envAttempts ?? DEFAULT_MAX_ATTEMPTS,
  };
}

export function createAwsContext(opts: AwsAccessOptions = {}): AwsContext {
  const region = opts.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? DEFAULT_REGION;
  const ssoRegion = opts.ssoRegion ?? region;
  const calls = opts.calls ?? new CallCounter();
  const retry = retrySettings(opts);
  // C1_AWS_RETRY_DELAY_SCALE (aws/retry.ts): the same strategy with shorter waits; one per client, as the SDK makes.
  const scale = retryDelayScale();
  const retryStrategy = () => scaledRetryStrategy(retry.retryMode, retry.maxAttempts, scale);
  const base = (opts.credentials ?? fromNodeProviderChain()) as AwsCredentialIdentityProvider;
  const common = () => {
    const strategy = retryStrategy();
    return {
      ...retry,
      ...(strategy ? { retryStrategy: strategy } : {}),
      ...(opts.requestHandler ? { requestHandler: opts.requestHandler as never } : {}),
    };
  };
  const baseSts = new STSClient({ ...common(), region, credentials: base });
  calls.attach(baseSts);
  const credentials = opts.assume ? assumeRoleProvider(baseSts, opts.assume) : base;
  const clients = {
    sts: new STSClient({ ...common(), region, credentials }),
    iam: new IAMClient({ ...common(), region, credentials }),
    organizations: new OrganizationsClient({ ...common(), region, credentials }),
    ssoAdmin: new SSOAdminClient({ ...common(), region: ssoRegion, credentials }),
    identityStore: new IdentitystoreClient({ ...common(), region: ssoRegion, credentials }),
    cloudFormation: new CloudFormationClient({ ...common(), region, credentials }),
  };
  for (const c of Object.values(clients)) calls.attach(c);
  return {
    region,
    ssoRegion,
    ...clients,
    credentials,
    calls,
    options: { ...opts, region, ssoRegion, calls },
    destroy() {
      baseSts.destroy();
      for (const c of Object.values(clients)) c.destroy();
    },
  };
}

/** baton-aws's session name for member accounts (aws_client_factory.go), so CloudTrail shows the same as for it. */
export const CROSS_ACCOUNT_SESSION_NAME = 'BatonCrossAccountSession';
/** AWS caps a session reached by role chaining at one hour. */
export const CHAINED_SESSION_MAX_SECONDS = 3600;

export interface ChainOptions {
  /** Injected for tests (the refresh clock). */
  now?: () => number;
  sessionName?: string;
}

/**
 * A context in a member account: its credentials come from AssumeRole of `roleArn` made with the parent context's
 * own session (role chaining, as baton-aws does: no external ID, session BatonCrossAccountSession, 1 h, the most a
 * chained session may last). They refresh themselves 5 minutes before they expire (assume-role.ts), and the parent's
 * do too, so a sync longer than an hour keeps going. AccessDenied is not retried (no propagation wait): a member
 * role either exists and trusts the management role or it does not. Calls count into the parent's counter.
 */
export function createChainedContext(parent: AwsContext, roleArn: string, opts: ChainOptions = {}): AwsContext {
  const credentials = assumeRoleProvider(parent.sts, {
    roleArn,
    sessionName: opts.sessionName ?? CROSS_ACCOUNT_SESSION_NAME,
    durationSeconds: CHAINED_SESSION_MAX_SECONDS,
    propagationTimeoutMs: 0,
    now: opts.now,
  });
  const { assume: _assume, ...rest } = parent.options;
  return createAwsContext({ ...rest, credentials, calls: parent.calls });
}
