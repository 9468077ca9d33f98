import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type Database, openDatabase } from "../../src/storage/database.js";

const PROJECT = fileURLToPath(new URL("../..", import.meta.url));
const DEFAULT_TIMEOUT_MS = 60_000;

export interface AdminRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface AdminOptions {
  databaseUrl: string;
  env?: Record<string, string>;
  /** Written to the command's stdin, which is then closed; without it stdin is empty. */
  stdin?: string;
  /**
   * Node options: the command then runs as `node <options> --import tsx src/cli/admin.ts`, one
   * process to measure, rather than through `npm run --silent admin` as operators run it.
   */
  nodeOptions?: string[];
  timeoutMs?: number;
}

/** Runs the admin command line in a child process on `databaseUrl`, and what it printed. */
export function runAdmin(args: string[], options: AdminOptions): Promise<AdminRun> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const [command, commandArgs] = options.nodeOptions
    ? [process.execPath, [...options.nodeOptions, "--import", "tsx", "src/cli/admin.ts", ...args]]
    : ["npm", ["run", "--silent", "admin", "--", ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, {
      cwd: PROJECT,
      env: { ...process.env, ...options.env, DATABASE_URL: options.databaseUrl },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true, // its own process group, so a timeout can end npm and what it started
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.stdin.on("error", () => {}); // a command that exits without reading its stdin
    child.stdin.end(options.stdin ?? "");
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
      reject(new Error(`admin ${args.join(" ")} took over ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Opens the database at `databaseUrl` in this process for `work`, then closes it. PGlite allows one
 * process: only while no command runs.
 */
export async function withDatabaseAt<T>(databaseUrl: string, work: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase({ databaseUrl, databasePoolSize: 2, databaseConnectTimeoutMs: 10_000 });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}
