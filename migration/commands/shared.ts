/** Small helpers the commands share. */
import { AdapterError, type InstanceId } from '../../domain/index.ts';
import { SourceStopped } from '../source/read.ts';
import { CommandError } from './io.ts';

/** Turns a failed whole-instance read into the sentence the CLI prints (exit 2); other errors pass through. */
export function readFailure(instance: InstanceId, err: unknown): unknown {
  if (err instanceof SourceStopped) {
    return new CommandError(
      `${instance} stopped answering after ${err.afterPersons} persons: ${err.lastError.code}, ${tidy(err.lastError.message)}.`,
    );
  }
  if (err instanceof AdapterError) {
    return new CommandError(`Could not list the persons of ${instance}: ${err.code}, ${tidy(err.message)}.`);
  }
  return err;
}

function tidy(message: string): string {
  const m = message.replace(/\.$/, '');
  return m.charAt(0).toLowerCase() + m.slice(1);
}

/** A positive integer option, or CommandError. */
export function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new CommandError(`Expected ${name} as a positive integer, received another value.`);
  return n;
}
