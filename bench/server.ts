/**
 * The server under test, started the way `npm start` starts it (built into dist/server/start.js, then node) with
 * NODE_ENV=production, on a free loopback port, its output going to a log file. Its memory and CPU
 * are sampled from /proc while a cell runs.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CLOCK_TICKS_PER_SECOND, readProcStat } from "./cpu-accounting.js";

const REPO_ROOT = new URL("..", import.meta.url);

export interface RunningServer {
  pid: number;
  port: number;
  logFile: string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** `npm start`'s prestart step: the server as JavaScript in dist/. */
async function buildServer(): Promise<void> {
  const build = spawn(process.execPath, ["scripts/build-server.mjs"], { cwd: REPO_ROOT, stdio: "inherit" });
  const code = await new Promise<number | null>((done) => build.on("exit", done));
  if (code !== 0) throw new Error(`building the server failed (exit ${code})`);
}

/**
 * What `npm start` runs (package.json's start script): the environment it sets through cross-env,
 * and the arguments it gives node (its flags and the entry file).
 */
function startCommand(): { env: Record<string, string>; args: string[] } {
  const { scripts } = JSON.parse(readFileSync(new URL("package.json", REPO_ROOT), "utf8"));
  const words = String(scripts.start).split(/\s+/);
  const env: Record<string, string> = {};
  if (words[0] === "cross-env") {
    words.shift();
    for (let word = words[0]; word?.includes("="); word = words[0]) {
      const [name = "", ...value] = word.split("=");
      env[name] = value.join("=");
      words.shift();
    }
  }
  const [command, ...args] = words;
  if (command !== "node" || !args.includes("dist/server/start.js")) {
    throw new Error(
      `package.json's start script is not "[cross-env VAR=value...] node [flags] dist/server/start.js": ${scripts.start}`,
    );
  }
  return { env, args };
}

function logTail(file: string, lines = 30): string {
  if (!existsSync(file)) return "";
  return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
}

export async function startServer(options: {
  databaseUrl: string;
  env: Record<string, string>;
  logFile: string;
  /** Run under `node --cpu-prof`, the profile written here when the server exits. */
  cpuProfileDirectory?: string;
}): Promise<RunningServer> {
  await buildServer();
  const port = await freePort();
  const log = openSync(options.logFile, "a");
  let child: ChildProcess;
  try {
    const profiling = options.cpuProfileDirectory
      ? ["--cpu-prof", "--cpu-prof-dir", resolve(options.cpuProfileDirectory)]
      : [];
    const start = startCommand();
    child = spawn(process.execPath, [...profiling, ...start.args], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...start.env,
        ...options.env,
        NODE_ENV: "production",
        CLIENT_TOKEN_SECRET: process.env.CLIENT_TOKEN_SECRET ?? randomBytes(32).toString("base64url"),
        DATABASE_URL: options.databaseUrl,
        HOST: "127.0.0.1",
        PORT: String(port),
      },
      stdio: ["ignore", log, log],
    });
  } finally {
    closeSync(log);
  }
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  const stop = async () => {
    if (hasExited || child.pid === undefined) return;
    child.kill("SIGTERM");
    const outcome = await Promise.race([exited.then(() => "exited"), sleep(15_000).then(() => "timeout")]);
    if (outcome === "timeout") {
      child.kill("SIGKILL");
      await exited;
    }
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (hasExited) {
      throw new Error(`The server exited during start-up. Its log (${options.logFile}):\n${logTail(options.logFile)}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The server did not answer within 90 s. Its log:\n${logTail(options.logFile)}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  if (child.pid === undefined) throw new Error("the server has no pid");
  return { pid: child.pid, port, logFile: options.logFile, exited, stop };
}

/** The process and its children (the workers of WEB_CONCURRENCY > 1). */
function processTree(pid: number): number[] {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    return [pid, ...(children ? children.split(/\s+/).map(Number) : [])];
  } catch {
    return [pid];
  }
}

function readOneStatus(pid: number): { rssKb: number; hwmKb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name: string) => Number(status.match(new RegExp(`^${name}:\\s+(\\d+)`, "m"))?.[1] ?? Number.NaN);
    return { rssKb: field("VmRSS"), hwmKb: field("VmHWM") };
  } catch {
    return null;
  }
}

/** Resident memory of the server, its workers included (summed; the peak is the sum of each one's peak). */
function readStatus(pid: number): { rssKb: number; hwmKb: number } | null {
  const statuses = processTree(pid).map(readOneStatus);
  if (statuses[0] === null) return null;
  return statuses.reduce<{ rssKb: number; hwmKb: number }>(
    (sum, status) => (status ? { rssKb: sum.rssKb + status.rssKb, hwmKb: sum.hwmKb + status.hwmKb } : sum),
    { rssKb: 0, hwmKb: 0 },
  );
}

/** CPU of the server, its workers included. */
function readCpuTicks(pid: number): number | null {
  const ticks = processTree(pid).map((member) => readProcStat(member)?.ticks ?? null);
  if (ticks[0] === null) return null;
  return ticks.reduce<number>((sum, value) => sum + (value ?? 0), 0);
}

/** Peak resident memory (MB) and CPU use (% of one core) of a process over a stretch of time. */
export class ProcessSampler {
  private timer: NodeJS.Timeout | undefined;
  private peakKb = 0;
  private startTicks: number | null = null;
  private startTime = 0;

  constructor(private readonly pid: number) {}

  /** Peak RSS since the process started (VmHWM), in MB. */
  lifetimePeakMb(): number | null {
    const status = readStatus(this.pid);
    return status && Number.isFinite(status.hwmKb) ? Math.round(status.hwmKb / 102.4) / 10 : null;
  }

  start(): void {
    this.peakKb = 0;
    this.startTicks = readCpuTicks(this.pid);
    this.startTime = performance.now();
    const sample = () => {
      const status = readStatus(this.pid);
      if (status && Number.isFinite(status.rssKb)) this.peakKb = Math.max(this.peakKb, status.rssKb);
    };
    sample();
    this.timer = setInterval(sample, 100);
  }

  stop(): { peakRssMb: number | null; cpuPercent: number | null } {
    clearInterval(this.timer);
    const status = readStatus(this.pid);
    if (status && Number.isFinite(status.rssKb)) this.peakKb = Math.max(this.peakKb, status.rssKb);
    const endTicks = readCpuTicks(this.pid);
    const seconds = (performance.now() - this.startTime) / 1000;
    const cpuPercent =
      endTicks !== null && this.startTicks !== null && seconds > 0
        ? Math.round(((endTicks - this.startTicks) / CLOCK_TICKS_PER_SECOND / seconds) * 100)
        : null;
    return { peakRssMb: this.peakKb > 0 ? Math.round(this.peakKb / 102.4) / 10 : null, cpuPercent };
  }
}
