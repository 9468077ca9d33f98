import cluster from "node:cluster";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { createClientTokenKeys } from "../access/client-tokens.js";
import { mintClientToken } from "../access/mint-client-token.js";
import { type Config, loadConfig } from "../config.js";
import { warmTimezoneData } from "../contacts/rules/timezone.js";
import { type Database, openDatabase } from "../storage/database.js";
import { ensureDemoWorkspace } from "../storage/demo-workspace.js";
import { migrateAndLog } from "../storage/migrations.js";
import { createApp } from "./app.js";
import { clientTokenSecrets } from "./client-token-secrets.js";
import { clusterMetricsSource, runClusterPrimary } from "./cluster.js";
import { servesGraphiQL } from "./graphiql.js";
import { createHttpHandler, DEMO_TOKEN_PATH, WEB_APP_DIRECTORY, WEB_APP_PATH } from "./http.js";
import { createHttpServer } from "./http-server-settings.js";
import { createLogger, type Logger } from "./observability/logger.js";
import { createMetrics } from "./observability/metrics.js";
import { purgeExpiredIdempotencyKeys } from "./plugins/idempotency-store.js";
import { createRateLimiter } from "./rate-limit.js";

const PURGE_INTERVAL_MS = 60 * 60 * 1000;
/** The end user of the demo token route's tokens. */
const DEMO_SUBJECT = "demo-user";

/** Beside an embedded database kept on disk; none for an in-memory one (it is seeded at every start). */
function demoKeyFile(config: Config): string | null {
  const location = config.databaseUrl.slice("pglite:".length);
  return location === "memory" ? null : `${resolve(location)}.demo-key.json`;
}

async function start(config: Config, logger: Logger) {
  const clientTokens = createClientTokenKeys(clientTokenSecrets(config));
  const db = await openDatabase(config);
  // In a cluster the primary has applied them before starting the workers.
  if (cluster.isPrimary) {
    await migrateAndLog(db, logger);
  }
  warmTimezoneData();
  const demo =
    db.kind === "pglite" && config.seedDemo ? await ensureDemoWorkspace(db.prisma, demoKeyFile(config)) : null;

  const rateLimiter = createRateLimiter(config.rateLimits, logger, config.redisUrl);
  const yoga = createApp({
    prisma: db.prisma,
    config,
    rateLimiter,
    demoApiKey: demo?.apiKey ?? null,
    logger,
    clientTokens,
  });
  const http = createHttpHandler({
    graphql: yoga,
    logger,
    maxBodyBytes: config.http.maxBodyBytes,
    checkReadiness: () => db.ping(),
    graphiql: servesGraphiQL(config),
    metrics: config.metricsEnabled ? processMetrics(db.poolStats) : undefined,
    demoClientToken: demo
      ? (expiresInSeconds) =>
          mintClientToken(
            db.prisma,
            demo.caller,
            { scopes: ["contacts:read", "contacts:write"], subject: DEMO_SUBJECT, expiresInSeconds },
            clientTokens,
          )
      : undefined,
  });
  const server = createHttpServer(http.listener, config.httpServer);
  const purge = () =>
    purgeExpiredIdempotencyKeys(db.prisma).catch((error: unknown) =>
      logger.warn({ err: (error as Error).message }, "could not purge expired idempotency keys"),
    );
  void purge();
  const purgeTimer = setInterval(purge, PURGE_INTERVAL_MS).unref();

  server.listen(config.port, config.host, () => {
    if (cluster.isWorker) return; // The cluster's primary says where it listens, once.
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    const url = `http://localhost:${port}${yoga.graphqlEndpoint}`;
    const graphiql = servesGraphiQL(config);
    console.log(`Contacts API on ${url}${graphiql ? " (GraphiQL in a browser)" : ""}, storage: ${db.kind}`);
    if (existsSync(WEB_APP_DIRECTORY)) console.log(`Example app on http://localhost:${port}${WEB_APP_PATH}`);
    if (demo) {
      console.log(
        [
          "",
          demo.created
            ? "Created a demo account and workspace on this new embedded database."
            : "Demo workspace of this embedded database:",
          `  Workspace id:  ${demo.workspaceId}`,
          `  API key:       ${demo.apiKey}  (a secret: for curl and servers, never a web page)`,
          `  Client token:  POST ${`http://localhost:${port}`}${DEMO_TOKEN_PATH}  (what the example app uses)`,
          ...(graphiql ? [`  GraphiQL:      ${url}  (the demo key is already in its Headers tab)`] : []),
          "",
        ].join("\n"),
      );
    }
  });

  // SIGTERM: stop accepting, let in-flight requests finish (up to the deadline), close the pool, exit 0.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, inFlight: http.inFlight() }, `${signal}: closing`);
    clearInterval(purgeTimer);
    const deadline = setTimeout(() => {
      logger.warn({ inFlight: http.inFlight() }, "shutdown deadline reached: closing open connections");
      server.closeAllConnections();
    }, config.shutdownTimeoutMs).unref();
    server.close(async () => {
      clearTimeout(deadline);
      await rateLimiter.close();
      await db.close();
      logger.info("stopped");
      logger.flush(() => process.exit(0));
    });
    server.closeIdleConnections();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

/** This process's metrics; in a cluster worker, /metrics answers with every worker's. */
function processMetrics(poolStats: Database["poolStats"]) {
  const metrics = createMetrics(poolStats);
  if (cluster.isWorker) metrics.render = clusterMetricsSource(metrics.registry);
  return metrics;
}

async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (cluster.isPrimary && config.webConcurrency > 1) {
    clientTokenSecrets(config); // a missing secret stops the primary, not each worker in turn
    return runClusterPrimary(config, logger);
  }
  return start(config, logger);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
