/**
 * `npm run bench:sync`: seeds moto at 1k and then 10k IAM users (500 groups, 1k roles, 3 memberships a user) with an
 * organization of 20 accounts and an Identity Center of 5k users, 300 groups, 50 permission sets; runs a full sync
 * in a child process per scale (so its peak RSS is the sync's alone) and prints calls per API, wall time and peak
 * RSS beside the calls baton-aws's per-entity strategy would make for the same estate (reference
 * conductorone-aws.md 3.5, 3.6). Not a test: figures depend on the machine. Exits non-zero only if a run fails.
 *
 *   npm run bench:sync [-- --scales 1000,10000]
 * Worker mode (internal): `--worker <out.json>` syncs the estate moto holds (endpoint from AWS_ENDPOINT_URL).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createAwsContext } from '../../connector/src/aws';
import { serializeSnapshot, syncAws, writeFileAtomic } from '../../connector/src/sync';
import { MOTO_CREDENTIALS, MOTO_REGION, REPO_ROOT, startMoto } from '../harness/moto';
import { IdentityCenterScaleSpec, seedIamScale, seedIdentityCenterScale } from '../harness/seed-estate';

const IAM = { groups: 500, roles: 1000, membershipsPerUser: 3 };
const IC: IdentityCenterScaleSpec = { users: 5000, groups: 300, membershipsPerUser: 2, permissionSets: 50, accounts: 20, assignmentsPerAccount: 25 };
/** IAM list calls besides GAAD: aliases, SAML, OIDC providers, and the credential report (generate + get). */
const FIXED_IAM_CALLS = 5;

interface WorkerResult {
  wallMs: number;
  maxRssMb: number;
  calls: Record<string, number>;
  totalCalls: number;
  counts: Record<string, number>;
  grants: number;
  assignmentStrategy?: string;
  pairs: number;
}

async function worker(out: string): Promise<void> {
  const started = Date.now();
  const ctx = createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, ssoRegion: MOTO_REGION });
  const r = await syncAws(ctx, { organizations: true, identityCenter: true, concurrency: 16 });
  writeFileAtomic(out, serializeSnapshot(r.snapshot));
  ctx.destroy();
  const result: WorkerResult = {
    wallMs: Date.now() - started,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    calls: r.stats.calls,
    totalCalls: r.stats.totalCalls,
    counts: r.stats.counts,
    grants: r.stats.grants,
    assignmentStrategy: r.stats.assignmentStrategy,
    pairs: r.stats.calls['sso:ListAccountAssignments'] ?? 0,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/**
 * baton-aws's calls for the same estate (its default page sizes: 100 for IAM and Identity Store lists, 20 for
 * ListAccounts). core: the identity and grant syncers the issue lists (List* pages, GetGroup per group, GetRole
 * per role, ListAccessKeys per user, ListGroupMemberships per SSO group, ListAccountAssignments per account x
 * provisioned permission set, DescribePermissionSet per set...). full: plus its policy syncers' per-principal
 * ListAttached*Policies and List*Policies, which run by default (3.4).
 */
function batonCalls(e: { users: number; groups: number; roles: number; membershipsPerGroup: number; pairs: number }) {
  const pages = (n: number, size = 100) => Math.max(1, Math.ceil(n / size));
  const core =
    pages(e.users) + e.users /* ListAccessKeys */ +
    pages(e.groups) + e.groups * pages(e.membershipsPerGroup) /* GetGroup */ +
    pages(e.roles) + e.roles /* GetRole */ +
    1 /* ListAccountAliases */ + 1 /* GetCallerIdentity */ + pages(IC.accounts, 20) +
    1 /* ListInstances */ + pages(IC.users) + pages(IC.groups) + IC.groups * pages((IC.users * IC.membershipsPerUser) / IC.groups) +
    pages(IC.permissionSets) + IC.permissionSets /* DescribePermissionSet */ + IC.accounts /* ListPermissionSetsProvisionedToAccount */ + e.pairs;
  const policies = 2 * (e.users + e.groups + e.roles);
  const iamCore = pages(e.users) + e.users + pages(e.groups) + e.groups * pages(e.membershipsPerGroup) + pages(e.roles) + e.roles + 1;
  return { core, full: core + policies, iamCore, iamFull: iamCore + policies };
}

function runWorker(env: NodeJS.ProcessEnv, out: string): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-r', 'tsx/cjs', __filename, '--worker', out], { env, cwd: REPO_ROOT, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`sync worker failed: ${stderr.slice(-2000)}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as WorkerResult);
    });
  });
}

