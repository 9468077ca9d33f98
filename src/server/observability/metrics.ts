import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { RequestRecord } from "./request-context.js";

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export interface Metrics {
  registry: Registry;
  /** The exposition text: this process's registry, or every cluster worker's summed (cluster.ts). */
  render(): Promise<string>;
  observe(record: RequestRecord, status: number, seconds: number): void;
}

/** Prometheus metrics: requests and latency by operation and outcome, and the connection pool. */
export function createMetrics(poolStats?: () => PoolStats): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ["operation", "outcome", "status"] as const;
  const requests = new Counter({
    name: "contacts_api_requests_total",
    help: "HTTP requests by GraphQL operation, outcome and status",
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "contacts_api_request_duration_seconds",
    help: "HTTP request duration by GraphQL operation, outcome and status",
    labelNames,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  if (poolStats) {
    new Gauge({
      name: "contacts_api_db_pool_connections",
      help: "Database pool connections by state",
      labelNames: ["state"],
      registers: [registry],
      collect() {
        const stats = poolStats();
        this.set({ state: "total" }, stats.total);
        this.set({ state: "idle" }, stats.idle);
        this.set({ state: "waiting" }, stats.waiting);
      },
    });
  }
  return {
    registry,
    render: () => registry.metrics(),
    observe(record, status, seconds) {
      const labels = {
        operation: record.rootFields ?? "none",
        outcome: record.outcomes.join(",") || "none",
        status: String(status),
      };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
  };
}
