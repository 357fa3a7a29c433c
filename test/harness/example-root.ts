/**
 * A shipped Terraform root (an example, or a README snippet) run as a user runs it, against moto:
 *   copy the module and the root into a temp dir with the repository's layout (so `source = "../../modules/..."`
 *   resolves and the module finds the repository's CLI through a `connector` symlink, as it does in a checkout),
 *   `terraform init`, then apply / plan / destroy with the external ID in TF_VAR_external_id (what the READMEs say).
 * Nothing is overridden: the validation step runs at its default, however the module invokes it; tests assert only
 * on what a user sees (the step's table) and on what is left in moto.
 *
 * Every run's output is kept in `captured` so a file can check that the external ID never appears in it.
 */
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ListGroupsCommand, ListPoliciesCommand, ListRolesCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import type { AwsContext } from '../../connector/src/aws';
import { Moto, REPO_ROOT } from './moto';
import { RunResult, tempDir, terraformAsync } from './terraform';

export interface RootSpec {
  /** A directory of the repository to copy (e.g. 'examples/provisioning'), placed at the same relative path. */
  example?: string;
  /** Or files to write (name -> content), e.g. a README snippet with the declarations it needs. */
  files?: Record<string, string>;
  /** Where the root goes, relative to the temp copy of the repository (default: `example`, else 'examples/snippet'). */
  at?: string;
  /** The external ID, passed as TF_VAR_external_id; the name of the variable can differ (README snippets). */
  externalId: string;
  externalIdVariable?: string;
  /** A name for the temp copy of the repository (default: the temp dir itself), e.g. one a shell would run. */
  workName?: string;
  /** The folder the module and `example` are copied from (default: this repository; e.g. an installed npm package). */
  from?: string;
  /**
   * Link the repository's connector/ beside the module, as in a checkout, so the module's default connector_command
   * finds the CLI, and node_modules/.bin/c1-aws in the copy's root, as an npm install there links it (default true). False = a team's repository holding only the HCL: the root sets connector_command.
   */
  linkConnector?: boolean;
  /** More environment for every terraform run (and the step it starts). */
  env?: NodeJS.ProcessEnv;
}

export interface TerraformRoot {
  /** The root module's directory. */
  dir: string;
  /** The temp copy of the repository holding it. */
  work: string;
  /** Runs `terraform <args> -no-color` in the root with moto's environment and the external ID. */
  tf(args: string[], env?: NodeJS.ProcessEnv): Promise<RunResult>;
  apply(extraArgs?: string[]): Promise<RunResult>;
  /** `plan -detailed-exitcode`: 0 = no changes, 2 = changes, 1 = error. */
  plan(extraArgs?: string[]): Promise<RunResult>;
  destroy(extraArgs?: string[]): Promise<RunResult>;
  captured: string[];
}