async function main(): Promise<void> {
  const arg = process.argv.indexOf('--scales');
  const scales = (arg > 0 ? process.argv[arg + 1] : '1000,10000').split(',').map(Number).sort((a, b) => a - b);
  const moto = await startMoto();
  const dir = mkdtempSync(path.join(tmpdir(), 'c1-bench-'));
  const log = (m: string) => process.stderr.write(`${m}\n`);
  Object.assign(process.env, moto.env, { AWS_MAX_ATTEMPTS: '3' });
  const seedCtx = createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: 3 });
  const rows: string[] = [];
  const apiRows = new Map<string, Record<number, number>>();
  try {
    let t = Date.now();
    await seedIdentityCenterScale(seedCtx, IC);
    log(`seeded Identity Center (${IC.users} users, ${IC.groups} groups, ${IC.users * IC.membershipsPerUser} memberships, ${IC.permissionSets} permission sets, ${IC.accounts} accounts, ${IC.accounts * IC.assignmentsPerAccount} assignments) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    let seeded = 0;
    for (const scale of scales) {
      t = Date.now();
      await seedIamScale(seedCtx, { fromUser: seeded, toUser: scale, ...IAM, withGroupsAndRoles: seeded === 0 });
      seeded = scale;
      const seedS = (Date.now() - t) / 1000;
      log(`seeded IAM to ${scale} users (+${IAM.groups} groups, ${IAM.roles} roles, ${IAM.membershipsPerUser} memberships a user) in ${seedS.toFixed(1)} s; syncing...`);
      const r = await runWorker({ ...process.env, ...moto.env, AWS_MAX_ATTEMPTS: '3' }, path.join(dir, `snapshot-${scale}.json`));
      const entities = scale + IAM.groups + IAM.roles;
      const iamCalls = Object.entries(r.calls).filter(([k]) => k.startsWith('iam:')).reduce((a, [, v]) => a + v, 0);
      const awsIam = Math.ceil(entities / 1000) + FIXED_IAM_CALLS;
      const totalOnAws = r.totalCalls - (r.calls['iam:GetAccountAuthorizationDetails'] ?? 0) + Math.ceil(entities / 1000);
      const baton = batonCalls({ users: scale, groups: IAM.groups, roles: IAM.roles, membershipsPerGroup: (scale * IAM.membershipsPerUser) / IAM.groups, pairs: r.pairs });
      rows.push(
        `| ${scale} | ${seedS.toFixed(0)} | ${(r.wallMs / 1000).toFixed(1)} | ${r.maxRssMb.toFixed(0)} | ${iamCalls} (AWS: ${awsIam}; target ≤ ${Math.ceil(entities / 1000) + 2 + FIXED_IAM_CALLS}) | ${r.totalCalls} (AWS: ${totalOnAws}) | ${baton.core} / ${baton.full} | ${((100 * totalOnAws) / baton.core).toFixed(1)}% / ${((100 * totalOnAws) / baton.full).toFixed(1)}% | ${baton.iamCore} / ${baton.iamFull} | ${((100 * awsIam) / baton.iamCore).toFixed(2)}% / ${((100 * awsIam) / baton.iamFull).toFixed(2)}% | ${r.grants} | ${r.assignmentStrategy} |`,
      );
      for (const [api, n] of Object.entries(r.calls)) apiRows.set(api, { ...(apiRows.get(api) ?? {}), [scale]: n });
    }
  } finally {
    seedCtx.destroy();
    await moto.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const out = [
    '',
    '| IAM users | seed s | sync wall s | peak RSS MB | IAM calls (moto; on AWS) | total calls (moto; on AWS) | baton-aws calls core / full | ours vs baton core / full | baton-aws IAM calls core / full | ours (IAM on AWS) vs baton IAM | grants | assignments read |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `| calls per API | ${scales.join(' | ')} |`,
    `|---|${scales.map(() => '---').join('|')}|`,
    ...[...apiRows.keys()].sort().map((api) => `| ${api} | ${scales.map((s) => apiRows.get(api)![s] ?? 0).join(' | ')} |`),
    '',
    'moto returns GAAD in one page; "on AWS" counts it as ceil(entities/1000) pages. Targets: sync wall < 60 s, peak RSS < 512 MB at the largest scale.',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

if (process.argv[2] === '--worker') {
  void worker(process.argv[3]).catch((e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  });
} else {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exit(1);
  });
}

