import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("client/src/generated", () => {
  it("is what `npm run codegen` writes from the schema and client/src/operations (run it when this fails)", () => {
    let output = "";
    try {
      execFileSync("npx", ["graphql-codegen", "--config", "codegen.ts", "--check"], {
        stdio: "pipe",
        encoding: "utf8",
      });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe("");
  });
});
