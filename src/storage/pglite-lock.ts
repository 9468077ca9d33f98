import { randomBytes } from "node:crypto";
import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";

export class DatabaseInUseError extends Error {}

// While another process takes over a stale lock, wait for it in steps, up to about a second in all.
const ATTEMPTS = 100;
const WAIT_MS = 10;
const waitCell = new Int32Array(new SharedArrayBuffer(4));

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false; // no pid written (0 would mean our process group)
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pid written in `path`, NaN if it holds none, or null if `path` does not exist. */
function readPid(path: string): number | null {
  try {
    return Number.parseInt(readFileSync(path, "utf8"), 10);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/**
 * Creates `path` holding this process's pid, or returns false if it exists. The pid is written to a
 * temp file first and linked into place (link fails atomically on EEXIST), so no one sees it empty.
 */
function createWithPid(path: string): boolean {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  writeFileSync(temp, String(process.pid), { flag: "wx" });
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    unlinkSync(temp);
  }
}

/**
 * PGlite lets one process at a time open a data directory, and does not check it itself: a second
 * opener silently corrupts it. This pid file beside the directory is written by hand because it must
 * name the holder in its error and tell a crashed holder (stale pid) from a live one with no timer
 * (proper-lockfile refreshes mtimes on a timer instead).
 */
export function lockDataDirectory(directory: string): () => void {
  const lockPath = `${directory}.lock`;
  const takeoverPath = `${lockPath}.takeover`;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (createWithPid(lockPath)) {
      return () => {
        try {
          unlinkSync(lockPath);
        } catch {
          // already gone: nothing to release
        }
      };
    }
    const holder = readPid(lockPath);
    if (holder === null) continue; // released meanwhile
    if (isAlive(holder)) {
      throw new DatabaseInUseError(
        `The embedded database at ${directory} is in use by process ${holder} (is the server running?). ` +
          "PGlite allows one process at a time: stop that process, or point DATABASE_URL at PostgreSQL.",
      );
    }
    // Left by a process that no longer runs. Only one process at a time may remove it, and only if it
    // still holds that stale pid: otherwise a second taker could remove the first taker's fresh lock.
    if (createWithPid(takeoverPath)) {
      try {
        if (Object.is(readPid(lockPath), holder)) unlinkSync(lockPath); // Object.is: NaN (no pid) too
      } finally {
        unlinkSync(takeoverPath);
      }
      continue;
    }
    const taker = readPid(takeoverPath);
    if (taker !== null && !isAlive(taker)) {
      throw new DatabaseInUseError(
        `A process taking over the embedded database's lock at ${lockPath} ended before it finished. ` +
          `Once no server runs on ${directory}, remove ${takeoverPath} by hand.`,
      );
    }
    Atomics.wait(waitCell, 0, 0, WAIT_MS); // another process is taking over: it takes microseconds
  }
  throw new DatabaseInUseError(`Could not lock the embedded database at ${directory}`);
}
