import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import type { DocumentNode } from "graphql";
import { type AppConfig, createApp } from "../../src/server/app.js";
import { servesGraphiQL } from "../../src/server/graphiql.js";
import { createHttpHandler } from "../../src/server/http.js";
import { createLogger } from "../../src/server/observability/logger.js";
import { createMetrics } from "../../src/server/observability/metrics.js";
import type { RateLimiter } from "../../src/server/rate-limit.js";
import { graphQLResponse, textOf } from "./graphql-response.js";
import { defaultAppConfig, type TestApp } from "./test-app.js";

/** Collects what the server logs, one parsed JSON object per line. */
export function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString().split("\n").filter(Boolean));
      done();
    },
  });
  return { stream, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/**
 * The real HTTP entry point (body limit, probes, request ids, logs, metrics) on a loopback port,
 * in front of a test app's database.
 */
export async function startHttpServer(
  app: TestApp,
  options: { config?: Partial<AppConfig>; rateLimiter?: RateLimiter; metrics?: boolean; maxBodyBytes?: number } = {},
) {
  const logs = captureLogs();
  const logger = createLogger("info", logs.stream);
  const config: AppConfig = { ...defaultAppConfig, ...options.config };
  const yoga = createApp({ prisma: app.db.prisma, config, rateLimiter: options.rateLimiter, logger });
  const http = createHttpHandler({
    graphql: yoga,
    logger,
    maxBodyBytes: options.maxBodyBytes ?? config.http.maxBodyBytes,
    checkReadiness: () => app.db.ping(),
    metrics: options.metrics ? createMetrics(app.db.poolStats) : undefined,
    graphiql: servesGraphiQL(config),
  });
  const server: Server = createServer(http.listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  /** POSTs one GraphQL operation as JSON: a string as it is (malformed, over a limit), a document printed. */
  function post(
    key: string | null,
    query: string | DocumentNode,
    variables?: Record<string, unknown>,
    headers: Record<string, string> = {},
  ) {
    return fetch(`${url}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query: textOf(query), variables }),
    });
  }
  return {
    url,
    logs,
    http,
    post,
    /** POSTs one typed operation, as `post` does, and reads its response as the test app's `graphql()` does. */
    async graphql<Data, Variables>(
      key: string | null,
      document: TypedDocumentNode<Data, Variables>,
      variables: Variables,
      headers: Record<string, string> = {},
    ) {
      const response = await post(key, document, variables as Record<string, unknown>, headers);
      return graphQLResponse<Data>(response.status, response.headers, await response.json());
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
