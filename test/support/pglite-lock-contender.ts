import { createInterface } from "node:readline";
import { DatabaseInUseError, lockDataDirectory } from "../../src/storage/pglite-lock.js";

// One process contending for a PGlite data directory's lock, round after round, as told on stdin
// (test/hardening/pglite-lock.test.ts). A number is a moment on the system-wide monotonic clock: it
// spins until then, so that all contenders try within microseconds, and prints `held`,
// `refused <message>` or `failed <message>`. `release` releases a lock it holds; it prints `released`.

const directory = process.argv[2];
if (!directory) throw new Error("usage: pglite-lock-contender.ts <directory>");
let release: (() => void) | undefined;
process.stdout.write("ready\n");
for await (const line of createInterface({ input: process.stdin })) {
  if (line === "release") {
    release?.();
    release = undefined;
    process.stdout.write("released\n");
    continue;
  }
  const start = BigInt(line);
  while (process.hrtime.bigint() < start) {
    // spin: timers would wake the contenders at different moments
  }
  try {
    release = lockDataDirectory(directory);
    process.stdout.write("held\n");
  } catch (error) {
    const verdict = error instanceof DatabaseInUseError ? "refused" : "failed";
    process.stdout.write(`${verdict} ${String(error).split("\n")[0]}\n`);
  }
}
