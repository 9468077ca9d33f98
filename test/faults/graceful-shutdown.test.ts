import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAccount, createWorkspace } from "../../src/access/accounts.js";
import { defineCustomVariable } from "../../src/custom-variables/custom-variables.service.js";
import { type Database, openDatabase } from "../../src/storage/database.js";
import { migrate } from "../../src/storage/migrations.js";
import type { CreateContactMutation } from "../support/generated/graphql.js";
import {
  CONNECTION_ACCOUNTING,
  connectionAccounting,
  postOnNewConnection,
  type RawAnswer,
  readAnswer,
  type ServerProcess,
  startServerProcess,
} from "../support/server-process.js";
import { CREATE_CONTACT, type GraphQLBody } from "../support/test-app.js";
import { openTestDatabase, storage, type TestDatabase } from "../support/test-database.js";

// SIGTERM in the middle of a load: the server stops accepting, answers every request it accepted
// (up to SHUTDOWN_TIMEOUT_MS), closes its pool and exits 0. Runs on both storages: PGlite as a data
// directory the server opens (one process at a time, so the test seeds it before and reads it
// after), PostgreSQL as a fresh database the test process shares with the server.

let databaseUrl: string;
let postgres: TestDatabase | undefined;
let pgliteDirectory: string | undefined;
let key: string;
let server: ServerProcess | undefined;

/** Opens the database in this process; for PGlite only while no server has it. */
async function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  if (postgres) return work(postgres);
  const db = await openDatabase({ databaseUrl, databasePoolSize: 2, databaseConnectTimeoutMs: 10_000 });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  if (storage === "postgres") {
    postgres = await openTestDatabase();
    databaseUrl = postgres.url as string;
  } else {
    pgliteDirectory = mkdtempSync(join(tmpdir(), "contacts-shutdown-"));
    databaseUrl = `pglite:${join(pgliteDirectory, "db")}`;
  }
  key = await withDatabase(async (db) => {
    await migrate(db);
    const account = await createAccount(db.prisma, { name: "Shutdown" });
    const workspace = await createWorkspace(db.prisma, { accountId: account.accountId, name: "Main" });
    await defineCustomVariable(db.prisma, workspace.workspaceId, "Source");
    await defineCustomVariable(db.prisma, workspace.workspaceId, "Score");
    return workspace.apiKey;
  });
}, 120_000);

afterEach(async () => {
  if (server && !server.ended()) await server.stop();
  server = undefined;
});

afterAll(async () => {
  await postgres?.close();
  if (pgliteDirectory) rmSync(pgliteDirectory, { recursive: true, force: true });
});

const contactCount = () => withDatabase((db) => db.prisma.contact.count({ where: { deletedAt: null } }));

type Outcome =
  | { kind: "answered"; requestId: string; status: number; typename: string | undefined; body: string }
  | { kind: "failed"; requestId: string; code: string; message: string };

function createBody(n: number): string {
  return JSON.stringify({
    query: CREATE_CONTACT,
    variables: {
      input: {
        firstName: `Load ${n}`,
        email: `load${n}@example.com`,
        tags: ["load", `load-${n % 7}`, `batch-${Math.floor(n / 50)}`],
        customFields: { Source: "shutdown test", Score: n },
      },
    },
  });
}

/**
 * A client that uploads its request body in two halves: sent with the first half, finished when
 * told. While it waits the request is in flight on the server, whatever the storage.
 */
function startSlowUpload(url: string, requestId: string, body: string) {
  const half = Math.floor(body.length / 2);
  const request = httpRequest(`${url}/graphql`, {
    method: "POST",
    agent: false,
    headers: {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      authorization: `Bearer ${key}`,
      "x-request-id": requestId,
    },
  });
  const answer = readAnswer(request);
  request.flushHeaders();
  request.write(body.slice(0, half));
  return { answer, finish: () => request.end(body.slice(half)) };
}

