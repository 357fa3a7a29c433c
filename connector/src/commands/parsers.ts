/**
 * Flag value parsers shared by every command. They throw commander's InvalidArgumentError, so commander's message
 * names the flag (or the environment variable the value came from) beside our rule; main() turns it into exit 2.
 */
import { InvalidArgumentError } from 'commander';

/**
 * true/false and their usual spellings (1/0, yes/no, on/off), for `[bool]` flags: `--flag` alone is true, and
 * `--flag=false` and `--flag false` both give false (commander hands either value here). A leading `=` is dropped so
 * that `-p=false` means what it means to baton's pflag (commander passes a short flag's value as "=false").
 */
export function bool(v: string): boolean {
  const value = v.startsWith('=') ? v.slice(1) : v;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
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
