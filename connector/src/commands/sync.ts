/**
 * `c1-aws sync --output snapshot.json`: reads the estate (IAM; Organizations and Identity Center when switched on)
 * and writes one snapshot, atomically. With --role-arn and the external ID it assumes the role; without them it
 * uses the ambient credentials as they are. Exit codes: 0 written (warnings included), 1 a required source failed
 * (no file written), 2 usage or configuration.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { bool, wholeNumber } from './parsers';
import { readFileSync } from 'node:fs';
import { createAwsContext } from '../aws';
import { UsageError } from '../errors';
import { DEFAULT_CONCURRENCY, syncAws, SyncResult, writeSnapshotFile } from '../sync';
import { SyncError } from '../sync/engine';
import { createReporter } from '../sync/progress';
import { visible } from '../text';
import { checkScimEndpoint, checkScimToken, ScimConfig } from '../sync/aws/scim';
import { addAccessOptions, addFeatureOptions, addSyncSelectionOptions, ours, RawAccessOptions, RawFeatureOptions, resolveAccess, resolveFeatures } from './options';

interface RawSyncOptions extends RawAccessOptions, RawFeatureOptions {
  output: string;
  concurrency: number;
  assignmentStrategy: 'auto' | 'per-account' | 'per-principal';
  credentialReport?: boolean;
  syncedAt?: string;
  scimEndpoint?: string;
  scimTokenFile?: string;
  scimAllowLocal?: boolean;
  quiet?: boolean;
  json?: boolean;
}

const concurrency = wholeNumber(1, 64);
const timestamp = (v: string) => {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v) || Number.isNaN(Date.parse(v))) throw new InvalidArgumentError('expected an ISO-8601 UTC time like 2026-01-01T00:00:00Z.');
  return v;
};

/** The SCIM token: from BATON_SCIM_TOKEN or a file, never argv; checked without echoing it. */
export function resolveScim(raw: RawSyncOptions, env = process.env): ScimConfig | undefined {
  const fromEnv = env.BATON_SCIM_TOKEN;
  if (raw.scimEndpoint === undefined) {
    if (raw.scimTokenFile) throw new UsageError('--scim-token-file needs --scim-endpoint');
    return undefined;
  }
  const endpointErr = checkScimEndpoint(raw.scimEndpoint, raw.scimAllowLocal === true);
  if (endpointErr) throw new UsageError(endpointErr);
  if (fromEnv && raw.scimTokenFile) throw new UsageError('give the SCIM token once: BATON_SCIM_TOKEN or --scim-token-file, not both');
  let token = fromEnv;
  if (raw.scimTokenFile) {
    try {
      token = readFileSync(raw.scimTokenFile, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new UsageError(`--scim-token-file: cannot read ${raw.scimTokenFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  if (!token) throw new UsageError('--scim-endpoint needs the SCIM token: BATON_SCIM_TOKEN or --scim-token-file');
  const tokenErr = checkScimToken(token);
  if (tokenErr) throw new UsageError(tokenErr);
  return { endpoint: raw.scimEndpoint, token };
}

/** Says plainly whose credentials read the estate: the role (assumed) or the caller's own. */
export function identityLine(r: SyncResult, assumed: boolean): string {
  const who = visible(r.snapshot.source.callerArn ?? 'unknown caller');
  return assumed
    ? `synced as ${who}: the role, assumed with the external ID`
    : `synced as ${who}: the caller's own credentials (the role was not assumed; give --role-arn and the external ID to sync as the role)`;
}

/** The human summary (stderr). Caller ARN, path, resource types and warnings are shown with control characters escaped. */
export function formatSummary(r: SyncResult, output: string, assumed: boolean): string {
  const lines = [identityLine(r, assumed), `wrote ${visible(output)} in ${(r.stats.durationMs / 1000).toFixed(1)} s`, 'resources:'];
  for (const [type, n] of Object.entries(r.stats.counts).sort()) lines.push(`  ${visible(type).padEnd(20)} ${n}`);
  lines.push(`entitlements: ${r.snapshot.entitlements.length}`, `grants: ${r.stats.grants}`, `AWS calls: ${r.stats.totalCalls}`);
  for (const [api, n] of Object.entries(r.stats.calls)) lines.push(`  ${visible(api).padEnd(48)} ${n}`);
  if (r.stats.assignmentStrategy) lines.push(`Identity Center assignments read ${r.stats.assignmentStrategy}`);
  const members = r.snapshot.source.memberAccounts as { data: string }[] | undefined;
  if (members) lines.push(`member accounts: IAM read in ${members.filter((m) => m.data === 'synced').length} of ${members.length} (the others are in the warnings)`);
  lines.push(`warnings: ${r.snapshot.warnings.length}`);
  for (const w of r.snapshot.warnings) lines.push(`  ${visible(w.source)}: ${visible(w.message)}`);
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  const cmd = program.command('sync').description('Read IAM (and Organizations, Identity Center when enabled) and write a snapshot of resources, entitlements and grants.');
  addAccessOptions(cmd);
  addFeatureOptions(cmd);
  addSyncSelectionOptions(cmd);
  cmd
    .addOption(ours(new Option('-o, --output <file>', 'snapshot file to write: atomically (temp file + rename), mode 0600, a symlink at the path replaced, never followed').makeOptionMandatory()))
    .addOption(ours(new Option('--concurrency <n>', 'AWS calls in flight at once').env('BATON_SYNC_CONCURRENCY').argParser(concurrency).default(DEFAULT_CONCURRENCY)))
    .addOption(
      ours(
        new Option('--assignment-strategy <how>', 'read Identity Center assignments per (account, permission set), per principal, or whichever needs fewer calls')
          .choices(['auto', 'per-account', 'per-principal'])
          .default('auto'),
      ),
    )
    .addOption(ours(new Option('--credential-report [bool]', "read IAM's credential report for passwords last used").env('BATON_SYNC_CREDENTIAL_REPORT').argParser(bool).default(true)))
    .addOption(ours(new Option('--synced-at <time>', 'timestamp written into the snapshot instead of now (reproducible output)').env('BATON_SYNCED_AT').argParser(timestamp)))
    // SCIM: ConductorOne's v1 AWS integration reads user status from it; baton-aws dropped it (#104, 2026-02) since the
    // Identity Store gives UserStatus. Ours for users the Identity Store gives none.
    .addOption(ours(new Option('--scim-endpoint <url>', "Identity Center's SCIM endpoint, for user status the Identity Store does not give").env('BATON_SCIM_ENDPOINT')))
    .addOption(ours(new Option('--scim-token-file <path>', 'read the SCIM bearer token from this file (or set BATON_SCIM_TOKEN)').env('BATON_SCIM_TOKEN_FILE')))
    .addOption(ours(new Option('--scim-allow-local [bool]', 'accept an http://127.0.0.1:<port>/ SCIM endpoint (tests and development only)').env('BATON_SCIM_ALLOW_LOCAL').argParser(bool).hideHelp()))
    .addOption(ours(new Option('-q, --quiet [bool]', 'no progress output').argParser(bool)))
    .addOption(ours(new Option('--json [bool]', 'print the summary as JSON on stdout').argParser(bool)))
    .action(async (raw: RawSyncOptions) => {
      const assume = raw.roleArn !== undefined;
      const { access } = resolveAccess(raw, assume);
      const { toggles, ssoRegion, memberRole, resourceTypes, resourceTypesSelected, syncOnlyAttachedPolicies } = resolveFeatures(raw);
      // Access keys come from the credential report (no per-user calls): refused rather than silently empty.
      if (toggles.access_keys && raw.credentialReport === false) throw new UsageError('--sync-secrets (access-key) reads the keys from the credential report: drop --credential-report=false');
      const scim = resolveScim(raw);
      const ctx = createAwsContext({ ...access, ssoRegion });
      const reporter = createReporter({ quiet: raw.quiet === true || raw.json === true, tty: process.stderr.isTTY === true, calls: () => ctx.calls.count() });
      try {
        const result = await syncAws(ctx, {
          organizations: toggles.organizations,
          identityCenter: toggles.identity_center,
          ...(memberRole ? { memberAccounts: { iamAssumeRoleName: memberRole.iamAssumeRoleName } } : {}),
          concurrency: raw.concurrency,
          assignmentStrategy: raw.assignmentStrategy,
          credentialReport: raw.credentialReport !== false,
          scim,
          syncedAt: raw.syncedAt,
          reporter,
          ...(resourceTypesSelected ? { resourceTypes } : {}),
          optIn: { policies: toggles.policies === true, access_keys: toggles.access_keys === true, permission_sets: toggles.permission_sets === true, organization_hierarchy: toggles.organization_hierarchy === true },
          syncOnlyAttachedPolicies,
        });
        writeSnapshotFile(raw.output, result.snapshot);
        if (raw.json) {
          const { snapshot, stats } = result;
          process.stdout.write(`${JSON.stringify({ ok: true, output: raw.output, callerArn: snapshot.source.callerArn, assumedRole: assume, ...stats, entitlements: snapshot.entitlements.length, warnings: snapshot.warnings }, null, 2)}\n`);
        } else if (!raw.quiet) process.stderr.write(formatSummary(result, raw.output, assume));
        process.exitCode = 0;
      } catch (e) {
        if (!(e instanceof SyncError)) throw e;
        if (raw.json) process.stdout.write(`${JSON.stringify({ ok: false, phase: e.phase, error: e.message, calls: ctx.calls.toJSON() }, null, 2)}\n`);
        process.stderr.write(`c1-aws: sync failed, ${visible(raw.output)} left as it was: ${visible(e.message)}\n`);
        process.exitCode = 1;
      } finally {
        ctx.destroy();
      }
    });
}
