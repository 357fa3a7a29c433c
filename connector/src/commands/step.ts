/**
 * `c1-aws step`: the Terraform module's post-apply step, run by local-exec with no shell (interpreter = the CLI's
 * argv, command = "step"), so no input, path included, is ever parsed by a shell. Everything comes from the
 * environment the module sets:
 *   C1_SYNC_STEP      validate | sync (anything else, or unset: exit 2 naming it, nothing run)
 *   C1_SNAPSHOT_PATH  where sync writes the snapshot (needed for sync)
 *   C1_REPORT         where sync's stderr is appended when BATON_EXTERNAL_ID is set (needed then: Terraform hides
 *                     the output of a step whose environment holds a secret, so the messages go to this file)
 *   BATON_*           read by validate and sync themselves, unchanged
 * What it does, as the shell script it replaces did:
 *   1. `c1-aws validate`, output on this process's stdout/stderr; a non-zero exit ends the step with that code;
 *   2. with C1_SYNC_STEP=sync: `c1-aws sync --output $C1_SNAPSHOT_PATH`, either
 *      - BATON_EXTERNAL_ID set: as the role (assumed), stderr appended to C1_REPORT (created 0600, never through a
 *        symlink), or
 *      - not set: with BATON_ROLE_ARN removed from its environment, so the caller's own credentials read the estate;
 *      the step exits with sync's code.
 * Each runs as a child process of this node binary and this CLI entry, with an argv array (no shell); SIGINT,
 * SIGTERM and SIGHUP are passed on to it, and a child killed by a signal ends the step with 128 + the signal number,
 * as a shell reports it.
 */
import { visible } from '../text';
import { spawn, StdioOptions } from 'node:child_process';
import { closeSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors';
import { openPrivateAppend } from '../files';
import { PACKAGE_ROOT } from '../package-root';

/** The CLI entry the children run (the same one Terraform started this process with, wherever it was installed). */
export const CLI_ENTRY = path.join(PACKAGE_ROOT, 'connector', 'bin', 'c1-aws.js');

export const STEP_KINDS = ['validate', 'sync'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export interface StepPlan {
  kind: StepKind;
  /** Set for sync. */
  snapshotPath?: string;
  /** Set for sync as the role: where its stderr is appended. */
  reportPath?: string;
  /** sync assumes the role (BATON_EXTERNAL_ID set); otherwise BATON_ROLE_ARN is removed from its environment. */
  assume: boolean;
}

const isStepKind = (v: string): v is StepKind => (STEP_KINDS as readonly string[]).includes(v);

/** Reads the step's environment; throws UsageError (exit 2) before anything runs. Never echoes a BATON_* value. */
export function planStep(env: NodeJS.ProcessEnv): StepPlan {
  const kind = env.C1_SYNC_STEP;
  if (kind === undefined) throw new UsageError('step: C1_SYNC_STEP is not set (expected validate or sync)');
  if (!isStepKind(kind)) {
    // Not a secret: shown (escaped by main(), and cut short) so the user can find the typo.
    throw new UsageError(`step: C1_SYNC_STEP must be validate or sync (got "${kind.length > 40 ? `${kind.slice(0, 40)}...` : kind}")`);
  }
  if (kind === 'validate') return { kind, assume: false };
  const snapshotPath = env.C1_SNAPSHOT_PATH;
  if (!snapshotPath) throw new UsageError('step: C1_SYNC_STEP=sync needs C1_SNAPSHOT_PATH (the snapshot file to write)');
  // The shell's test was `[ -n "${BATON_EXTERNAL_ID:-}" ]`: set and not empty.
  const assume = (env.BATON_EXTERNAL_ID ?? '') !== '';
  if (!assume) return { kind, snapshotPath, assume };
  const reportPath = env.C1_REPORT;
  if (!reportPath) throw new UsageError('step: C1_SYNC_STEP=sync with BATON_EXTERNAL_ID needs C1_REPORT (the file sync\'s messages are appended to)');
  return { kind, snapshotPath, reportPath, assume };
}

/** Runs the CLI entry with `args` as a child (no shell); resolves with its exit code (128 + signal if killed). */
export function runCli(args: string[], env: NodeJS.ProcessEnv, stdio: StdioOptions = 'inherit'): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], { env, stdio, shell: false });
    // An interrupted apply signals this process: pass it on, so no child is left running on its own.
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const sig of signals) process.on(sig, forward);
    const unhook = () => signals.forEach((sig) => process.off(sig, forward));
    child.once('error', (e) => {
      unhook();
      reject(e);
    });
    child.once('close', (code, signal) => {
      unhook();
      if (code !== null) resolve(code);
      else resolve(128 + (signal ? (osConstants.signals[signal] ?? 0) : 0));
    });
  });
}

