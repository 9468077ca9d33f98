import { setTimeout as sleep } from "node:timers/promises";
import { Recorder, type SideResult } from "./stats.js";
import type { Counter, Scenario } from "./workload.js";

/** Connections for the paced create (latency at half of the peak rate), ours and the floor's. */
export const PACED_CONCURRENCY = 16;

/** A paced run: `rate` operations per second over at most `concurrency` connections. */
export interface PacedSchedule {
  scenario: Scenario;
  concurrency: number;
  rate: number;
  warmupSeconds: number;
  seconds: number;
  counter: Counter;
}

/**
 * Starts `rate` operations per second for `seconds`, each at its own time on a fixed schedule
 * (1/rate apart), whether or not the earlier ones have finished, and waits for them all. `start`
 * gets the scheduled instant (performance.now()) so that a latency can run from it: time spent
 * waiting for a free connection, or for this loop's timer, then counts. Not autocannon's
 * overallRate: that sends each second's quota as fast as it can at the start of the second, and
 * measures its own bursts.
 */
async function pace(rate: number, seconds: number, start: (scheduled: number) => Promise<void>): Promise<void> {
  const begin = performance.now();
  const total = Math.round(rate * seconds);
  const started: Promise<void>[] = [];
  for (let sent = 0; sent < total; sent++) {
    const scheduled = begin + (sent / rate) * 1000;
    // Node's timers count whole milliseconds: rounding up starts an operation a millisecond or two
    // late, never early, and the delay is part of its latency. (Starting whatever was due every
    // 5 ms added up to 5 ms to every latency and made bursts of a steady rate.)
    const wait = Math.ceil(scheduled - performance.now());
    if (wait > 0) await sleep(wait);
    started.push(start(scheduled));
  }
  await Promise.all(started);
}

/**
 * A warm-up at the rate (not recorded), then the measured window. `startWith(recorder)` gives the
 * function that starts one operation at its scheduled instant and records it in `recorder`.
 */
export async function pacedWindow(
  schedule: PacedSchedule,
  startWith: (recorder: Recorder) => (scheduled: number) => Promise<void>,
): Promise<SideResult> {
  const { rate, warmupSeconds, seconds } = schedule;
  if (warmupSeconds > 0) await pace(rate, warmupSeconds, startWith(new Recorder()));
  const recorder = new Recorder();
  await pace(rate, seconds, startWith(recorder));
  return recorder.result(seconds);
}
