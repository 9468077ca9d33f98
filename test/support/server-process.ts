import { type ChildProcess, spawn } from "node:child_process";
import { type ClientRequest, request as httpRequest } from "node:http";
import { fileURLToPath } from "node:url";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { type GraphQLBody, type GraphQLResponse, graphQLResponse, textOf } from "./graphql-response.js";

// The real server (`src/server/start.ts`) as a separate process, configured by its environment as in
// production. It runs as `node --import tsx src/server/start.ts`: one process, so the signals the test
// sends reach the server itself and its exit code is the one the test sees (npx would neither pass
// SIGTERM on nor keep the server's exit code). It gets its own process group so that cleanup can end
// it whatever it started.

const PROJECT = fileURLToPath(new URL("../..", import.meta.url));
const START_TIMEOUT_MS = 60_000;
const LISTENING = /Contacts API on http:\/\/localhost:(\d+)\/graphql/;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  /** http://127.0.0.1:<port> */
  url: string;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** The JSON log lines it printed on stdout. */
  logs(): Record<string, unknown>[];
  /** Resolves when the process has ended and closed its output. */
  exited: Promise<Exit>;
  ended(): boolean;
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then waits for the exit; SIGKILL to the whole group after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<Exit>;
}

/** Settings every test server gets unless the test overrides them: no throttling, no demo seeding. */
const BASE_ENV: Record<string, string> = {
  PORT: "0",
  HOST: "127.0.0.1",
  SEED_DEMO: "false",
  RATE_LIMIT_WRITE_RATE: "0",
  RATE_LIMIT_READ_RATE: "0",
  LOG_LEVEL: "warn",
  METRICS_ENABLED: "false",
  CLIENT_TOKEN_SECRET: "test-client-token-secret-of-at-least-32-characters",
};

/**
 * A preload that makes the server print, at exit, how many connections it took and how many of them
 * it closed before a request on them began (see connection-accounting.ts).
 */
export const CONNECTION_ACCOUNTING = fileURLToPath(new URL("./connection-accounting.ts", import.meta.url));
const ACCOUNTING_PREFIX = "connection-accounting ";

export function connectionAccounting(server: ServerProcess): { accepted: number; closedBeforeRequest: number } | null {
  const line = server
    .stderr()
    .split("\n")
    .find((candidate) => candidate.startsWith(ACCOUNTING_PREFIX));
  return line ? JSON.parse(line.slice(ACCOUNTING_PREFIX.length)) : null;
}

export interface ServerProcessOptions {
  /** Modules the process imports before the server (after tsx, so they may be TypeScript). */
  preload?: string[];
}

export async function startServerProcess(
  env: Record<string, string>,
  options: ServerProcessOptions = {},
): Promise<ServerProcess> {
  const preload = (options.preload ?? []).flatMap((module) => ["--import", module]);
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", ...preload, "src/server/start.ts"], {
    cwd: PROJECT,
    env: { ...process.env, ...BASE_ENV, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("could not start the server process");
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  let ended = false;
  const exited = new Promise<Exit>((resolve) =>
    child.once("close", (code, signal) => {
      ended = true;
      resolve({ code, signal });
    }),
  );
  const killGroup = (signal: NodeJS.Signals) => {
    if (ended) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  };
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the server did not start in time")), START_TIMEOUT_MS);
    const check = () => {
      const match = LISTENING.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on("data", check);
    exited.then(() => {
      clearTimeout(timer);
      reject(new Error("the server ended before it listened"));
    });
  }).catch(async (error: Error) => {
    killGroup("SIGKILL");
    await exited;
    throw new Error(`${error.message}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  });

  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    stdout: () => stdout,
    stderr: () => stderr,
    logs: () =>
      stdout
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    exited,
    ended: () => ended,
    signal: (signal) => {
      if (!ended) process.kill(pid, signal);
    },
    async stop(timeoutMs = 30_000) {
      killGroup("SIGTERM");
      const timer = setTimeout(() => killGroup("SIGKILL"), timeoutMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
}

/**
 * POSTs one typed GraphQL operation with fetch (keep-alive connections); rejects on a network error
 * or timeout, and on a body that is not JSON.
 */
export async function postGraphQL<Data, Variables>(
  url: string,
  key: string,
  document: TypedDocumentNode<Data, Variables>,
  variables: Variables,
  timeoutMs = 30_000,
): Promise<GraphQLResponse<Data>> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: textOf(document), variables }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let body: GraphQLBody<Data>;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
  return graphQLResponse(response.status, response.headers, body);
}

export interface RawAnswer {
  status: number;
  body: string;
}

/**
 * One request on its own connection (`Connection: close`, no agent), so that a refused connection
 * and a connection cut off mid-answer can be told apart. Rejects with the socket error (`code`).
 */
export function postOnNewConnection(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs = 60_000,
): Promise<RawAnswer> {
  const request = httpRequest(`${url}/graphql`, {
    method: "POST",
    agent: false,
    headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers },
    timeout: timeoutMs,
  });
  request.on("timeout", () => request.destroy(Object.assign(new Error("timed out"), { code: "TIMEOUT" })));
  const answer = readAnswer(request);
  request.end(body);
  return answer;
}

/**
 * The answer to a request being sent: its status and whole body. Rejects with the socket error,
 * or with code ABORTED or INCOMPLETE when the answer was cut off.
 */
export function readAnswer(request: ClientRequest): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    request.on("error", reject);
    request.on("response", (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        text += chunk;
      });
      response.on("error", reject);
      response.on("aborted", () => reject(Object.assign(new Error("response aborted"), { code: "ABORTED" })));
      response.on("end", () => {
        if (!response.complete) reject(Object.assign(new Error("response incomplete"), { code: "INCOMPLETE" }));
        else resolve({ status: response.statusCode ?? 0, body: text });
      });
    });
  });
}
