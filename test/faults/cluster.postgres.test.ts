import { readFileSync } from "node:fs";
import { get } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, createWorkspace } from "../../src/access/accounts.js";
import { CreateContactDocument } from "../support/generated/graphql.js";
import { postGraphQL, type ServerProcess, startServerProcess } from "../support/server-process.js";
import { openTestDatabase, type TestDatabase } from "../support/test-database.js";

// WEB_CONCURRENCY=2: one primary that forks two server processes sharing the port. What a client
// and an operator can see: every request is answered whichever worker takes it, the uniqueness
// rules hold across the workers, a worker that dies is replaced, /metrics sums every worker, and
// SIGTERM stops them all with exit 0.

let db: TestDatabase;
let server: ServerProcess;
let key: string;

/** The primary's child processes: its workers. */
function workerPids(primary: number): number[] {
  const children = readFileSync(`/proc/${primary}/task/${primary}/children`, "utf8").trim();
  return children ? children.split(/\s+/).map(Number) : [];
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

beforeAll(async () => {
  db = await openTestDatabase();
  const account = await createAccount(db.prisma, { name: "Cluster" });
  key = (await createWorkspace(db.prisma, { accountId: account.accountId, name: "Main" })).apiKey;
  server = await startServerProcess({
    DATABASE_URL: db.url as string,
    WEB_CONCURRENCY: "2",
    METRICS_ENABLED: "true",
    DATABASE_POOL_SIZE: "5",
  });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await db?.close();
});

describe("cluster mode (WEB_CONCURRENCY=2 on PostgreSQL)", { timeout: 120_000 }, () => {
  it("runs two workers behind one port, and the email rule holds across them", async () => {
    await waitFor("two workers", () => (workerPids(server.pid).length === 2 ? true : undefined));
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        postGraphQL(server.url, key, CreateContactDocument, { input: { email: "same@example.com" } }),
      ),
    );
    const kinds = answers.map((answer) => answer.data.createContact.__typename);
    expect(kinds.filter((kind) => kind === "CreateContactSuccess")).toHaveLength(1);
    expect(kinds.filter((kind) => kind === "ConflictError")).toHaveLength(19);
    expect(await db.prisma.contact.count()).toBe(1);
  });

  it("answers /metrics with every worker's requests summed", async () => {
    const before = await requestCount();
    // A new connection each time: the primary hands connections to the workers in turn.
    for (let i = 0; i < 10; i++) await getOnNewConnection(`${server.url}/health`);
    // The /metrics request that reads the count is itself counted once it has been answered.
    expect((await requestCount()) - before).toBe(11);
  });

  it("replaces a worker that dies, and keeps answering", async () => {
    const [victim, survivor] = workerPids(server.pid);
    process.kill(victim as number, "SIGKILL");
    const replacement = await waitFor("a replacement worker", () => {
      const pids = workerPids(server.pid);
      return pids.length === 2 && !pids.includes(victim as number) ? pids : undefined;
    });
    expect(replacement).toContain(survivor);
    for (let i = 0; i < 6; i++) {
      const answer = await postGraphQL(server.url, key, CreateContactDocument, {
        input: { email: `after${i}@example.com` },
      });
      expect(answer.data.createContact.__typename).toBe("CreateContactSuccess");
    }
  });

  it("stops every worker on SIGTERM and exits 0", async () => {
    const workers = workerPids(server.pid);
    expect(await server.stop()).toEqual({ code: 0, signal: null });
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  });
});

describe("cluster mode on the embedded database", () => {
  it("refuses to start, saying why", async () => {
    await expect(startServerProcess({ DATABASE_URL: "pglite:memory", WEB_CONCURRENCY: "2" })).rejects.toThrow(
      /WEB_CONCURRENCY above 1 needs PostgreSQL/,
    );
  });
});

async function requestCount(): Promise<number> {
  const text = await getOnNewConnection(`${server.url}/metrics`);
  return text
    .split("\n")
    .filter((line) => line.startsWith("contacts_api_requests_total"))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
}

function getOnNewConnection(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      let body = "";
      response.setEncoding("utf8").on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => resolve(body));
    }).on("error", reject);
  });
}
