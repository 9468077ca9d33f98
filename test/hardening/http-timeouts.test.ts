import type { Server } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, type HttpServerConfig, loadConfig } from "../../src/config.js";
import { createApp } from "../../src/server/app.js";
import { createHttpHandler } from "../../src/server/http.js";
import { createHttpServer } from "../../src/server/http-server-settings.js";
import { createLogger } from "../../src/server/observability/logger.js";
import { captureLogs } from "../support/http-server.js";
import { defaultAppConfig, startTestApp, type TestApp } from "../support/test-app.js";

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.close());

/** The real HTTP handler in a server built by the production code, on a loopback port. */
async function listen(settings: HttpServerConfig) {
  const logger = createLogger("info", captureLogs().stream);
  const yoga = createApp({ prisma: app.db.prisma, config: defaultAppConfig, logger });
  const http = createHttpHandler({
    graphql: yoga,
    logger,
    maxBodyBytes: defaultAppConfig.http.maxBodyBytes,
    checkReadiness: () => app.db.ping(),
  });
  const server: Server = createHttpServer(http.listener, settings);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A raw connection that records what the server sends and when it closes the connection. */
async function open(port: number) {
  const socket: Socket = connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  let received = "";
  socket.on("data", (chunk) => {
    received += chunk.toString("latin1");
  });
  socket.on("error", () => {}); // A reset is one way of being closed.
  const closed = new Promise<number>((resolve) => socket.once("close", () => resolve(Date.now())));
  return { socket, closed, received: () => received };
}

const SLOW_REQUEST = { requestTimeoutMs: 1000, headersTimeoutMs: 1000, maxConnections: 100 };

describe("HTTP server limits", () => {
  it("answers 408 and closes a connection whose body stalls, within the request timeout", async () => {
    const server = await listen(SLOW_REQUEST);
    try {
      const client = await open(server.port);
      const started = Date.now();
      client.socket.write(
        "POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n" +
          '{"query":',
      );
      const closedAt = await client.closed;
      expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
      // Not before the timeout, and nowhere near Node's default of 300 s.
      expect(closedAt - started).toBeGreaterThanOrEqual(900);
      expect(closedAt - started).toBeLessThan(10_000);
    } finally {
      await server.close();
    }
  });

  it("answers 408 to headers that stall, within the headers timeout", async () => {
    const server = await listen({ requestTimeoutMs: 5000, headersTimeoutMs: 500, maxConnections: 100 });
    try {
      const client = await open(server.port);
      const started = Date.now();
      client.socket.write("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
      const closedAt = await client.closed;
      expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
      expect(closedAt - started).toBeLessThan(4000);
    } finally {
      await server.close();
    }
  });

  it("serves a request that arrives in time", async () => {
    const server = await listen(SLOW_REQUEST);
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/health`);
      expect(response.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("closes connections beyond maxConnections as they arrive, and serves again once one ends", async () => {
    const server = await listen({ requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, maxConnections: 2 });
    try {
      const first = await open(server.port);
      const second = await open(server.port);
      await expect.poll(() => connectionCount(server.server)).toBe(2);

      const third = await open(server.port);
      third.socket.write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
      await third.closed;
      expect(third.received()).toBe("");

      first.socket.destroy();
      await first.closed;
      await expect.poll(() => connectionCount(server.server)).toBe(1);
      const fourth = await open(server.port);
      fourth.socket.write("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
      await fourth.closed;
      expect(fourth.received()).toMatch(/^HTTP\/1\.1 200 /);
      second.socket.destroy();
    } finally {
      await server.close();
    }
  });
});

function connectionCount(server: Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}

describe("HTTP server settings", () => {
  it("default to a 30 s request, 10 s headers timeout and 1000 connections", () => {
    expect(loadConfig({}).httpServer).toEqual({
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      maxConnections: 1000,
    });
  });

  it("are read from the environment, the headers timeout capped at the request timeout", () => {
    const config = loadConfig({
      HTTP_REQUEST_TIMEOUT_MS: "5000",
      HTTP_HEADERS_TIMEOUT_MS: "20000",
      HTTP_MAX_CONNECTIONS: "50",
    });
    expect(config.httpServer).toEqual({ requestTimeoutMs: 5000, headersTimeoutMs: 5000, maxConnections: 50 });
  });

  it.each([
    ["HTTP_REQUEST_TIMEOUT_MS", "abc"],
    ["HTTP_REQUEST_TIMEOUT_MS", "0"],
    ["HTTP_HEADERS_TIMEOUT_MS", "1.5"],
    ["HTTP_MAX_CONNECTIONS", "0"],
    ["HTTP_MAX_CONNECTIONS", "-1"],
  ])("refuses %s=%s", (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
  });
});
