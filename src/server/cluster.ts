import cluster, { type Worker } from "node:cluster";
import { AggregatorRegistry, type PrometheusContentType, type Registry } from "prom-client";
import type { Config } from "../config.js";
import { openDatabase } from "../storage/database.js";
import { migrateAndLog } from "../storage/migrations.js";
import { servesGraphiQL } from "./graphiql.js";
import type { Logger } from "./observability/logger.js";

/** A worker that dies is replaced after this long, so a worker that cannot start does not spin. */
const RESTART_DELAY_MS = 1000;
const METRICS_REQUEST = "contacts-api:metrics-request";
const METRICS_REPLY = "contacts-api:metrics-reply";

/**
 * WEB_CONCURRENCY > 1 (PostgreSQL only): this process applies the migrations once, then runs that
 * many server processes with node:cluster, which share the port. A worker that exits is replaced.
 * SIGTERM or SIGINT is passed on to every worker, each drains as a single server does, and this
 * process exits 0 once all of them have stopped. It also answers the workers' /metrics requests
 * with the sum over every worker (prom-client's AggregatorRegistry).
 */
export async function runClusterPrimary(config: Config, logger: Logger): Promise<void> {
  const db = await openDatabase(config);
  try {
    await migrateAndLog(db, logger);
  } finally {
    await db.close();
  }

  const aggregator = new AggregatorRegistry<PrometheusContentType>();
  let stopping = false;
  let announced = false;
  const fork = () => {
    const worker = cluster.fork();
    worker.on("message", (message: { type?: string; id?: number }) => {
      if (message?.type === METRICS_REQUEST) void answerMetrics(worker, aggregator, message.id, logger);
    });
  };
  cluster.on("listening", (_worker, address) => {
    if (announced) return;
    announced = true;
    console.log(
      `Contacts API on http://localhost:${address.port}/graphql${servesGraphiQL(config) ? " (GraphiQL in a browser)" : ""}, storage: postgres, ` +
        `${config.webConcurrency} worker processes`,
    );
  });
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) logger.flush(() => process.exit(0));
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, "worker exited: starting another");
    setTimeout(fork, RESTART_DELAY_MS).unref();
  });
  for (let i = 0; i < config.webConcurrency; i++) fork();

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `${signal}: stopping ${Object.keys(cluster.workers ?? {}).length} workers`);
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) logger.flush(() => process.exit(0));
    for (const worker of workers) worker?.process.kill(signal);
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

async function answerMetrics(
  worker: Worker,
  aggregator: AggregatorRegistry<PrometheusContentType>,
  id: number | undefined,
  logger: Logger,
) {
  try {
    worker.send({ type: METRICS_REPLY, id, text: await aggregator.clusterMetrics() });
  } catch (error) {
    logger.warn({ err: (error as Error).message }, "could not gather the workers' metrics");
    worker.send({ type: METRICS_REPLY, id, error: true });
  }
}

/**
 * In a cluster worker: the metrics of every worker, summed by the primary. The worker's own
 * registry is offered to the primary's collection here too.
 */
export function clusterMetricsSource(registry: Registry): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one is what makes prom-client answer the primary's collection in this worker.
  new AggregatorRegistry<PrometheusContentType>();
  let nextId = 0;
  const waiting = new Map<number, { resolve(text: string): void; reject(error: Error): void }>();
  process.on("message", (message: { type?: string; id?: number; text?: string; error?: boolean }) => {
    if (message?.type !== METRICS_REPLY || message.id === undefined) return;
    const request = waiting.get(message.id);
    waiting.delete(message.id);
    if (!request) return;
    if (message.error || typeof message.text !== "string") request.reject(new Error("metrics unavailable"));
    else request.resolve(message.text);
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      process.send?.({ type: METRICS_REQUEST, id });
    });
}
