/**
 * Flag value parsers shared by every command. They throw commander's InvalidArgumentError, so commander's message
 * names the flag (or the environment variable the value came from) beside our rule; main() turns it into exit 2.
 */
import { InvalidArgumentError } from 'commander';

/** true/false and their usual spellings (1/0, yes/no, on/off). */
export function bool(v: string): boolean {
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new InvalidArgumentError('expected true or false.');
}

/** A parser for whole numbers within [min, max]. */
export function wholeNumber(min: number, max: number, unit = ''): (v: string) => number {
  return (v: string) => {
    if (!/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max) {
      throw new InvalidArgumentError(`expected a whole number${unit ? ` of ${unit}` : ''} from ${min} to ${max}.`);
    }
    return Number(v);
  };
}
