import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

// A throwaway PostgreSQL cluster for tests that stop and restart the database: its own data
// directory under a temporary directory, its own port on the loopback interface, its own socket
// directory, so the shared server is never touched. PostgreSQL refuses to run as root, so when the
// tests run as root the cluster runs as the `postgres` OS user.

const BIN = process.env.POSTGRES_BIN ?? "/usr/lib/postgresql/15/bin";
const run = promisify(execFile);

export interface ThrowawayCluster {
  port: number;
  /** A connection URL for a database of this cluster. */
  url(database: string): string;
  /**
   * `pg_ctl stop`: "fast" (the default) terminates the sessions and rolls their transactions back;
   * "immediate" kills every process at once, as a crash would, and the next start recovers.
   */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  /** `pg_ctl start -w`: returns once the cluster accepts connections. */
  start(): Promise<void>;
  createDatabase(name: string): Promise<void>;
  /** Stops the cluster (immediately) and deletes every file of it; safe to call more than once. */
  destroy(): Promise<void>;
  log(): string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export async function startThrowawayCluster(): Promise<ThrowawayCluster> {
  const initdb = join(BIN, "initdb");
  const pgCtl = join(BIN, "pg_ctl");
  if (!existsSync(initdb) || !existsSync(pgCtl)) {
    throw new Error(`PostgreSQL server binaries not found in ${BIN} (set POSTGRES_BIN)`);
  }
  const root = mkdtempSync(join(tmpdir(), "contacts-pg-cluster-"));
  const dataDirectory = join(root, "data");
  const logFile = join(root, "postgres.log");
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: group } = await run("id", ["-g", "postgres"]);
    chownSync(root, Number(stdout.trim()), Number(group.trim()));
  }
  /** Runs a PostgreSQL binary, as the postgres user when we are root. */
  const pgRun = (binary: string, args: string[], timeout = 60_000) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", binary, ...args], { timeout }) : run(binary, args, { timeout });

  let port = 0;
  let destroyed = false;
  const start = async () => {
    // fsync off only: a killed server loses nothing the OS has (the machine does not crash here),
    // while synchronous_commit stays on so that every acknowledged commit survives "-m immediate".
    const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${root} -c fsync=off -c full_page_writes=off`;
    await pgRun(pgCtl, ["-D", dataDirectory, "-l", logFile, "-o", options, "-w", "-t", "60", "start"]);
  };
  try {
    await pgRun(initdb, ["-D", dataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"]);
    // Another process could take the port between the probe and the start: try a few.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await start();
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  } catch (error) {
    await pgRun(pgCtl, ["-D", dataDirectory, "-m", "immediate", "stop"]).catch(() => {});
    rmSync(root, { recursive: true, force: true });
    throw new Error(`could not start a throwaway PostgreSQL cluster: ${(error as Error).message}`);
  }

  const url = (database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    url,
    stop: async (mode = "fast") => {
      await pgRun(pgCtl, ["-D", dataDirectory, "-m", mode, "-w", "-t", "60", "stop"]);
    },
    start,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url("postgres") });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      try {
        await pgRun(pgCtl, ["-D", dataDirectory, "-m", "immediate", "-w", "-t", "30", "stop"]);
      } catch {
        // Not running. Should pg_ctl itself fail, end the postmaster we started by its pid.
        const pidFile = join(dataDirectory, "postmaster.pid");
        const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").split("\n")[0]) : Number.NaN;
        if (Number.isInteger(pid) && pid > 0) {
          try {
            process.kill(pid, "SIGQUIT");
          } catch {
            // Already gone.
          }
        }
      }
      rmSync(root, { recursive: true, force: true });
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : ""),
  };
}
