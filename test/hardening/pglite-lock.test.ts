import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabaseInUseError, lockDataDirectory } from "../../src/storage/pglite-lock.js";

// Real processes racing for one PGlite data directory's pid lock: two holders would corrupt it.

const PROJECT = fileURLToPath(new URL("../..", import.meta.url));
const CONTENDER = fileURLToPath(new URL("../support/pglite-lock-contender.ts", import.meta.url));
const CONTENDERS = 6;
const TRIALS = 40;

/** The pid of a process that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  if (child.pid === undefined) throw new Error("could not start node");
  return child.pid;
}

/** Six contender processes (test/support/pglite-lock-contender.ts), started once for every round. */
function startContenders(database: string) {
  const children = Array.from({ length: CONTENDERS }, () =>
    spawn(process.execPath, ["--import", "tsx", CONTENDER, database], {
      cwd: PROJECT,
      stdio: ["pipe", "pipe", "inherit"],
    }),
  );
  const exited = children.map((child) => new Promise((resolve) => child.once("close", resolve)));
  const lines = children.map((child) => createInterface({ input: child.stdout })[Symbol.asyncIterator]());
  const nextLines = () =>
    Promise.all(lines.map(async (line) => (await line.next()).value ?? "(ended)")) as Promise<string[]>;
  const tell = async (message: string) => {
    for (const child of children) child.stdin.write(`${message}\n`);
    return nextLines();
  };
  return {
    pids: children.map((child) => child.pid),
    ready: nextLines(),
    /** All try the lock at one moment (process.hrtime is CLOCK_MONOTONIC, one clock for all processes). */
    contend: () => tell(String(process.hrtime.bigint() + 50_000_000n)),
    release: () => tell("release"),
    async stop() {
      for (const child of children) child.stdin.end();
      await Promise.all(exited);
    },
  };
}

let dir: string;
let database: string;
let contenders: ReturnType<typeof startContenders>;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "pglite-lock-"));
  database = join(dir, "db");
  contenders = startContenders(database);
  expect(await contenders.ready).toEqual(Array(CONTENDERS).fill("ready"));
}, 60_000);
afterAll(async () => {
  await contenders?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the PGlite data directory lock", () => {
  it("lets exactly one of six processes take over a stale lock, refusing the others with its pid", async () => {
    const stale = String(await deadPid()); // pids are not reused within seconds
    const outcomes: Record<string, number> = {};
    for (let trial = 0; trial < TRIALS; trial++) {
      writeFileSync(`${database}.lock`, stale);
      const verdicts = await contenders.contend();
      const holders = contenders.pids.filter((_, index) => verdicts[index] === "held");
      const naming = verdicts.filter((verdict) => verdict.includes(` in use by process ${holders[0]} `));
      const other = verdicts
        .filter((verdict) => verdict !== "held" && !naming.includes(verdict))
        .map((verdict) => verdict.replace(/^refused .* in use by process (\d+) .*$/, "refused naming $1"));
      const outcome = [`${holders.length} held, ${naming.length} refused naming it`, ...new Set(other)].join("; ");
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      await contenders.release();
      expect(readdirSync(dir)).toEqual([]); // released, and no temp or takeover file left behind
    }
    expect(outcomes).toEqual({ [`1 held, ${CONTENDERS - 1} refused naming it`]: TRIALS });
  }, 30_000);

  it("never takes a live holder's lock", async () => {
    const release = lockDataDirectory(database);
    try {
      expect(await contenders.contend()).toEqual(
        Array(CONTENDERS).fill(expect.stringMatching(new RegExp(`^refused .* in use by process ${process.pid} `))),
      );
      expect(readFileSync(`${database}.lock`, "utf8")).toBe(String(process.pid));
    } finally {
      release();
    }
  });

  it("can be taken again once its holder has exited", async () => {
    writeFileSync(`${database}.lock`, String(await deadPid()));
    expect((await contenders.contend()).filter((verdict) => verdict === "held")).toHaveLength(1);
    await contenders.stop(); // the holder exits without releasing: its pid is left in the lock file
    const release = lockDataDirectory(database);
    expect(readFileSync(`${database}.lock`, "utf8")).toBe(String(process.pid));
    release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses, naming the file to remove, when a takeover was cut short by a crash", async () => {
    writeFileSync(`${database}.lock`, String(await deadPid()));
    writeFileSync(`${database}.lock.takeover`, String(await deadPid()));
    expect(() => lockDataDirectory(database)).toThrow(DatabaseInUseError);
    expect(() => lockDataDirectory(database)).toThrow(`remove ${database}.lock.takeover by hand`);
  });
});
