/**
 * Progress for `c1-aws sync`: a cli-progress bar per phase on a terminal, plain lines otherwise, nothing when quiet.
 * Everything goes to stderr, so stdout stays clean for --json.
 */
import { SingleBar } from 'cli-progress';
import type { SyncReporter } from './engine';
import { visible } from '../text';

export function createReporter(opts: { quiet: boolean; tty: boolean; calls: () => number; stream?: NodeJS.WriteStream }): SyncReporter {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet) return { phaseStart() {}, phaseTotal() {}, phaseTick() {}, phaseEnd() {} };
  if (!opts.tty) {
    let started = 0;
    let done = 0;
    return {
      phaseStart(name) {
        started = Date.now();
        done = 0;
        stream.write(`sync: ${visible(name)}...\n`);
      },
      phaseTotal() {},
      phaseTick(_n, d) {
        done = d;
      },
      phaseEnd(name, outcome) {
        stream.write(`sync: ${visible(name)}: ${visible(outcome)}${done ? `, ${done} read` : ''} (${Date.now() - started} ms, ${opts.calls()} calls so far)\n`);
      },
    };
  }
  let bar: SingleBar | undefined;
  let total = 0;
  return {
    phaseStart(name) {
      total = 0;
      bar = new SingleBar({ format: `${visible(name).padEnd(32)} [{bar}] {value}/{total} | {calls} calls`, stream, hideCursor: true, clearOnComplete: false }, undefined);
      bar.start(0, 0, { calls: opts.calls() });
    },
    phaseTotal(_name, n) {
      total = n;
      bar?.setTotal(n);
    },
    phaseTick(_name, done) {
      if (done > total) bar?.setTotal((total = done));
      bar?.update(done, { calls: opts.calls() });
    },
    phaseEnd(_name, outcome) {
      // A phase without a count (one call) still ends full.
      if (outcome === 'ok' && total === 0) {
        bar?.setTotal(1);
        bar?.update(1, { calls: opts.calls() });
      } else bar?.update({ calls: opts.calls() });
      bar?.stop();
      if (outcome !== 'ok') stream.write(`  (${visible(outcome)})\n`);
    },
  };
}