/** Copies the module (without its native tests) and the root, links the CLI, and runs `terraform init`. */
export async function prepareRoot(moto: Moto, spec: RootSpec): Promise<TerraformRoot> {
  const work = spec.workName ? path.join(tempDir('c1-root-'), spec.workName) : tempDir('c1-root-');
  mkdirSync(work, { recursive: true });
  const from = spec.from ?? REPO_ROOT;
  cpSync(path.join(from, 'modules/conductorone-aws-role'), path.join(work, 'modules/conductorone-aws-role'), {
    recursive: true,
    filter: (src) => !/[/\\](\.terraform|tests)$/.test(src),
  });
  if (spec.linkConnector !== false) {
    symlinkSync(path.join(REPO_ROOT, 'connector'), path.join(work, 'connector'));
    // And the CLI as `npm install` in the repository root links it (the module README's connector_command snippet).
    mkdirSync(path.join(work, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(path.join(REPO_ROOT, 'connector', 'bin', 'c1-aws.js'), path.join(work, 'node_modules', '.bin', 'c1-aws'));
  }
  const rel = spec.at ?? spec.example ?? 'examples/snippet';
  const dir = path.join(work, rel);
  mkdirSync(dir, { recursive: true });
  if (spec.example) cpSync(path.join(from, spec.example), dir, { recursive: true, filter: (src) => !/[/\\]\.terraform/.test(src) && !/\.tfstate/.test(src) });
  for (const [name, text] of Object.entries(spec.files ?? {})) writeFileSync(path.join(dir, name), text);
  const captured: string[] = [];
  const tf = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = await terraformAsync(dir, [...args, '-no-color'], { ...moto.env, ...spec.env, [`TF_VAR_${spec.externalIdVariable ?? 'external_id'}`]: spec.externalId, ...env });
    captured.push(r.output);
    return r;
  };
  const init = await tf(['init', '-input=false']);
  if (init.code !== 0) throw new Error(`terraform init failed in ${rel}:\n${init.output.slice(-4000)}`);
  return {
    dir,
    work,
    tf,
    apply: (extra = []) => tf(['apply', '-auto-approve', '-input=false', ...extra]),
    plan: (extra = []) => tf(['plan', '-detailed-exitcode', '-input=false', ...extra]),
    destroy: (extra = []) => tf(['destroy', '-auto-approve', '-input=false', ...extra]),
    captured,
  };
}

/** Terraform's boxes and line wrapping removed, so a message can be matched as one line. */
export const flat = (s: string) => s.replace(/[│╷╵]/g, ' ').replace(/\s+/g, ' ');

/**
 * What the validation step printed (c1-aws validate's table), as a map check title -> status, read from the lines
 * `  <n>. <STATUS>  <title>  <message>` after the `c1-aws validate <role ARN>` header. Independent of how the step
 * is invoked: only the CLI's own output is read.
 */
export function stepTable(output: string, roleArn: string): { header: boolean; checks: Record<string, string>; lines: string[]; verdict: string | null } {
  const lines = output.split('\n');
  const start = lines.findIndex((l) => l.includes(`c1-aws validate ${roleArn}`));
  const checks: Record<string, string> = {};
  const table: string[] = [];
  let verdict: string | null = null;
  if (start >= 0) {
    for (const l of lines.slice(start + 1)) {
      // local-exec prefixes each line with the resource address: keep the part after "(local-exec): ".
      const text = l.replace(/^.*\(local-exec\):\s?/, '');
      const m = /^\s*\d+\.\s+(PASS|FAIL|WARN|SKIP)\s+(.+?)(?:\s{2,}(.*))?$/.exec(text);
      if (m) {
        checks[m[2].trim()] = m[1];
        table.push(text.trim());
        continue;
      }
      if (/^(All checks passed\.|\d+ check\(s\) failed\.)$/.test(text.trim())) {
        verdict = text.trim();
        break;
      }
    }
  }
  return { header: start >= 0, checks, lines: table, verdict };
}

/** IAM's contents (roles, groups, users, customer managed policies) by name: to prove destroy left nothing. */
export async function iamInventory(aws: AwsContext): Promise<{ roles: string[]; groups: string[]; users: string[]; policies: string[] }> {
  const [roles, groups, users, policies] = await Promise.all([
    aws.iam.send(new ListRolesCommand({ MaxItems: 1000 })),
    aws.iam.send(new ListGroupsCommand({ MaxItems: 1000 })),
    aws.iam.send(new ListUsersCommand({ MaxItems: 1000 })),
    aws.iam.send(new ListPoliciesCommand({ Scope: 'Local', MaxItems: 1000 })),
  ]);
  return {
    roles: (roles.Roles ?? []).map((r) => r.RoleName!).sort(),
    groups: (groups.Groups ?? []).map((g) => g.GroupName!).sort(),
    users: (users.Users ?? []).map((u) => u.UserName!).sort(),
    policies: (policies.Policies ?? []).map((p) => p.PolicyName!).sort(),
  };
}

/** The fenced code blocks of a Markdown file with the given info string (```hcl, ```sh), in order. */
export function codeBlocks(file: string, lang: string): string[] {
  const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
  const out: string[] = [];
  const re = new RegExp('^```' + lang + '\\s*\\n([\\s\\S]*?)^```', 'gm');
  for (const m of text.matchAll(re)) out.push(m[1]);
  return out;
}
