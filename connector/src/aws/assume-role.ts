/**
 * Assumes the target role with the external ID and returns a credential provider that refreshes itself: every call
 * returns cached credentials until 5 minutes before they expire, then assumes again (baton-aws lost long syncs to
 * expired chained sessions, issue #144). A freshly created role may not be assumable for a while (IAM eventual
 * consistency): AccessDenied is retried with backoff for up to `propagationTimeoutMs` before giving up.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { isAccessDenied } from './errors';

export interface AssumeRoleOptions {
  roleArn: string;
  /** The per-tenant external ID; never logged. */
  externalId?: string;
  /** Identifies this tool in CloudTrail. */
  sessionName?: string;
  durationSeconds?: number;
  /** How long to keep retrying AccessDenied after a role was created (default 90 s). */
  propagationTimeoutMs?: number;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export const DEFAULT_SESSION_NAME = 'c1-aws-connector';
export const DEFAULT_ASSUME_DURATION_SECONDS = 3600;
export const DEFAULT_PROPAGATION_TIMEOUT_MS = 90_000;
const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

export class AssumeRoleError extends Error {
  constructor(message: string, readonly cause?: unknown) {
    super(message);
    this.name = 'AssumeRoleError';
  }
}

export function assumeRoleProvider(sts: STSClient, opts: AssumeRoleOptions): AwsCredentialIdentityProvider {
  const sleep = opts.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const now = opts.now ?? Date.now;
  const budget = opts.propagationTimeoutMs ?? DEFAULT_PROPAGATION_TIMEOUT_MS;
  let cached: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;

  async function assumeOnce(): Promise<AwsCredentialIdentity> {
    const started = now();
    let delay = 1000;
    for (let attempt = 1; ; attempt++) {
      try {
        const out = await sts.send(
          new AssumeRoleCommand({
            RoleArn: opts.roleArn,
            ExternalId: opts.externalId,
            RoleSessionName: opts.sessionName ?? DEFAULT_SESSION_NAME,
            DurationSeconds: opts.durationSeconds ?? DEFAULT_ASSUME_DURATION_SECONDS,
          }),
        );
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey) throw new AssumeRoleError(`AssumeRole of ${opts.roleArn} returned no credentials`);
        return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
      } catch (e) {
        const waited = now() - started;
        if (!isAccessDenied(e)) {
          throw new AssumeRoleError(`cannot assume ${opts.roleArn}: ${(e as Error).message}`, e);
        }
        if (waited + delay > budget) {
          throw new AssumeRoleError(
            `cannot assume ${opts.roleArn}: access denied for ${Math.round(waited / 1000)} s over ${attempt} attempts. ` +
              'A role created seconds ago can take a while to become assumable (IAM eventual consistency); after 90 s the ' +
              "cause is more likely the role's trust policy (principal or sts:ExternalId condition) or the caller's own " +
              `permission to call sts:AssumeRole. AWS said: ${(e as Error).message}`,
            e,
          );
        }
        await sleep(delay);
        delay = Math.min(delay * 2, 15_000);
      }
    }
  }

  return async () => {
    const fresh = cached && (!cached.expiration || cached.expiration.getTime() - now() > REFRESH_BEFORE_EXPIRY_MS);
    if (fresh) return cached!;
    pending ??= assumeOnce().finally(() => (pending = undefined));
    cached = await pending;
    return cached;
  };
}
