/**
 * Runs the pinned Python scanners (checkov, parliament, cloudsplaining) of their own venv (.venv/scanners, built from
 * test/tools/requirements-scanners.txt by `test/tools/ensure-python-tools.sh`). `npm test`'s pretest starts that
 * install in the background; the first tool asked for here waits for it (`ensure-python-tools.sh scanners`, which also
 * installs them when nothing did) and throws with the script's message, naming pip's log, when it failed. Each scanner
 * runs once per test file over all its inputs; the tests assert on the parsed results.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PolicyDocument } from '../../connector/src/policy/capabilities';
import { runAsync } from '../harness/process';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
const SCANNERS_BIN = path.join(REPO_ROOT, '.venv', 'scanners', 'bin');
const ENSURE = path.join(REPO_ROOT, 'test', 'tools', 'ensure-python-tools.sh');

let ensured = false;

/** A tool of the scanners' venv, once the install (the pretest's, in the background, or one made now) is done. */
export function venvTool(name: string): string {
  if (!ensured) {
    const started = Date.now();
    const r = spawnSync('bash', [ENSURE, 'scanners'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20 * 60 * 1000 });
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`the scanners are not installed: bash ${path.relative(REPO_ROOT, ENSURE)} scanners exited ${r.status}:\n${r.stderr}`);
    const waited = Date.now() - started;
    if (waited > 2000) process.stderr.write(`scanners: waited ${Math.round(waited / 1000)} s for their install\n`);
    ensured = true;
  }
  const p = path.join(SCANNERS_BIN, name);
  if (!existsSync(p)) throw new Error(`${p} is missing after \`bash test/tools/ensure-python-tools.sh scanners\` succeeded`);
  return p;
}

/**
 * The environment of a scanner: Python may keep the bytecode it compiles on import in the scanners' venv (the install
 * compiles nothing up front, and this machine sets PYTHONDONTWRITEBYTECODE), so only the first run pays for it.
 */
function scannerEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.PYTHONDONTWRITEBYTECODE;
  return env;
}

export interface ParliamentFinding {
  issue: string;
  severity: string;
  title: string;
  detail: unknown;
  location: Record<string, unknown>;
}
export type CloudsplainingCategory =
  | 'PrivilegeEscalation'
  | 'DataExfiltration'
  | 'ResourceExposure'
  | 'ServiceWildcard'
  | 'CredentialsExposure'
  | 'InfrastructureModification';
/** Privilege escalation findings are {type, actions}; the other categories list action names. */
export type CloudsplainingResult = Record<CloudsplainingCategory, Array<string | { type: string; actions: string[] }>>;
export interface PolicyScan {
  parliament: ParliamentFinding[];
  /** default = only statements without resource constraints (as checkov 286-290); all = every risky action (-aR). */
  cloudsplaining: { default: CloudsplainingResult; all: CloudsplainingResult };
}
export interface PolicyScanReport {
  versions: Record<string, string>;
  policies: Record<string, PolicyScan>;
}

/** parliament (with community auditors) and cloudsplaining over named documents, in one Python process. */
export function scanPolicies(docs: Record<string, PolicyDocument | object>): PolicyScanReport {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'c1-policy-scan-'));
  const input = path.join(dir, 'documents.json');
  writeFileSync(input, JSON.stringify(docs));
  const r = spawnSync(venvTool('python'), [path.join(__dirname, 'scan_policies.py'), input], {
    encoding: 'utf8',
    env: scannerEnv(),
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120000,
  });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`scan_policies.py exited ${r.status}:\n${r.stderr}`);
  return JSON.parse(r.stdout) as PolicyScanReport;
}

/**
 * One line per finding, stable across runs, so tests compare sets:
 *   parliament:<ISSUE>[:<type>]:<actions>   cloudsplaining(<mode>):<Category>[:<type>]:<actions>
 */
export function findingLines(scan: PolicyScan): string[] {
  const lines: string[] = [];
  for (const f of scan.parliament) {
    const d = (f.location ?? {}) as { actions?: string[]; type?: string; action?: string };
    const actions = d.actions ? [...d.actions].sort().join(',') : d.action ?? '';
    lines.push(`parliament:${f.issue}${d.type ? `:${d.type}` : ''}:${actions}`);
  }
  for (const mode of ['default', 'all'] as const) {
    for (const [cat, items] of Object.entries(scan.cloudsplaining[mode])) {
      for (const it of items) {
        lines.push(
          typeof it === 'string'
            ? `cloudsplaining(${mode}):${cat}:${it}`
            : `cloudsplaining(${mode}):${cat}:${it.type}:${[...it.actions].sort().join(',')}`,
        );
      }
    }
  }
  return lines.sort();
}

export interface CheckovRecord {
  check_id: string;
  check_name: string;
  resource: string;
  file_path: string;
  file_abs_path?: string;
  file_line_range?: number[];
  check_result: { result: string; suppress_comment?: string };
}
export interface CheckovReport {
  check_type: string;
  results: { passed_checks: CheckovRecord[]; failed_checks: CheckovRecord[]; skipped_checks: CheckovRecord[]; parsing_errors: string[] };
  summary: Record<string, unknown>;
}

/** checkov prints one JSON document per run, or several concatenated (one per -d/-f group); read them all. */
export function parseCheckovOutput(text: string): CheckovReport[] {
  const out: CheckovReport[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    // Find the end of one top-level JSON value by bracket depth (strings respected).
    const start = i;
    let depth = 0;
    let inStr = false;
    for (; i < text.length; i++) {
      const ch = text[i];
      if (inStr) {
        if (ch === '\\') i++;
        else if (ch === '"') inStr = false;
      } else if (ch === '"') inStr = true;
      else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) {
          i++;
          break;
        }
      }
    }
    const v = JSON.parse(text.slice(start, i)) as CheckovReport | CheckovReport[];
    out.push(...(Array.isArray(v) ? v : [v]));
  }
  return out.map((r) => ({
    ...r,
    results: {
      passed_checks: r.results?.passed_checks ?? [],
      failed_checks: r.results?.failed_checks ?? [],
      skipped_checks: r.results?.skipped_checks ?? [],
      parsing_errors: r.results?.parsing_errors ?? [],
    },
  }));
}

/**
 * Runs checkov offline (no guideline download, no platform mapping, no telemetry): resolves with its reports.
 * Asynchronous, so the source scan and the plan scan run side by side.
 */
export async function checkov(args: string[], cwd: string): Promise<CheckovReport[]> {
  const r = await runAsync(venvTool('checkov'), [...args, '-o', 'json', '--skip-download'], {
    cwd,
    env: scannerEnv({ BC_SKIP_MAPPING: 'TRUE', CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: 'false', LOG_LEVEL: 'ERROR' }),
  });
  // 0 = all passed, 1 = failed checks; anything else is a crash.
  if (r.code !== 0 && r.code !== 1) throw new Error(`checkov exited ${r.code}:\n${r.stderr.slice(-4000)}`);
  try {
    return parseCheckovOutput(r.stdout);
  } catch (e) {
    throw new Error(`cannot parse checkov output (${(e as Error).message}):\n${r.stdout.slice(0, 2000)}\n${r.stderr.slice(-2000)}`);
  }
}
