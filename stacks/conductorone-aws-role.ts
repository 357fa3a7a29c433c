/**
 * The CDKTF construct of the role: the HCL module itself, through the typed binding `cdktf get` generates from it
 * (stacks/generated/, `npm run generate:stacks`). Every resource, rule, message, output and the validation step live in
 * the module; this file only tells Terraform where the module is.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { MODULE_DIR } from '../connector/src/package-root';
import { ConductoroneAwsRole, ConductoroneAwsRoleConfig } from './generated/modules/conductorone_aws_role';

export type ConductorOneAwsRoleProps = ConductoroneAwsRoleConfig;

/** The module folder of this checkout or installed package (found from the package root, as the CLI finds it). */
export function moduleDirectory(): string {
  return MODULE_DIR;
}

/** The module's inputs and outputs (interface.json, generated from variables.tf and outputs.tf). */
export interface ModuleInterface {
  readonly inputs: readonly { name: string; type: string; description: string; default: unknown; required: boolean; sensitive: boolean }[];
  readonly outputs: readonly { name: string; description: string; sensitive: boolean }[];
}

export function moduleInterface(): ModuleInterface {
  return JSON.parse(fs.readFileSync(path.join(moduleDirectory(), 'interface.json'), 'utf8')) as ModuleInterface;
}

/** Where Terraform runs a stack: the stack's folder of the synthesized output (cdktf's layout). */
export function stackDirectory(scope: Construct): string {
  return path.resolve(App.of(scope).outdir, 'stacks', TerraformStack.of(scope).node.id);
}

/** `to` relative to `from`, in the ./ or ../ form Terraform wants for local paths. */
export function relativePath(from: string, to: string): string {
  const rel = path.relative(from, to).split(path.sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

export class ConductorOneAwsRole extends ConductoroneAwsRole {
  constructor(scope: Construct, id: string, props: ConductorOneAwsRoleProps) {
    // No asset copy of the module: Terraform uses it where it is, so the module finds its own files, and its default
    // connector_command finds the CLI beside it (connector/bin/c1-aws.js), in this repository and in the package.
    super(scope, id, { ...props, skipAssetCreationFromLocalModules: true });
    // The binding names the module relative to the project root; Terraform runs in the stack's output folder
    // (<outdir>/stacks/<stack id>), so the source is made relative to that folder.
    this.addOverride('source', relativePath(stackDirectory(this), moduleDirectory()));
  }
}
