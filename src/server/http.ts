import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import sirv from "sirv";
import { ValidationFailed } from "../errors/domain-errors.js";
import { GRAPHIQL_ASSETS_DIRECTORY, GRAPHIQL_ASSETS_PATH, GRAPHIQL_FILES } from "./graphiql.js";
import type { Logger } from "./observability/logger.js";
import type { Metrics } from "./observability/metrics.js";
import { type RequestRecord, runWithRequestRecord } from "./observability/request-context.js";

/** Where `npm run build:web` puts the example app (examples/web). */
export const WEB_APP_DIRECTORY = fileURLToPath(new URL("../../examples/web/dist", import.meta.url));
export const WEB_APP_PATH = "/app";

/** The Yoga app: a WHATWG fetch entry point, and Node's. */
export interface FetchApp {
  fetch(url: string, init: RequestInit): Promise<Response> | Response;
  requestListener(request: IncomingMessage, response: ServerResponse): unknown;
}

export interface HttpOptions {
  graphql: FetchApp;
  logger: Logger;
  maxBodyBytes: number;
  /** Resolves when the database answers; /ready reports 503 while it does not. */
  checkReadiness: () => Promise<void>;
  /** Prometheus metrics at /metrics; off when absent. */
  metrics?: Metrics;
  webAppDirectory?: string;
  /** Serve GraphiQL's files (its page comes from the GraphQL app); off when GraphiQL is. */
  graphiql?: boolean;
  /** Mints a demo user's client token at DEMO_TOKEN_PATH: only on the embedded demo database. */
  demoClientToken?: (expiresInSeconds: number | undefined) => Promise<{ token: string; expiresAt: Date }>;
}

/** Where the example app gets its client token when `npm start` runs on the embedded demo database. */
export const DEMO_TOKEN_PATH = "/demo/client-token";
const DEMO_TOKEN_BODY_BYTES = 1024;

export interface HttpHandler {
  listener: RequestListener;
  /** Requests that have started and not yet been answered. */
  inFlight(): number;
}

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const READINESS_TIMEOUT_MS = 2000;

/**
 * The HTTP entry point: health and readiness probes, optional metrics, the built example app at
 * /app, and GraphQL, whose request body is read here with a size limit (HTTP 413 before any parsing).
 * Every request gets an id (kept from `X-Request-Id` when well-formed) and one log line.
 */
export function createHttpHandler(options: HttpOptions): HttpHandler {
  const { graphql, logger, maxBodyBytes, checkReadiness, metrics } = options;
  const webAppDirectory = options.webAppDirectory ?? WEB_APP_DIRECTORY;
  const serveWebApp = existsSync(webAppDirectory) ? sirv(webAppDirectory, { single: true, dev: false }) : null;
  const serveGraphiQL = options.graphiql
    ? sirv(GRAPHIQL_ASSETS_DIRECTORY, { dev: false, etag: true, maxAge: 31_536_000, immutable: true })
    : null;
  let inFlight = 0;

  async function route(request: IncomingMessage, response: ServerResponse, record: RequestRecord): Promise<void> {
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    if (path === "/health") return send(response, 200, { status: "ok" });
    if (path === "/ready") {
      try {
        await withTimeout(checkReadiness(), READINESS_TIMEOUT_MS);
        return send(response, 200, { status: "ready" });
      } catch {
        return send(response, 503, { status: "unavailable" });
      }
    }
    if (path === "/metrics" && metrics) {
      let text: string;
      try {
        text = await withTimeout(metrics.render(), READINESS_TIMEOUT_MS);
      } catch {
        return send(response, 503, { status: "unavailable" });
      }
      response.setHeader("content-type", metrics.registry.contentType);
      response.end(text);
      return;
    }
    if (serveWebApp && (path === WEB_APP_PATH || path.startsWith(`${WEB_APP_PATH}/`))) {
      return serveStatic(serveWebApp, WEB_APP_PATH, request, response);
    }
    if (path === DEMO_TOKEN_PATH && options.demoClientToken) {
      return serveDemoToken(options.demoClientToken, request, response);
    }
    if (serveGraphiQL && GRAPHIQL_FILES.some((file) => path === `${GRAPHIQL_ASSETS_PATH}/${file}`)) {
      return serveStatic(serveGraphiQL, GRAPHIQL_ASSETS_PATH, request, response);
    }
    // A body of declared length (or none) goes straight to Yoga: Node's HTTP parser ends it at that
    // length, so checking the length is enough. A chunked body is read here, counting as it comes.
    if (request.headers["transfer-encoding"] === undefined) {
      if (Number(request.headers["content-length"] ?? "0") > maxBodyBytes)
        return void tooLarge(request, response, maxBodyBytes);
      await runWithRequestRecord(record, () => graphql.requestListener(request, response));
      return;
    }
    const body = await readBody(request, response, maxBodyBytes);
    if (body === "too-large") return;
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const answer = await runWithRequestRecord(record, () =>
      graphql.fetch(`http://${request.headers.host ?? "localhost"}${request.url ?? "/"}`, {
        method: request.method,
        headers,
        body: body && body.length > 0 ? body.toString("utf8") : undefined,
      }),
    );
    response.statusCode = answer.status;
    answer.headers.forEach((value, name) => {
      response.setHeader(name, value);
    });
    response.end(Buffer.from(await answer.arrayBuffer()));
  }

  const listener: RequestListener = (request, response) => {
    const started = process.hrtime.bigint();
    const offered = request.headers["x-request-id"];
    const requestId = typeof offered === "string" && REQUEST_ID_PATTERN.test(offered) ? offered : randomUUID();
    const record: RequestRecord = { requestId, outcomes: [] };
    // Read now: serving a static file rewrites request.url to the file's path below its prefix.
    const path = (request.url ?? "/").split("?")[0];
    response.setHeader("x-request-id", requestId);
    inFlight += 1;
    response.on("close", () => {
      inFlight -= 1;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (record.outcomes.length === 0) record.outcomes.push(`http_${response.statusCode}`);
      metrics?.observe(record, response.statusCode, seconds);
      logger.info(
        {
          requestId,
          method: request.method,
          path,
          status: response.statusCode,
          durationMs: Math.round(seconds * 10_000) / 10,
          operationName: record.operationName,
          operationType: record.operationType,
          outcome: record.outcomes.join(","),
          apiKeyId: record.apiKeyId,
          subject: record.subject,
        },
        "request",
      );
    });
    route(request, response, record).catch((error: unknown) => {
      logger.error({ requestId, err: (error as Error)?.message }, "request failed");
      if (!response.headersSent) send(response, 500, { errors: [{ message: "Unexpected error." }] });
      else response.destroy();
    });
  };

  return { listener, inFlight: () => inFlight };
}

