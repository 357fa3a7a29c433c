/**
 * `npm run bench:members`: an organization of 100 member accounts x 100 IAM users each (10 groups with every user a
 * member of one, 10 roles, plus the member role and OrganizationAccountAccessRole), member roles deployed by a
 * service-managed StackSet (test/harness/seed-members.ts), in moto. A child process per run (so its peak RSS is the
 * sync's alone) syncs: first the management account alone (the single-account baseline), then with every member
 * account read through the member role. Prints wall time, peak RSS, AWS calls per member account beside the
 * single-account sync's, and baton-aws's calls for the same estate from its per-entity strategy (conductorone-aws.md
 * 3.5, 3.6). Not a test: figures depend on the machine. Exits non-zero only if a run fails.
 *
 *   npm run bench:members [-- --accounts 100 --users 100 --concurrency 16]
 * Worker mode (internal): `--worker <single|members> <concurrency>` syncs the estate moto holds.
 */
import { execFile } from 'node:child_process';
import { createAwsContext } from '../../connector/src/aws';
import { syncAws } from '../../connector/src/sync';
import { MOTO_REGION, REPO_ROOT, startMoto } from '../harness/moto';
import { EXTERNAL_ID, MANAGEMENT_ROLE_ARN, MEMBER_ROLE_NAME, seedMemberEstate } from '../harness/seed-members';

const GROUPS = 10;
const ROLES = 10;

interface WorkerResult {
  wallMs: number;
  maxRssMb: number;
  calls: Record<string, number>;
  totalCalls: number;
  resources: number;
  grants: number;
  warnings: number;
  membersSynced: number;
}

async function worker(kind: string, concurrency: number): Promise<void> {
  const started = Date.now();
  const keys = JSON.parse(process.env.C1_BENCH_DEPLOYER ?? '{}') as { accessKeyId: string; secretAccessKey: string };
  const ctx = createAwsContext({ credentials: keys, region: MOTO_REGION, assume: { roleArn: MANAGEMENT_ROLE_ARN, externalId: EXTERNAL_ID, propagationTimeoutMs: 0 } });
  const r = await syncAws(ctx, kind === 'members' ? { organizations: true, memberAccounts: { iamAssumeRoleName: MEMBER_ROLE_NAME }, concurrency } : { organizations: false, concurrency });
  ctx.destroy();
  const members = (r.snapshot.source.memberAccounts as { data: string }[] | undefined) ?? [];
  const result: WorkerResult = {
    wallMs: Date.now() - started,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    calls: r.stats.calls,
    totalCalls: r.stats.totalCalls,
    resources: r.snapshot.resources.length,
    grants: r.stats.grants,
    warnings: r.snapshot.warnings.length,
    membersSynced: members.filter((m) => m.data === 'synced').length,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runWorker(env: NodeJS.ProcessEnv, kind: string, concurrency: number): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-r', 'tsx/cjs', __filename, '--worker', kind, String(concurrency)], { env, cwd: REPO_ROOT, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`sync worker failed: ${stderr.slice(-2000)}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as WorkerResult);
    });
  });
}

/**
 * baton-aws's calls for one account's IAM (page size 100): iam_user ListUsers pages + ListAccessKeys per user
 * (GetAccessKeyLastUsed per key: none seeded), group ListGroups pages + GetGroup per group (a page per 100 members),
 * role ListRoles pages + GetRole per role; `full` adds its policy syncers' ListAttached*Policies and List*Policies per
 * principal (on by default, 3.4). A member account adds its AssumeRole (the client is cached per account).
 */
function batonPerAccount(users: number, groups: number, roles: number) {
  const pages = (n: number) => Math.max(1, Math.ceil(n / 100));
  const core = pages(users) + users + pages(groups) + groups * pages(users / Math.max(1, groups)) + pages(roles) + roles;
  return { core, full: core + 2 * (users + groups + roles) };
}

async function main(): Promise<void> {
  const arg = (name: string, d: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : d;
  };
  const accounts = arg('accounts', 100);
  const users = arg('users', 100);
  const concurrency = arg('concurrency', 16);
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const moto = await startMoto();
  Object.assign(process.env, moto.env, { AWS_MAX_ATTEMPTS: '3' });
  try {
    let t = Date.now();
    const estate = await seedMemberEstate({ targeted: accounts, users, groups: GROUPS, roles: ROLES, concurrency: 16 });
    log(`seeded ${accounts} member accounts x ${users} IAM users (+${GROUPS} groups, ${ROLES} roles each) with a StackSet in ${((Date.now() - t) / 1000).toFixed(0)} s; syncing...`);
    const env = { ...process.env, ...moto.env, AWS_MAX_ATTEMPTS: '3', C1_BENCH_DEPLOYER: JSON.stringify(estate.deployerKeys) };
    t = Date.now();
    const single = await runWorker(env, 'single', concurrency);
    const multi = await runWorker(env, 'members', concurrency);
    const orgCalls = (multi.calls['organizations:DescribeOrganization'] ?? 0) + (multi.calls['organizations:ListAccounts'] ?? 0);
    const perAccount = (multi.totalCalls - single.totalCalls - orgCalls) / accounts;
    // Each member account: 12 roles (10 seeded + the member role + OrganizationAccountAccessRole); the management account
    // holds only the management role and the deployer user, so its baton figure is small.
    const memberBaton = batonPerAccount(users, GROUPS, ROLES + 2);
    const mgmtBaton = batonPerAccount(1, 0, 1);
    const batonCore = mgmtBaton.core + 1 /* GetCallerIdentity */ + 1 /* ListAccountAliases */ + Math.ceil(accounts / 20) /* ListAccounts */ + accounts * (memberBaton.core + 1 /* AssumeRole */);
    const batonFull = batonCore + (mgmtBaton.full - mgmtBaton.core) + accounts * (memberBaton.full - memberBaton.core);
    const lines = [
      '',
      `| member accounts x IAM users | sync wall s | peak RSS MB | total calls | calls per member account | single-account sync calls | baton-aws calls core / full | ours vs baton core / full | accounts synced | resources | grants |`,
      '|---|---|---|---|---|---|---|---|---|---|---|',
      `| ${accounts} x ${users} | ${(multi.wallMs / 1000).toFixed(1)} | ${multi.maxRssMb.toFixed(0)} | ${multi.totalCalls} | ${perAccount.toFixed(2)} | ${single.totalCalls} | ${batonCore} / ${batonFull} | ${((100 * multi.totalCalls) / batonCore).toFixed(1)}% / ${((100 * multi.totalCalls) / batonFull).toFixed(1)}% | ${multi.membersSynced} of ${accounts} | ${multi.resources} | ${multi.grants} |`,
      '',
      `| calls per API | single account | ${accounts} member accounts |`,
      '|---|---|---|',
      ...[...new Set([...Object.keys(single.calls), ...Object.keys(multi.calls)])].sort().map((api) => `| ${api} | ${single.calls[api] ?? 0} | ${multi.calls[api] ?? 0} |`),
      '',
      `Concurrency ${concurrency} (accounts in flight). Targets: wall < 60 s, peak RSS < 512 MB, calls per member account within 2 of the single-account sync (${single.totalCalls}).`,
      `moto returns GAAD in one page; on AWS each member account's ${users + GROUPS + ROLES + 2} entities are one page too (1000 a page).`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await moto.stop();
  }
}

if (process.argv[2] === '--worker') {
  void worker(process.argv[3], Number(process.argv[4])).catch((e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  });
} else {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  });
}
