/**
 * stacks/ imports provider classes per resource (`@cdktf/provider-aws/lib/<resource>`): the barrel alone costs ~2 s
 * of synth start-up (field notes). And the dependency points one way: stacks may use connector/, never the reverse.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../harness/moto';

const STACKS = path.join(REPO_ROOT, 'stacks');
const files = readdirSync(STACKS).filter((f) => /\.[jt]s$/.test(f));
const specifiers = (text: string) => [...text.matchAll(/(?:from\s+|require\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1]);

describe('stacks/ imports', () => {
  it.each(files)('%s imports provider classes per resource, never the barrel', (file) => {
    for (const s of specifiers(readFileSync(path.join(STACKS, file), 'utf8'))) {
      if (s.startsWith('@cdktf/provider-aws')) expect(s).toMatch(/^@cdktf\/provider-aws\/lib\/[a-z0-9-]+$/);
    }
  });

  it('connector/ never imports stacks/', () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
    for (const f of walk(path.join(REPO_ROOT, 'connector', 'src'))) {
      expect({ file: f, stacks: specifiers(readFileSync(f, 'utf8')).filter((s) => /(^|\/)stacks(\/|$)/.test(s)) }).toEqual({ file: f, stacks: [] });
    }
  });
});
