/**
 * Option pieces shared by `diff` and `sample` (their own options; the CLI
 * takes the common ones). Every failure is a CommandError with a
 * one-sentence message naming the option.
 */
import { parseArgs } from 'node:util';
import { INSTANCES, isInstanceId, type InstanceId } from '../../domain/index.ts';
import { CommandError } from '../commands/io.ts';

const RECORD_INSTANCES = INSTANCES.filter((i) => i.product !== 'vtj').map((i) => i.id);

/** A record instance (not VTJ) named by an option. */
export function recordInstance(option: string, value: string | undefined): InstanceId {
  if (value === undefined) throw new CommandError(`Expected ${option} INSTANCE, received nothing.`);
  if (!isInstanceId(value) || value === 'vtj') {
    throw new CommandError(`Expected ${option} to name a record instance (${RECORD_INSTANCES.join(', ')}), received ${value}.`);
  }
  return value;
}

/** `--fee-years 2024-2026` or `2024,2026`: whole years from 1900 to 2100, at most 50. */
export function parseFeeYears(value: string | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  const range = /^(\d{4})-(\d{4})$/.exec(value);
  let years: number[];
  if (range) {
    const [from, to] = [Number(range[1]), Number(range[2])];
    years = from <= to && to - from < 50 ? Array.from({ length: to - from + 1 }, (_, i) => from + i) : [];
  } else {
    years = /^\d{4}(,\d{4})*$/.test(value) ? [...new Set(value.split(',').map(Number))] : [];
  }
  if (years.length === 0 || years.length > 50 || years.some((y) => y < 1900 || y > 2100)) {
    throw new CommandError(`Expected --fee-years as YYYY-YYYY or YYYY,YYYY,… (at most 50 years from 1900 to 2100), received ${value}.`);
  }
  return years;
}

/** A whole number option within bounds. */
export function parseCount(option: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (value === undefined || !/^\d+$/.test(value) || n < min || n > max) {
    throw new CommandError(`Expected ${option} as a whole number from ${min} to ${max}, received ${value ?? 'nothing'}.`);
  }
  return n;
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

/**
 * node:util parseArgs, strict, with its errors turned into one sentence
 * naming the command (`Unknown option '--x'` → `diff does not take --x.`).
 */
export function parseOptions<T extends OptionSpec>(command: string, args: readonly string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals });
  } catch (err) {
    const e = err as { code?: string; message: string };
    const quoted = /'([^']+)'/.exec(e.message)?.[1] ?? '';
    switch (e.code) {
      case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
        throw new CommandError(`${command} does not take ${quoted}.`);
      case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
        throw new CommandError(`${command} takes no argument ${quoted}.`);
      case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
        const missing = /argument missing/.test(e.message);
        throw new CommandError(
          `Expected ${quoted.split(' ')[0]} ${missing ? 'with a value' : 'without a value'}, received ${missing ? 'none' : 'one'}.`,
        );
      }
      default:
        throw new CommandError(`${command}: ${e.message.split('. ')[0]!.replace(/\.$/, '')}.`);
    }
  }
}
