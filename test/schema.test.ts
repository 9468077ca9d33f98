import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

describe("schema.graphql", () => {
  it("is what `npm run codegen` writes from the current schema (run it when this fails)", () => {
    const directory = mkdtempSync(join(tmpdir(), "schema-"));
    try {
      const output = join(directory, "schema.graphql");
      execFileSync("npx", ["graphql-codegen", "--config", "codegen.ts"], {
        env: { ...process.env, SCHEMA_OUTPUT: output },
        stdio: "pipe",
      });
      expect(readFileSync("schema.graphql", "utf8")).toBe(readFileSync(output, "utf8"));
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("states the contract's types", () => {
    const sdl = readFileSync("schema.graphql", "utf8");
    for (const declaration of [
      "union CreateContactResult = ConflictError | CreateContactSuccess | ForbiddenError | ValidationError",
      "union DeleteContactResult = DeleteContactSuccess | ForbiddenError | NotFoundError",
      "interface Error {",
      "type ValidationError implements Error {",
      "enum ContactUniqueField {",
    ]) {
      expect(sdl).toContain(declaration);
    }
  });
});
