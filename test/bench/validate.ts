/**
 * `npm run bench:validate`: wall time of the real CLI `c1-aws validate` (a child process, start-up included, as the
 * Terraform step runs it) against moto, on a role with provisioning on: the capability policies as the module renders
 * them with provisioning_group_path "/conductorone/", and the scope passed as the step passes it
 * (BATON_PROVISIONING_GROUP_PATH). Median of N runs; beside it the same role with an administrator policy attached
 * (every action of the catalogue judged, the check's worst case), and the CLI's start-up alone (`validate --help`).
 * Not a test: figures depend on the machine.
 *
 *   npm run bench:validate [-- --runs 7]
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { AttachRolePolicyCommand, CreatePolicyCommand } from '@aws-sdk/client-iam';
import { createAwsContext } from '../../connector/src/aws';
import { MOTO_CREDENTIALS, MOTO_REGION, REPO_ROOT, startMoto } from '../harness/moto';
import { createRole, EXTERNAL_ID, loadModuleRenderings, ROLE_NAME, roleArn } from '../integration/validate/fixture';

const PROVISIONING = { organizations: false, identity_center: false, provisioning: true };
const SCOPE = { groupArns: [], groupPath: '/conductorone/' };

function runOnce(env: NodeJS.ProcessEnv, args: string[]): Promise<{ ms: number; code: number; stdout: string }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(REPO_ROOT, 'connector/bin/c1-aws.js'), 'validate', ...args], { env, cwd: REPO_ROOT }, (err, stdout) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({ ms, code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout });
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function series(label: string, runs: number, env: NodeJS.ProcessEnv, expectCode: number, args: string[] = []): Promise<string> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runOnce(env, args);
    if (r.code !== expectCode) throw new Error(`${label}: validate exited ${r.code}, expected ${expectCode}:\n${r.stdout}`);
    times.push(r.ms);
  }
  const f = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return `| ${label} | ${f(median(times))} | ${f(Math.min(...times))} | ${f(Math.max(...times))} | ${runs} | ${expectCode} |`;
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--runs');
  const runs = i > 0 ? Number(process.argv[i + 1]) : 7;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number of at least 1');
  const moto = await startMoto();
  try {
    process.env.AWS_ENDPOINT_URL = moto.endpoint;
    await loadModuleRenderings();
    await createRole({ toggles: PROVISIONING, scope: SCOPE });
    const env: NodeJS.ProcessEnv = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BATON_'))),
      ...moto.env,
      BATON_ROLE_ARN: roleArn(),
      BATON_EXTERNAL_ID: EXTERNAL_ID,
      BATON_PROVISIONING: 'true',
      BATON_PROVISIONING_GROUP_PATH: SCOPE.groupPath,
    };
    const rows = [`| role (provisioning on, groups under /conductorone/) | median | min | max | runs | exit |`, '|---|---|---|---|---|---|'];
    rows.push(await series('as the module renders it: all checks pass', runs, env, 0));

    const aws = createAwsContext({ credentials: MOTO_CREDENTIALS, region: MOTO_REGION, maxAttempts: 1 });
    const admin = await aws.iam.send(new CreatePolicyCommand({ PolicyName: 'Admin', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) }));
    await aws.iam.send(new AttachRolePolicyCommand({ RoleName: ROLE_NAME, PolicyArn: admin.Policy!.Arn! }));
    aws.destroy();
    rows.push(await series('with an administrator policy attached ("*" on "*"): check 4 fails', runs, env, 1));
    // What of the above is the CLI's start-up (node, tsx loader, SDK imports), not validate's work.
    rows.push(await series('for scale: `validate --help` (CLI start-up only, no AWS call)', runs, env, 0, ['--help']));
    console.log(`c1-aws validate, real CLI against moto (${moto.endpoint}), node ${process.version}\n`);
    console.log(rows.join('\n'));
  } finally {
    await moto.stop();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
