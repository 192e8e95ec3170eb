/** Timers, passed in so tests can drive time by hand. */
export interface Scheduler {
  /** Calls `fn` once after `ms` milliseconds; returns a handle for `cancel`. */
  schedule(fn: () => void, ms: number): unknown;
  cancel(handle: unknown): void;
}

/** Node's timers; unref'd so a pending poll never keeps a process alive on its own. */
export const systemScheduler: Scheduler = {
  schedule(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  cancel(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};
