/**
 * Bad input, collected: every value-taking CLI flag (and its environment variable) of every command gets hostile
 * values. Each must be refused with exit code 2 and a message naming the flag, before any AWS call (the endpoint is
 * a loopback server that counts requests) and without reaching a shell (the shell payloads would create a marker
 * file). Terraform inputs of the module and the stacks get the same treatment from test/fixtures/input-cases.json in
 * test/e2e/hcl-module-cases.test.ts and test/unit/stacks/variable-validation.test.ts.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../connector/src/cli';

const MARKER = path.join(os.tmpdir(), `c1-hostile-${process.pid}`);
const ROLE = 'arn:aws:iam::123456789012:role/ConductorOneIntegration';
const EXTERNAL_ID = 'e'.repeat(32);

const SHELL = [`$(touch ${MARKER})`, `\`touch ${MARKER}\``, `; touch ${MARKER}`, `| touch ${MARKER}`];
const INJECTION = ['"},{"Effect":"Allow","Principal":"*"', '${file("/etc/passwd")}', '%{ for x in y }', "' OR 1=1 --"];
const LOOKALIKES = ['аrn:aws:iam::123456789012:role/X' /* Cyrillic а */, 'arn:aws:iam::123456789012：role/X' /* full-width colon */, 'arn:aws:iam::123456789012:role/Χ' /* Greek Chi */];
const COMMON = ['', ' ', 'x'.repeat(5000), 'tab\there', 'new\nline', 'nul\u0000byte', ...SHELL, ...INJECTION, ...LOOKALIKES];
const ARN_WRONG = ['arn:aws-moon:iam::123456789012:role/X', 'arn:aws:iam::123456789012:user/X', 'arn:aws:s3:::bucket', 'arn:aws:iam::12345678901:role/X', 'arn:aws:iam::123456789012:role/' + 'n'.repeat(65)];
// Identity Center group patterns: wildcards only in the group id, no dot segments.
const SSO_SCOPE_WRONG = [
  'arn:aws:identitystore:us-east-1::*/group/*',
  'arn:aws:identitystore:us-east-1::d-12345*/group/*',
  'arn:*:identitystore:us-east-1::d-1234567890/group/*',
  'arn:aws:identitystore:*::d-1234567890/group/*',
  'arn:aws:identitystore:us-east-1::d-1234567890/group/../*',
  'arn:aws:identitystore:us-east-1::d-1234567890/group/./x',
  'arn:aws:identitystore:us-east-1::d-1234567890/group/%2e%2e',
  'arn:aws:identitystore:us-east-1::d-1234567890/user/*',
];
const NUMBER_WRONG = ['-1', '1e3', '0x10', '12abc', ...SHELL];

interface Case {
  command: string;
  flag: string;
  env?: string;
  values: string[];
  /** Flags the case needs beside its command's BASE (e.g. --provisioning for the group scope). */
  also?: string[];
}

const BASE: Record<string, string[]> = {
  validate: ['--role-arn', ROLE],
  sync: ['--output', path.join(os.tmpdir(), 'c1-hostile-snapshot.json')],
  grant: ['--entitlement', 'group:arn:aws:iam::123456789012:group/g:member', '--principal-type', 'iam_user', '--principal', 'arn:aws:iam::123456789012:user/u'],
  revoke: ['--entitlement', 'group:arn:aws:iam::123456789012:group/g:member', '--principal-type', 'iam_user', '--principal', 'arn:aws:iam::123456789012:user/u'],
};

const ACCESS: Omit<Case, 'command'>[] = [
  { flag: '--role-arn', env: 'BATON_ROLE_ARN', values: [...COMMON, ...ARN_WRONG] },
  { flag: '--external-id', env: 'BATON_EXTERNAL_ID', values: COMMON.filter((v) => v !== 'x'.repeat(5000)).concat(['a', 'x'.repeat(1225)]) },
  { flag: '--session-name', env: 'BATON_SESSION_NAME', values: COMMON },
  { flag: '--session-duration', env: 'BATON_SESSION_DURATION', values: [...NUMBER_WRONG, '899', '43201'] },
  { flag: '--global-region', env: 'BATON_GLOBAL_REGION', values: [...COMMON, 'US-EAST-1', 'us_east_1'] },
  { flag: '--max-attempts', env: 'AWS_MAX_ATTEMPTS', values: [...NUMBER_WRONG, '0', '1000'] },
  { flag: '--retry-mode', values: ['legacy', ...SHELL] },
  { flag: '--global-aws-sso-region', env: 'BATON_GLOBAL_AWS_SSO_REGION', values: [...COMMON, 'US-EAST-1'] },
  { flag: '--global-aws-orgs-enabled', env: 'BATON_GLOBAL_AWS_ORGS_ENABLED', values: ['maybe', ...SHELL] },
];

