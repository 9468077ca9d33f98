import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contactCase, FUZZ_RUNS, FUZZ_SEED, fc } from "./arbitraries.js";
import { runCase, startWorld, type World } from "./harness.js";

// Property-based: upsertContact with generated inputs, valid and invalid. Always a typed result or a
// GraphQL request error (HTTP 400), never an internal error; a failure changes nothing; a success
// stores exactly the contact the spec describes (see harness.ts and oracle.ts).

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.app.close());

describe("upsertContact, fuzzed", () => {
  it(`answers ${FUZZ_RUNS} generated inputs as the spec says`, { timeout: 120_000 + FUZZ_RUNS * 150 }, async () => {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(contactCase("upsert", world.variableNames), (testCase) => runCase(world, "upsert", testCase)),
      // Shrinking replays cases against a database that has moved on, and takes minutes: off unless
      // FUZZ_SHRINK is set. A failure prints its seed, for FUZZ_SEED to replay it.
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED, endOnFailure: !process.env.FUZZ_SHRINK },
    );
    const outcomes = Object.entries(world.stats).sort(([a], [b]) => a.localeCompare(b));
    console.info(
      `upsertContact: ${FUZZ_RUNS} cases in ${Date.now() - started} ms: ${JSON.stringify(Object.fromEntries(outcomes))}`,
    );
    // The generators reach every kind of answer.
    expect(Object.keys(world.stats).length).toBeGreaterThanOrEqual(4);
  });
});
