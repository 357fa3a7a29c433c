/**
 * Member accounts' IAM, read through the member role (--iam-assume-role-name) by role chaining from the management
 * role's session, as baton-aws does (conductorone-aws.md 3.2), with two differences: an account whose role is missing
 * or denied becomes a warning naming the account and the reason (baton-aws logs it at info level and moves on), and
 * the chained credentials refresh themselves before their one-hour cap (baton-aws issue #144).
 *
 * Per account: AssumeRole, then the same reads as the management account's IAM minus sts:GetCallerIdentity (the
 * account is known), so the calls per account stay within 2 of a single-account sync. Accounts run in parallel,
 * at most `concurrency` at once; each account's clients are closed when it is done.
 *
 * Fail-soft only for "missing or denied": AccessDenied from AssumeRole (AWS answers a missing role and a trust policy
 * that does not let the management role in the same way) or from the required IAM read. Anything else (an STS
 * credential failure, a service error after retries) fails the sync: a partial snapshot that looks whole is worse.
 */
import type { AwsContext } from '../../aws';
import { createChainedContext, ChainOptions } from '../../aws/context';
import { AssumeRoleError } from '../../aws/assume-role';
import { describeAwsError, isAccessDenied } from '../../aws/errors';
import { mapLimit } from '../concurrency';
import type { PhaseProgress } from '../engine';
import * as iam from './iam';
import { AwsSyncState, emptyState, MemberAccountIam } from './state';

export interface MemberAccountsOptions {
  /** What baton-aws's --iam-assume-role-name holds: [path/]name, put after "role/". */
  iamAssumeRoleName: string;
  concurrency: number;
  credentialReport: boolean;
  /** Injected for tests (the chained credentials' refresh clock). */
  chain?: ChainOptions;
}

export class MemberAccountError extends Error {
  constructor(
    readonly accountId: string,
    accountName: string,
    readonly cause: unknown,
  ) {
    super(`account ${accountId} (${accountName}): ${describeAwsError(cause)}`);
    this.name = 'MemberAccountError';
  }
}

export const memberRoleArn = (partition: string, accountId: string, iamAssumeRoleName: string) => `arn:${partition}:iam::${accountId}:role/${iamAssumeRoleName}`;

const assumeDenied = (e: unknown) => e instanceof AssumeRoleError && isAccessDenied(e.cause);

/** The optional per-account reads: a denial leaves that part out with a warning, as for the management account. */
const OPTIONAL: { name: string; needs: string; leftOut: string; run: (ctx: AwsContext, s: AwsSyncState) => Promise<void> }[] = [
  { name: 'IAM account aliases', needs: 'iam:ListAccountAliases', leftOut: 'the account aliases', run: iam.fetchAccountAliases },
  { name: 'IAM SAML providers', needs: 'iam:ListSAMLProviders', leftOut: 'SAML providers and the role grants to them', run: iam.fetchSamlProviders },
  { name: 'IAM OIDC providers', needs: 'iam:ListOpenIDConnectProviders', leftOut: 'OIDC providers and the role grants to them', run: iam.fetchOidcProviders },
];

export async function fetchMemberAccounts(ctx: AwsContext, s: AwsSyncState, p: PhaseProgress, o: MemberAccountsOptions): Promise<void> {
  if (!s.accounts) {
    // Organizations was denied or is not in use: its phase already said so; there is no account list to go through.
    s.memberAccounts = [];
    p.warn({ source: 'member-accounts', message: "the organization's accounts could not be listed, so no member account's IAM was read" });
    return;
  }
  const management = s.organization?.managementAccountId ?? s.accountId;
  const members = s.accounts.filter((a) => a.status === 'ACTIVE' && a.id !== management && a.id !== s.accountId);
  p.total(members.length);
  s.memberAccounts = await mapLimit(members, o.concurrency, async (a): Promise<MemberAccountIam> => {
    const roleArn = memberRoleArn(s.partition, a.id, o.iamAssumeRoleName);
    const base = { accountId: a.id, name: a.name, roleArn };
    const member = createChainedContext(ctx, roleArn, o.chain);
    const missing = (reason: string): MemberAccountIam => {
      p.warn({ source: 'member-accounts', message: `account ${a.id} (${a.name}): its IAM is left out: ${reason}` });
      return { ...base, data: 'missing', reason };
    };
    try {
      const state = emptyState(s.ssoRegion);
      Object.assign(state, { accountId: a.id, partition: s.partition, callerArn: roleArn, iamParent: { resourceType: 'account_iam', resource: a.id }, optIn: s.optIn });
      try {
        await iam.fetchAuthorizationDetails(member, state, { total() {}, tick() {}, warn: (w) => p.warn(w) });
      } catch (e) {
        if (assumeDenied(e)) return missing(`cannot assume ${roleArn}: the role is missing, or its trust policy does not let the management role in (${describeAwsError((e as AssumeRoleError).cause)})`);
        if (isAccessDenied(e)) return missing(`${roleArn} may not call iam:GetAccountAuthorizationDetails (${describeAwsError(e)})`);
        throw e;
      }
      const reads = o.credentialReport
        ? [...OPTIONAL, { name: 'IAM credential report', needs: 'iam:GenerateCredentialReport, iam:GetCredentialReport', leftOut: "IAM users' password last used", run: (c: AwsContext, st: AwsSyncState) => iam.fetchCredentialReport(c, st) }]
        : OPTIONAL;
      for (const r of reads) {
        try {
          await r.run(member, state);
        } catch (e) {
          if (!isAccessDenied(e)) throw e;
          p.warn({ source: 'member-accounts', message: `account ${a.id} (${a.name}): access denied: needs ${r.needs}; left out: ${r.leftOut}` });
        }
      }
      return { ...base, data: 'synced', iam: state };
    } catch (e) {
      // Not "missing or denied": the sync fails, naming the account.
      throw new MemberAccountError(a.id, a.name, e);
    } finally {
      member.destroy();
      p.tick();
    }
  });
}
