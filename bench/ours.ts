/**
 * Our side of a cell: autocannon against the running server over loopback HTTP, every request
 * built on the spot (setupRequest) so that each create has its own email, phone and new tag, and
 * every response read (onResponse) so that a typed failure or a GraphQL error is not counted as
 * a success.
 */
import autocannon from "autocannon";
import { Recorder, type SideResult } from "./stats.js";
import { type Counter, judgeResponse, requestBody, type Scenario } from "./workload.js";

export interface OursTarget {
  port: number;
  apiKey: string;
}

function drive(
  target: OursTarget,
  scenario: Scenario,
  concurrency: number,
  seconds: number,
  counter: Counter,
  recorder: Recorder,
): Promise<{ errors: number; timeouts: number }> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${target.port}`,
        connections: concurrency,
        pipelining: 1,
        duration: seconds,
        timeout: 30,
        requests: [
          {
            method: "POST",
            path: "/graphql",
            headers: { "content-type": "application/json", authorization: `Bearer ${target.apiKey}` },
            setupRequest: (request) => ({ ...request, body: requestBody(scenario, counter) }),
            onResponse: (status, body) => {
              if (status !== 200) return recorder.failStatus(status, body);
              const outcome = judgeResponse(scenario, body);
              if (outcome.kind === "ok") recorder.ok++;
              else recorder.fail(outcome.kind, outcome.detail);
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({ errors: result.errors, timeouts: result.timeouts });
      },
    );
    // autocannon's own histogram keeps whole milliseconds; this event has the exact time.
    (instance as unknown as NodeJS.EventEmitter).on(
      "response",
      (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
        recorder.latencies.push(responseTime);
      },
    );
  });
}

/** A warm-up (not recorded), then the measured window. */
export async function runOurs(
  target: OursTarget,
  scenario: Scenario,
  concurrency: number,
  warmupSeconds: number,
  seconds: number,
  counter: Counter,
  window: { onStart(): void; onEnd(): void },
): Promise<{ result: SideResult; warmupFailures: number }> {
  const warmup = new Recorder();
  if (warmupSeconds > 0) await drive(target, scenario, concurrency, warmupSeconds, counter, warmup);
  const recorder = new Recorder();
  window.onStart();
  const run = await drive(target, scenario, concurrency, seconds, counter, recorder);
  window.onEnd();
  // autocannon counts a timeout as an error too.
  for (let i = 0; i < run.errors; i++) recorder.fail("transportErrors", `connection error (${run.timeouts} timeouts)`);
  const warmupFailures = warmup.result(1).failureCount;
  // Requests still in flight when the window closes are dropped by autocannon, not counted: the
  // floor does the same, and both divide by the window's length.
  return { result: recorder.result(seconds), warmupFailures };
}
