/**
 * The life of a shipped root as a user lives it, as jest tests (one describe block per root):
 *   apply exits 0 and the validation step's table shows every check passed (its visible output, whatever invokes it);
 *   a second `plan -detailed-exitcode` exits 0 (nothing to change); destroy exits 0 and IAM holds exactly what it held
 *   before the apply (read back with the SDK). Roots in one file share one moto and run one after another (the
 *   examples create the same role name).
 *
 * A root may leave out a part that another test already proves for the same module inputs (README snippets that
 * repeat an example's features): `repeats` says which and puts moto back instead of destroying.
 */
import type { AwsContext } from '../../connector/src/aws';
import { iamInventory, stepTable, TerraformRoot } from './example-root';
import type { RunResult } from './terraform';

export interface LifecycleSpec {
  /** The prepared root (init done), available from beforeAll on. */
  root: () => TerraformRoot;
  aws: () => AwsContext;
  roleArn: string;
  /** Checks of the table that must read PASS (others may be SKIP; none may be FAIL or WARN). */
  mustPass: string[];
  /** Arguments a user gives apply/plan/destroy (e.g. `-var identity_center_region=eu-west-1` from a README). */
  args?: string[];
  /** More assertions on moto after the apply, before the second plan. */
  afterApply?: (apply: RunResult) => Promise<void> | void;
  /** Parts proved elsewhere for the same module inputs: not run again here. */
  repeats?: {
    /** The root whose empty second plan this one's would repeat (same module block), or absent: plan again. */
    secondPlanOf?: string;
    /** The example whose lifecycle destroys the same resources (same features), and how moto gets back to its start. */
    destroyOf: string;
    reset: () => Promise<void>;
  };
}

export function rootLifecycle(title: string, spec: LifecycleSpec): void {
  describe(title, () => {
    let before: Awaited<ReturnType<typeof iamInventory>>;
    let apply: RunResult;
    beforeAll(async () => {
      before = await iamInventory(spec.aws());
      apply = await spec.root().apply(spec.args);
    }, 300000);

    it('apply exits 0, and the validation step printed its table: every check passed', () => {
      const table = stepTable(apply.output, spec.roleArn);
      // On failure, show the step's table and the end of the output: the reason is in one of them.
      const seen = { exit: apply.code, header: table.header, verdict: table.verdict, table: table.lines };
      const want = { exit: 0, header: true, verdict: 'All checks passed.', table: table.lines };
      if (JSON.stringify(seen) !== JSON.stringify(want)) throw new Error(`${JSON.stringify(seen, null, 1)}\n--- output (end) ---\n${apply.output.slice(-4000)}`);
      for (const check of spec.mustPass) expect({ check, status: table.checks[check] }).toEqual({ check, status: 'PASS' });
      expect(Object.entries(table.checks).filter(([, s]) => s !== 'PASS' && s !== 'SKIP')).toEqual([]);
      expect(apply.output).not.toContain('output suppressed');
    });

    if (spec.afterApply) it('what the apply made in moto', async () => spec.afterApply!(apply));

    if (!spec.repeats?.secondPlanOf) {
      it('a second plan has nothing to change (-detailed-exitcode 0)', async () => {
        const r = await spec.root().plan(spec.args);
        expect({ code: r.code, tail: r.code ? r.output.slice(-3000) : '' }).toEqual({ code: 0, tail: '' });
      }, 180000);
    }

    if (spec.repeats) {
      // Destroying the same resources is the lifecycle of spec.repeats.destroyOf; here moto is put back instead.
      afterAll(() => spec.repeats!.reset(), 60000);
    } else {
      it('destroy exits 0 and leaves IAM as it was before the apply', async () => {
        const r = await spec.root().destroy(spec.args);
        if (r.code !== 0) throw new Error(r.output.slice(-4000));
        expect(await iamInventory(spec.aws())).toEqual(before);
      }, 180000);
    }
  });
}