/**
 * The demo user's token, for a page of this server: a POST with no body, `{}` or `{"expiresInSeconds": n}`.
 * It sends no CORS headers, so another site's page that posts here cannot read the token it gets.
 */
async function serveDemoToken(
  mint: NonNullable<HttpOptions["demoClientToken"]>,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.method !== "POST") return send(response, 405, { error: "Method not allowed" }, { allow: "POST" });
  const body = await readBody(request, response, DEMO_TOKEN_BODY_BYTES);
  if (body === "too-large") return;
  let expiresInSeconds: number | undefined;
  try {
    const parsed: unknown = body.length > 0 ? JSON.parse(body.toString("utf8")) : {};
    const value = (parsed as { expiresInSeconds?: unknown } | null)?.expiresInSeconds;
    if (value !== undefined && typeof value !== "number") throw new Error("not a number");
    expiresInSeconds = value;
  } catch {
    return send(response, 400, { error: 'The body must be JSON: {} or {"expiresInSeconds": 300}' });
  }
  try {
    const { token, expiresAt } = await mint(expiresInSeconds);
    return send(response, 200, { token, expiresAt: expiresAt.toISOString() }, { "cache-control": "no-store" });
  } catch (error) {
    if (error instanceof ValidationFailed) return send(response, 400, { error: error.issues[0]?.message });
    throw error;
  }
}

/** Files under `prefix`, from a sirv handler: 404 for any other path there, 405 for a method that is not a read. */
function serveStatic(
  serve: ReturnType<typeof sirv>,
  prefix: string,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    send(response, 405, { error: "Method not allowed" }, { allow: "GET, HEAD" });
    return Promise.resolve();
  }
  request.url = (request.url ?? "/").slice(prefix.length) || "/";
  return new Promise((done) => {
    response.on("close", done);
    serve(request, response, () => {
      send(response, 404, { error: "Not found" });
    });
  });
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  response.end(JSON.stringify(body));
}

/** Answers 413 and closes the connection, so the rest of the body is never read. */
function tooLarge(request: IncomingMessage, response: ServerResponse, limit: number): "too-large" {
  send(
    response,
    413,
    { errors: [{ message: `Request body larger than ${limit} bytes`, extensions: { code: "PAYLOAD_TOO_LARGE" } }] },
    { connection: "close" },
  );
  response.on("finish", () => request.destroy());
  return "too-large";
}

/** Reads the body, or answers 413 and returns "too-large" as soon as it exceeds the limit. */
function readBody(request: IncomingMessage, response: ServerResponse, limit: number): Promise<Buffer | "too-large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    request.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolve(tooLarge(request, response, limit));
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    request.on("error", reject);
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timed out")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
