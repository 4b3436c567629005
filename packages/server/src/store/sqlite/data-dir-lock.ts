/**
 * One process per data dir. The embedded store releases every lease at start (all of them belong to a
 * process that is gone), which is only true if no other live process uses the same SQLite file: a
 * second process would otherwise resend the first one's attempts in flight.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** A held lock; `release` removes it (a `kill -9` leaves it behind, and the next start takes it over). */
export interface DataDirLock {
  release(): void;
}

/** Lock files this process holds: a second server in the same process must be refused too. */
const heldHere = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock file `<dataDir>/hookline.lock`, holding this process id.
 * @throws Error naming the other process when a live one holds it.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = resolve(dataDir, 'hookline.lock');
  if (heldHere.has(path)) {
    throw new Error(
      `another Hookline in this process is using ${dataDir}; give this one its own HOOKLINE_DATA_DIR`,
    );
  }
  for (let tries = 0; ; tries++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || tries > 0) throw error;
      const holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new Error(
          `another Hookline (pid ${holder}) is using ${dataDir}; stop it or give this one its own HOOKLINE_DATA_DIR`,
        );
      }
      // Left by a process that was killed (or by an earlier process whose pid this one now has).
      unlinkSync(path);
    }
  }
  heldHere.add(path);
  return {
    release() {
      heldHere.delete(path);
      try {
        unlinkSync(path);
      } catch {
        // Already gone: nothing to release.
      }
    },
  };
}