/**
 * The environment of a sync with the caller's own credentials: BATON_ROLE_ARN dropped, and member accounts off. The
 * member roles trust only the ConductorOne role, so the deployer's credentials cannot chain into them and every member
 * account would come back denied; the step syncs the management account alone and says so (validate checked the
 * member accounts from what the deployer can see).
 */
export function ownCredentialsSyncEnv(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; note?: string } {
  const { BATON_ROLE_ARN: _dropped, ...ambient } = env;
  const on = (v: string | undefined) => /^(true|1)$/i.test(v ?? '');
  const flag = env.BATON_GLOBAL_AWS_CROSS_ACCOUNT_IAM_ENABLED;
  // baton-aws's rule: with Organizations on, member accounts are read when the flag says so or, unset, without Identity Center.
  const members = on(env.BATON_GLOBAL_AWS_ORGS_ENABLED) && (flag === undefined || flag === '' ? !on(env.BATON_GLOBAL_AWS_SSO_ENABLED) : on(flag));
  if (!members) return { env: ambient };
  // The module lists account_iam in BATON_SYNC_RESOURCE_TYPES with member accounts on; sync refuses a type whose
  // feature is off, so it leaves with them.
  const types = env.BATON_SYNC_RESOURCE_TYPES;
  const withoutMembers = types === undefined ? {} : { BATON_SYNC_RESOURCE_TYPES: types.split(',').filter((t) => t.trim() !== 'account_iam').join(',') };
  return {
    env: { ...ambient, BATON_GLOBAL_AWS_CROSS_ACCOUNT_IAM_ENABLED: 'false', ...withoutMembers },
    note: "member accounts are not synced with the deployer's own credentials (their roles trust only the ConductorOne role); validate checked them above",
  };
}

/** The whole step; returns its exit code. `env` is passed to the children as is (less BATON_ROLE_ARN where said). */
export async function runStep(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const plan = planStep(env);
  const validated = await runCli(['validate'], env);
  if (validated !== 0 || plan.kind === 'validate') return validated;
  const syncArgs = ['sync', '--output', plan.snapshotPath!];
  if (!plan.assume) {
    const { env: ambient, note } = ownCredentialsSyncEnv(env);
    if (note) process.stderr.write(`c1-aws: step: ${note}\n`);
    return runCli(syncArgs, ambient);
  }
  let fd: number;
  try {
    fd = openPrivateAppend(plan.reportPath!);
  } catch (e) {
    // As the shell's failed `2>>` redirection: sync does not run, exit 1.
    process.stderr.write(`c1-aws: step: cannot append to C1_REPORT ${visible(plan.reportPath)}: ${visible((e as NodeJS.ErrnoException).code ?? (e as Error).message)}\n`);
    return 1;
  }
  try {
    return await runCli(syncArgs, env, ['inherit', 'inherit', fd]);
  } finally {
    closeSync(fd);
  }
}

export function register(program: Command): void {
  program
    .command('step')
    .description(
      "The Terraform module's post-apply step (local-exec runs it with no shell; every input comes from the environment). " +
        'Runs `validate`; with C1_SYNC_STEP=sync then `sync --output $C1_SNAPSHOT_PATH`: as the role when BATON_EXTERNAL_ID is set ' +
        "(sync's stderr appended to C1_REPORT, created 0600), else with the caller's own credentials (BATON_ROLE_ARN dropped).",
    )
    .addHelpText(
      'after',
      [
        '',
        'Environment:',
        '  C1_SYNC_STEP      validate | sync (required; anything else exits 2 before anything runs)',
        '  C1_SNAPSHOT_PATH  snapshot file sync writes (required with sync)',
        '  C1_REPORT         file sync\'s stderr is appended to (required with sync and BATON_EXTERNAL_ID)',
        '  BATON_*           passed to validate and sync as they are (see their --help), member accounts included:',
        '                    BATON_GLOBAL_AWS_CROSS_ACCOUNT_IAM_ENABLED, BATON_IAM_ASSUME_ROLE_NAME, BATON_MEMBER_STACK_SET_NAME;',
        '                    and what to sync: BATON_SYNC_SECRETS, BATON_SYNC_RESOURCE_TYPES',
        '',
        "Exit code: validate's when it fails or C1_SYNC_STEP=validate, else sync's; 2 for a bad step environment;",
        '1 when C1_REPORT cannot be opened (a symlink or a non-regular file is refused).',
        '',
        'Terraform: provisioner "local-exec" { interpreter = ["node", "<path>/connector/bin/c1-aws.js"]  command = "step"  environment = {...} }',
      ].join('\n'),
    )
    .action(async () => {
      process.exitCode = await runStep(process.env);
    });
}
