/**
 * Whether the processes of a process group are gone: what the tests that
 * start the region as a command (`npm start`, test/e2e/start.test.ts; the
 * distributed run, test/distributed/) check after stopping it.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';

/**
 * True while a live process of the group `pgid` exists. A zombie counts as
 * gone: it has exited and only waits to be reaped, and where PID 1 does not
 * reap orphans (as in some containers) tsx's esbuild service, when it exits
 * just after its parent, stays a zombie for ever. On Linux the group is read
 * from /proc (field 5 of /proc/PID/stat is the process group, field 3 the
 * state); elsewhere a signal 0 to the group answers.
 */
export function groupAlive(pgid: number): boolean {
  if (existsSync('/proc/self/stat')) {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue; // exited while we looked
      }
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so read after the last ")".
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') return true;
    }
    return false;
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** Waits until no process of the group remains, or `ms` pass; returns whether it emptied. */
export async function groupGone(pgid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!groupAlive(pgid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !groupAlive(pgid);
}