async function until(condition: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("graceful shutdown", { timeout: 180_000 }, () => {
  it("on SIGTERM mid-load: stops accepting, answers every accepted request in full, exits 0", async () => {
    const before = await contactCount();
    server = await startServerProcess(
      { DATABASE_URL: databaseUrl, LOG_LEVEL: "info", SHUTDOWN_TIMEOUT_MS: "60000" },
      { preload: [CONNECTION_ACCOUNTING] },
    );
    const running = server;

    const SLOW_UPLOADS = 5;
    const INITIAL = 40;
    const MAX_REQUESTS = 800;
    const SIGTERM_AFTER_ANSWERS = 60;
    const outcomes: Outcome[] = [];
    let sent = 0;
    let answered = 0;
    let sigtermSent = false;
    let refusedInARow = 0;
    const pending = new Set<Promise<void>>();
    const record = (requestId: string, request: Promise<RawAnswer>) => {
      const tracked: Promise<void> = request
        .then(
          (answer) => {
            answered += 1;
            refusedInARow = 0;
            let typename: string | undefined;
            try {
              const body: GraphQLBody<CreateContactMutation> = JSON.parse(answer.body);
              typename = body.data?.createContact?.__typename;
            } catch {
              typename = undefined;
            }
            outcomes.push({ kind: "answered", requestId, status: answer.status, typename, body: answer.body });
          },
          (error: NodeJS.ErrnoException) => {
            if (error.code === "ECONNREFUSED") refusedInARow += 1;
            outcomes.push({ kind: "failed", requestId, code: error.code ?? "UNKNOWN", message: error.message });
          },
        )
        .finally(() => pending.delete(tracked));
      pending.add(tracked);
    };
    const send = () => {
      sent += 1;
      const requestId = `load-${sent}`;
      const headers = { authorization: `Bearer ${key}`, "x-request-id": requestId };
      record(requestId, postOnNewConnection(running.url, headers, createBody(sent)));
    };

    // Requests still uploading their bodies when SIGTERM arrives: in flight on any storage.
    const uploads = Array.from({ length: SLOW_UPLOADS }, (_, i) => {
      sent += 1;
      const upload = startSlowUpload(running.url, `slow-${i}`, createBody(sent));
      record(`slow-${i}`, upload.answer);
      return upload;
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));

    // A steady load: 40 at once, then one more every 5 ms; SIGTERM once 60 are answered; the load
    // goes on until the server refuses connections (its listening socket is closed).
    for (let i = 0; i < INITIAL; i++) send();
    const started = Date.now();
    while (sent < MAX_REQUESTS && !running.ended() && refusedInARow < 20 && Date.now() - started < 90_000) {
      if (!sigtermSent && answered >= SIGTERM_AFTER_ANSWERS) {
        sigtermSent = true;
        running.signal("SIGTERM");
      }
      if (pending.size < INITIAL * 2) send();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(sigtermSent, "SIGTERM was never sent: too few answers").toBe(true);
    // The slow clients finish their uploads only now, after the server began closing.
    await until(() => running.stdout().includes("SIGTERM: closing"), 30_000, "the server to log SIGTERM");
    expect(running.ended()).toBe(false);
    for (const upload of uploads) upload.finish();
    await Promise.all(pending);
    const exit = await running.exited;

    // The server: shut down through its handler, with requests in flight, closed the pool, exit 0.
    expect(exit, running.stderr()).toEqual({ code: 0, signal: null });
    const logs = running.logs();
    const closing = logs.find((entry) => entry.msg === "SIGTERM: closing");
    const inFlightAtSigterm = Number(closing?.inFlight);
    expect(inFlightAtSigterm).toBeGreaterThanOrEqual(SLOW_UPLOADS);
    expect(logs.some((entry) => entry.msg === "stopped")).toBe(true);
    expect(logs.some((entry) => entry.msg === "shutdown deadline reached: closing open connections")).toBe(false);

    // Every request the server began (it logs each one when its connection closes) got a complete
    // 200 answer with a created contact: nothing cut off, nothing failed.
    const accepted = new Set(logs.filter((entry) => entry.msg === "request").map((entry) => String(entry.requestId)));
    const answers = outcomes.filter((outcome) => outcome.kind === "answered");
    const failures = outcomes.filter((outcome) => outcome.kind === "failed");
    expect(answers.length + failures.length).toBe(sent);
    // On a failed answer, what the server logged of it (error names, codes and frames) says why.
    const yogaLogs = JSON.stringify(logs.filter((entry) => entry.msg === "graphql-yoga").slice(0, 5));
    for (const answer of answers) {
      expect(answer.status, `${answer.body}; the server logged ${yogaLogs}`).toBe(200);
      expect(answer.typename, `${answer.body}; the server logged ${yogaLogs}`).toBe("CreateContactSuccess");
      expect(accepted.has(answer.requestId)).toBe(true);
    }
    for (const upload of uploads.keys()) {
      expect(answers.map((answer) => answer.requestId)).toContain(`slow-${upload}`);
    }
    expect(accepted.size).toBe(answers.length);
    // And the server dropped no connection it had taken before a request on it began.
    expect(connectionAccounting(running)).toEqual({ accepted: answers.length, closedBeforeRequest: 0 });

    // The failures are connections the server never took: refused once its listening socket was
    // closed, or reset by the kernel when that socket closed with them still in its accept queue.
    for (const failure of failures) {
      expect(["ECONNREFUSED", "ECONNRESET"], `${failure.requestId}: ${failure.message}`).toContain(failure.code);
    }
    const refused = failures.filter((failure) => failure.code === "ECONNREFUSED");
    expect(refused.length, "the load went on until the server refused connections").toBeGreaterThan(0);

    // Exactly the answered creates are stored.
    expect(await contactCount()).toBe(before + answers.length);
    console.info(
      `[${storage}] graceful shutdown: ${sent} requests; ${answers.length} answered 200 ` +
        `(${inFlightAtSigterm} in flight at SIGTERM); ${refused.length} refused; ` +
        `${failures.length - refused.length} reset in the kernel's accept queue, never taken by the server`,
    );
  });

  it("a request that never finishes is cut at SHUTDOWN_TIMEOUT_MS and the server still exits 0", async () => {
    const DEADLINE_MS = 1500;
    server = await startServerProcess({
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: "info",
      SHUTDOWN_TIMEOUT_MS: String(DEADLINE_MS),
    });
    const running = server;
    // A client that announces a body and sends only half of it: the request stays in flight.
    const { port } = new URL(running.url);
    const socket = connect(Number(port), "127.0.0.1");
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    socket.on("error", () => {});
    socket.write(
      "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    );
    await new Promise((resolve) => setTimeout(resolve, 300));

    const sigtermAt = Date.now();
    running.signal("SIGTERM");
    const exit = await running.exited;
    const took = Date.now() - sigtermAt;
    await closed;

    expect(exit, running.stderr()).toEqual({ code: 0, signal: null });
    expect(took).toBeGreaterThanOrEqual(DEADLINE_MS - 50);
    expect(took).toBeLessThan(DEADLINE_MS + 15_000);
    const logs = running.logs();
    expect(logs.find((entry) => entry.msg === "SIGTERM: closing")?.inFlight).toBe(1);
    expect(logs.some((entry) => entry.msg === "shutdown deadline reached: closing open connections")).toBe(true);
    expect(logs.some((entry) => entry.msg === "stopped")).toBe(true);
  });
});
