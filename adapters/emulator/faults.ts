/**
 * Fault injection shared by every emulator, so a test can make a source
 * slow, overloaded, in maintenance, drop the connection, or send a
 * malformed body, each in that product's own way.
 */

export type FaultMode = 'overload' | 'maintenance' | 'drop' | 'malformed';

export interface FaultPlan {
  /** Added before every answer, in milliseconds. */
  latencyMs?: number;
  /** Answer every request this way until cleared. */
  mode?: FaultMode;
  /** Apply `mode` to this many further requests only, then clear it. */
  times?: number;
}

/** Mutable fault state of one emulator. */
export class Faults {
  private plan: FaultPlan = {};
  /** Requests answered so far (faulty ones included); tests count source calls with it. */
  requests = 0;

  /** Replaces the current fault plan. */
  set(plan: FaultPlan): void {
    this.plan = { ...plan };
  }

  /** Clears every fault. */
  clear(): void {
    this.plan = {};
  }

  /** Counts a request and returns the fault to apply to it, if any. */
  next(): { latencyMs: number; mode?: FaultMode } {
    this.requests++;
    const { latencyMs = 0, mode, times } = this.plan;
    if (mode && times !== undefined) {
      if (times <= 1) this.plan = { latencyMs };
      else this.plan = { ...this.plan, times: times - 1 };
    }
    return mode ? { latencyMs, mode } : { latencyMs };
  }
}

/**
 * Changes to a running emulator's data, for benchmarks and tests that
 * measure how fast a change at a source reaches the region (offered by the
 * emulators that implement it; never by a real source).
 */
export interface EmulatorDataHooks {
  /**
   * Adds a copy of one of a person's appointments and marks the person
   * changed at `changedMs` (their next changed-persons listing names them).
   * Without `hetu`, the first person listed who has an appointment. False
   * when there is no such person.
   */
  addAppointment(changedMs: number, hetu?: string): boolean;
}

/** A running emulator. */
export interface RunningEmulator {
  /** Base URL (HTTP), `host:port` (MLLP) or connection string (SQL). */
  readonly address: string;
  readonly port: number;
  readonly faults: Faults;
  /** Where the emulator implements them (Mediatri): changes to its data while it runs. */
  readonly hooks?: EmulatorDataHooks;
  close(): Promise<void>;
}

/** Resolves after `ms` milliseconds (0: next macrotask). */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
