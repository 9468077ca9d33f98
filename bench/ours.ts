/**
 * Our side of a cell: autocannon against the running server over loopback HTTP, every request
 * built on the spot (setupRequest) so that each create has its own email, phone and new tag, and
 * every response read (onResponse) so that a typed failure or a GraphQL error is not counted as
 * a success.
 */
import { Agent, request as httpRequest } from "node:http";
import autocannon from "autocannon";
import { type PacedSchedule, pacedWindow } from "./pace.js";
import { Recorder, type SideResult } from "./stats.js";
import { type Counter, judgeResponse, requestBody, type Scenario } from "./workload.js";

export interface OursTarget {
  port: number;
  apiKey: string;
}

/** Counts a response as work done only when it is the successful answer the scenario expects. */
function recordResponse(recorder: Recorder, scenario: Scenario, status: number, body: string): void {
  if (status !== 200) {
    recorder.failStatus(status, body);
    return;
  }
  const outcome = judgeResponse(scenario, body);
  if (outcome.kind === "ok") recorder.ok++;
  else recorder.fail(outcome.kind, outcome.detail);
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
            onResponse: (status, body) => recordResponse(recorder, scenario, status, body),
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

/**
 * Latency at a steady rate below capacity: `schedule.rate` requests per second (see pace) over at
 * most `schedule.concurrency` keep-alive connections, after a warm-up at the same rate.
 */
export async function runOursPaced(target: OursTarget, schedule: PacedSchedule): Promise<SideResult> {
  const { scenario, counter } = schedule;
  const agent = new Agent({ keepAlive: true, maxSockets: schedule.concurrency });
  try {
    return await pacedWindow(
      schedule,
      (recorder) => (scheduled) =>
        post(agent, target, requestBody(scenario, counter)).then(
          ({ status, body }) => {
            recorder.latencies.push(performance.now() - scheduled);
            recordResponse(recorder, scenario, status, body);
          },
          (error: Error) => recorder.fail("transportErrors", error.message),
        ),
    );
  } finally {
    agent.destroy();
  }
}

/** One POST to /graphql over `agent`, with the target's key. */
export function post(agent: Agent, target: OursTarget, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: "127.0.0.1",
        port: target.port,
        path: "/graphql",
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          authorization: `Bearer ${target.apiKey}`,
        },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          text += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}
