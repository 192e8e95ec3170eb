/**
 * Orderly start and stop of a process made of several services: each
 * started service registers how to close it; SIGINT/SIGTERM (or a failed
 * start) closes them in reverse order within a hard deadline, then exits.
 */
import type { Logger } from '../subgraphs/server/logger.ts';

export interface ShutdownOptions {
  readonly logger: Logger;
  /** The whole stop must end within this many ms, or the process exits anyway (code 1); default 5 000. */
  readonly deadlineMs?: number;
  /** How to end the process; default process.exit (tests pass a spy). */
  readonly exit?: (code: number) => void;
}

interface Step {
  readonly name: string;
  readonly close: () => Promise<unknown> | unknown;
}

/** The services of this process in start order, closed in reverse. */
export class Lifecycle {
  private readonly steps: Step[] = [];
  private stopping: Promise<void> | undefined;
  private readonly deadlineMs: number;
  private readonly exit: (code: number) => void;

  constructor(private readonly options: ShutdownOptions) {
    this.deadlineMs = options.deadlineMs ?? 5_000;
    this.exit = options.exit ?? ((code) => process.exit(code));
  }

  /** Registers a started service; returns it for chaining. */
  add<T>(name: string, value: T, close: (value: T) => Promise<unknown> | unknown): T {
    this.steps.push({ name, close: () => close(value) });
    return value;
  }

  /**
   * Closes every service in reverse start order (one failing does not stop
   * the others), then exits with `code`. A second call while stopping
   * waits for the first. Past the deadline the process exits with code 1.
   */
  stop(reason: string, code = 0): Promise<void> {
    if (this.stopping) return this.stopping;
    const { logger } = this.options;
    logger.info({ reason, services: this.steps.length }, 'stopping');
    const started = Date.now();
    const deadline = setTimeout(() => {
      logger.error({ deadlineMs: this.deadlineMs }, 'stop deadline passed; exiting with services still open');
      this.exit(1);
    }, this.deadlineMs);
    deadline.unref();
    this.stopping = (async () => {
      let failed = false;
      for (const step of [...this.steps].reverse()) {
        try {
          await step.close();
        } catch (err) {
          failed = true;
          logger.error({ service: step.name, errorName: err instanceof Error ? err.name : typeof err }, 'service did not close cleanly');
        }
      }
      clearTimeout(deadline);
      logger.info({ durationMs: Date.now() - started }, 'stopped');
      this.exit(failed && code === 0 ? 1 : code);
    })();
    return this.stopping;
  }

  /** Stops on SIGINT and SIGTERM (exit 0); a second signal while stopping exits at once (code 130). */
  handleSignals(): void {
    const onSignal = (signal: NodeJS.Signals): void => {
      if (this.stopping) {
        this.options.logger.warn({ signal }, 'second signal while stopping; exiting now');
        this.exit(130);
        return;
      }
      void this.stop(signal, 0);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // An error nothing caught: stop everything rather than run on half-broken. Name only, never the message.
    process.on('uncaughtException', (err) => {
      this.options.logger.error({ errorName: err.name }, 'uncaught exception');
      void this.stop('uncaughtException', 1);
    });
    process.on('unhandledRejection', (err) => {
      this.options.logger.error({ errorName: err instanceof Error ? err.name : typeof err }, 'unhandled rejection');
      void this.stop('unhandledRejection', 1);
    });
  }
}
