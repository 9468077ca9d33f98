import type { CpuCost } from "./cpu-accounting.js";
/** Measurements of one side (ours or the floor) of one cell, computed the same way for both. */

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface Failures {
  /** HTTP status → count, for anything but 200. */
  httpStatus: Record<string, number>;
  graphqlErrors: number;
  /** ValidationError, ConflictError, ForbiddenError… returned instead of the success type. */
  typedFailures: number;
  /** A success that is not what was asked: an upsert that created, a short page, missing values. */
  wrongResults: number;
  /** Connection errors and timeouts (HTTP), or errors thrown by the driver (floor). */
  transportErrors: number;
}

export interface SideResult {
  /** Responses received in the measured window, whatever their outcome. */
  requests: number;
  ok: number;
  seconds: number;
  /** Successful requests per second: failures are not work done. */
  throughput: number;
  latencyMs: LatencySummary;
  failures: Failures;
  failureCount: number;
  /** Up to five examples of what failed, for the log. */
  failureSamples: string[];
  /** Ours only: the server process during the measured window. */
  serverPeakRssMb?: number | null;
  serverCpuPercent?: number | null;
  /** CPU per successful request over the measured window (bench/cpu-accounting.ts). */
  cpu?: CpuCost;
}

export function emptyFailures(): Failures {
  return { httpStatus: {}, graphqlErrors: 0, typedFailures: 0, wrongResults: 0, transportErrors: 0 };
}

export function countFailures(failures: Failures): number {
  return (
    Object.values(failures.httpStatus).reduce((sum, count) => sum + count, 0) +
    failures.graphqlErrors +
    failures.typedFailures +
    failures.wrongResults +
    failures.transportErrors
  );
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Nearest-rank percentiles, in milliseconds. */
export function summarizeLatencies(latencies: number[]): LatencySummary {
  if (latencies.length === 0) return { p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };
  const sorted = Float64Array.from(latencies).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return { p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(at(1)), mean: round(mean) };
}

/** Collects outcomes during a measured window. */
export class Recorder {
  readonly latencies: number[] = [];
  readonly failures = emptyFailures();
  readonly samples: string[] = [];
  ok = 0;

  fail(kind: Exclude<keyof Failures, "httpStatus">, detail: string): void {
    this.failures[kind]++;
    if (this.samples.length < 5) this.samples.push(`${kind}: ${detail.slice(0, 400)}`);
  }

  failStatus(status: number, detail: string): void {
    this.failures.httpStatus[status] = (this.failures.httpStatus[status] ?? 0) + 1;
    if (this.samples.length < 5) this.samples.push(`HTTP ${status}: ${detail.slice(0, 400)}`);
  }

  result(seconds: number, requests = this.latencies.length): SideResult {
    return {
      requests,
      ok: this.ok,
      seconds: round(seconds, 3),
      throughput: round(this.ok / seconds, 1),
      latencyMs: summarizeLatencies(this.latencies),
      failures: this.failures,
      failureCount: countFailures(this.failures),
      failureSamples: this.samples,
    };
  }
}
