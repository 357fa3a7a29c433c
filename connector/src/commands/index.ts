/** Every CLI command, in the order `--help` lists them. Each file exports `register(program)`. */
import type { Command } from 'commander';

export type RegisterCommand = (program: Command) => void;

export const COMMANDS: RegisterCommand[] = [];
import { register as registerValidate } from './validate'; COMMANDS.push(registerValidate);
import { register as registerGrant } from './grant'; COMMANDS.push(registerGrant);
import { register as registerRevoke } from './revoke'; COMMANDS.push(registerRevoke);
import { register as registerSync } from './sync'; COMMANDS.push(registerSync);
import { register as registerDiff } from './diff'; COMMANDS.push(registerDiff);
import { register as registerStep } from './step'; COMMANDS.push(registerStep);
