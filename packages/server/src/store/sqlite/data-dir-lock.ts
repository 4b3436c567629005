/**
 * One process per data dir. The embedded store releases every lease at start (all of them belong to a
 * process that is gone), which is only true if no other live process uses the same SQLite file: a
 * second process would otherwise resend the first one's attempts in flight.
 *
 * The lock is held by the operating system, not written down: `<dataDir>/hookline.lock` is a small
 * SQLite file on which this process keeps an exclusive transaction open, which SQLite takes as a POSIX
 * advisory lock. The kernel drops that lock the moment the process ends, however it ends: a `kill -9`,
 * a zombie not yet reaped, or a pid since reused by another program never blocks the next start.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';

/** A held lock; `release` lets it go (ending the process does too). */
export interface DataDirLock {
  release(): void;
}

/** Lock files this process holds: a second server in the same process must be refused too. */
const heldHere = new Set<string>();

// What a SQLite file starts with; the lock files of earlier builds held a process id instead.
const SQLITE_HEADER = 'SQLite format 3\u0000';

/**
 * Takes the lock on `<dataDir>/hookline.lock`.
 * @throws Error when another process (or another server in this one) holds it.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = resolve(dataDir, 'hookline.lock');
  // Beside the lock, for people and error messages only: which process holds it.
  const pidPath = resolve(dataDir, 'hookline.pid');
  if (heldHere.has(path)) {
    throw new Error(
      `another Hookline in this process is using ${dataDir}; give this one its own HOOKLINE_DATA_DIR`,
    );
  }
  mkdirSync(dataDir, { recursive: true });
  removeOldLockFile(path);
  const db = new Database(path, { timeout: 0 });
  try {
    // Exclusive locking mode keeps the lock after the first write until the connection closes; the
    // open transaction is that write.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS held (pid INTEGER)');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      const holder = readPid(pidPath);
      throw new Error(
        `another Hookline${holder === undefined ? '' : ` (pid ${holder})`} is using ${dataDir} (it holds ${path}); stop it or give this one its own HOOKLINE_DATA_DIR`,
      );
    }
    throw error;
  }
  heldHere.add(path);
  writeFileSync(pidPath, `${process.pid}\n`);
  return {
    release() {
      if (!heldHere.delete(path)) return;
      db.close();
    },
  };
}

/** The process id written beside the lock, if it can be read. */
function readPid(pidPath: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidPath, 'utf8'), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** A lock file of the earlier kind (a process id in text) was left by a killed process: it goes. */
function removeOldLockFile(path: string): void {
  let head: string;
  try {
    head = readFileSync(path, 'latin1').slice(0, SQLITE_HEADER.length);
  } catch {
    return;
  }
  if (head.length > 0 && head !== SQLITE_HEADER) unlinkSync(path);
}