const CASES: Case[] = [
  ...['validate', 'sync', 'grant', 'revoke'].flatMap((command) =>
    ACCESS.filter((c) => !(command === 'validate' && c.flag === '--role-arn' && c.values === undefined)).map((c) => ({ command, ...c })),
  ),
  { command: 'validate', flag: '--trusted-principal-arn', values: [...COMMON, 'arn:aws:iam::765656841499:group/x', '*'] },
  { command: 'validate', flag: '--external-id-sha256', env: 'BATON_EXTERNAL_ID_SHA256', values: [...COMMON, 'a'.repeat(63), 'g'.repeat(64)] },
  // An empty list is "no groups listed" (the Terraform step passes join(",", [])), so '' and ' ' are not hostile here.
  { command: 'validate', flag: '--provisioning-group-arns', env: 'BATON_PROVISIONING_GROUP_ARNS', also: ['--provisioning'], values: [...COMMON.filter((v) => v.trim() !== ''), ...ARN_WRONG, 'arn:aws:iam::123456789012:group/a,arn:aws:iam::210987654321:group/b'] },
  { command: 'validate', flag: '--provisioning-group-path', env: 'BATON_PROVISIONING_GROUP_PATH', also: ['--provisioning'], values: [...COMMON, 'conductorone', '/conductorone', 'conductorone/'] },
  // An empty list is baton-sdk's "every type", so '' and ' ' are not hostile here; a type whose feature is off is.
  ...['validate', 'sync'].flatMap((command) => [
    { command, flag: '--sync-resource-types', env: 'BATON_SYNC_RESOURCE_TYPES', values: [...COMMON.filter((v) => v.trim() !== ''), 'IAM_USER', 'iam_user,', ',', 'iam_user,,role', 'sso_user', 'account_iam', 'iam-user'] },
    { command, flag: '--sync-secrets', env: 'BATON_SYNC_SECRETS', values: ['maybe', '', ...SHELL] },
    { command, flag: '--sync-only-attached-policies', env: 'BATON_SYNC_ONLY_ATTACHED_POLICIES', values: ['maybe', ...SHELL] },
  ]),
  { command: 'sync', flag: '--concurrency', values: [...NUMBER_WRONG, '0', '100000'] },
  { command: 'sync', flag: '--synced-at', values: [...SHELL, 'yesterday', '2026-13-45T00:00:00Z'] },
  { command: 'sync', flag: '--scim-endpoint', values: [...COMMON, 'http://scim.us-east-1.amazonaws.com/abc/scim/v2', 'https://evil.example.com/scim/v2'] },
  ...['grant', 'revoke'].flatMap((command) => [
    { command, flag: '--entitlement', values: [...COMMON, 'group:arn:aws:iam::123456789012:group/g', 'nosuchtype:x:member'] },
    { command, flag: '--principal-type', values: ['', 'admin', 'role', ...SHELL] },
    { command, flag: '--principal', values: [...COMMON, ...ARN_WRONG.filter((v) => !v.includes(':user/X'))] },
    { command, flag: '--allowed-groups', env: 'BATON_PROVISIONING_ALLOWED_GROUPS', values: ['', ',', ' , ', ...SHELL, ...LOOKALIKES, 'arn:aws:iam::123456789012:role/*', 'arn:aws:iam::*:group/*', 'arn:*:iam::123456789012:group/*', 'arn:aws:iam::123456789012:group/c1/../*', ...SSO_SCOPE_WRONG] },
    { command, flag: '--wait-timeout', values: NUMBER_WRONG },
  ]),
  { command: 'revoke', flag: '--grant', values: [...COMMON, 'group:arn:aws:iam::123456789012:group/g:member'] },
];

let server: Server;
let requests = 0;
let scratch: string;
const saved = { ...process.env };

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    res.statusCode = 500;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  scratch = mkdtempSync(path.join(os.tmpdir(), 'c1-hostile-'));
});
afterAll(async () => {
  process.env = saved;
  rmSync(scratch, { recursive: true, force: true });
  await new Promise((r) => server.close(r));
});

async function run(argv: string[], env: Record<string, string>): Promise<{ code: number; stderr: string; stdout: string }> {
  process.env = {
    ...saved,
    AWS_ENDPOINT_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
    BATON_EXTERNAL_ID: EXTERNAL_ID,
    ...env,
  };
  for (const k of Object.keys(process.env)) if (k.startsWith('BATON_') && !(k in env) && k !== 'BATON_EXTERNAL_ID') delete process.env[k];
  let stderr = '';
  let stdout = '';
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((c: unknown) => ((stderr += String(c)), true));
  const out = jest.spyOn(process.stdout, 'write').mockImplementation((c: unknown) => ((stdout += String(c)), true));
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'c1-aws', ...argv]);
    return { code, stderr, stdout };
  } finally {
    err.mockRestore();
    out.mockRestore();
    process.exitCode = undefined;
  }
}

const label = (v: string) => JSON.stringify(v.length > 30 ? `${v.slice(0, 20)}…(${v.length})` : v);
const rows = CASES.flatMap((c) =>
  c.values.flatMap((v) => [
    [`${c.command} ${c.flag} ${label(v)}`, c, v, 'argv'] as const,
    ...(c.env && !v.includes('\u0000') ? [[`${c.command} ${c.env}=${label(v)}`, c, v, 'env'] as const] : []),
  ]),
);

test.each(rows)('%s is refused before any AWS call', async (_name, c, value, via) => {
  requests = 0;
  const base = [...BASE[c.command], ...(c.also ?? [])];
  const i = base.indexOf(c.flag);
  if (i >= 0) base.splice(i, 2);
  const argv = via === 'argv' ? [c.command, ...base, `${c.flag}=${value}`] : [c.command, ...base];
  const env: Record<string, string> = via === 'env' ? { [c.env!]: value } : {};
  if (c.flag === '--external-id' && via === 'env') env.BATON_EXTERNAL_ID = value;
  const r = await run(argv, env);
  expect({ code: r.code, requests }).toEqual({ code: 2, requests: 0 });
  const names = [c.flag, c.env, c.flag.replace(/^--/, '').replace(/-/g, ' ')].filter(Boolean) as string[];
  const said = (r.stderr + r.stdout).toLowerCase();
  expect({ said: said.slice(0, 300), names: names.some((n) => said.includes(n.toLowerCase())) }).toEqual({ said: said.slice(0, 300), names: true });
  expect(existsSync(MARKER)).toBe(false);
  // A secret handed in as a hostile value must not be echoed back either.
  if (c.flag === '--external-id' && value.length > 3) expect(r.stderr + r.stdout).not.toContain(value);
});
