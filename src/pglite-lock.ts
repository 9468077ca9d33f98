import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";

export class DatabaseInUseError extends Error {}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * PGlite lets one process at a time open a data directory, and does not check it itself: a second
 * opener silently corrupts it. This pid file beside the directory is written by hand because it must
 * name the holder in its error and tell a crashed holder (stale pid) from a live one, with no timer.
 */
export function lockDataDirectory(directory: string): () => void {
  const lockPath = `${directory}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(lockPath);
        } catch {
          // already gone: nothing to release
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number.parseInt(readFileSync(lockPath, "utf8"), 10);
      if (Number.isInteger(holder) && isAlive(holder)) {
        throw new DatabaseInUseError(
          `The embedded database at ${directory} is in use by process ${holder} (is the server running?). ` +
            "PGlite allows one process at a time: stop that process, or point DATABASE_URL at PostgreSQL.",
        );
      }
      unlinkSync(lockPath); // left by a process that no longer runs
    }
  }
  throw new DatabaseInUseError(`Could not lock the embedded database at ${directory}`);
}
