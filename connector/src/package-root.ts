/**
 * The package's root: the nearest folder above this file that holds a package.json. The same answer in a checkout
 * (connector/src/), in the compiled construct of the npm package (dist/connector/src/) and in an installed copy
 * (node_modules/@c1-aws-kit/conductorone-aws-role/), so files found from it (the module's policies, the CLI entry,
 * the action catalogue) are always the ones shipped with the package, never ones at a fixed depth from a build folder.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';

function nearestPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}: c1-aws must run from its package`);
  }
}

export const PACKAGE_ROOT = nearestPackageRoot(__dirname);
/** The HCL module folder, which also holds the shared data (policies/, grammar.json, defaults.json). */
export const MODULE_DIR = path.join(PACKAGE_ROOT, 'modules', 'conductorone-aws-role');
