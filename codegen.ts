import type { CodegenConfig } from "@graphql-codegen/cli";
import { printSchema } from "graphql";
import { schema } from "./src/schema/index.js";

/**
 * `npm run codegen` writes, from the Pothos schema:
 * - the schema, sorted, to the committed schema.graphql, so every change to the API shows up in review;
 * - the typed documents of the client package (client/src/generated/, never edited by hand) for the
 *   operations in client/src/operations/*.graphql;
 * - the typed documents of the tests (test/support/generated/, likewise) for the operations in
 *   test/support/operations/*.graphql, so a test's variables and results are checked against the schema.
 *
 * All are checked for staleness: test/schema.test.ts writes the schema to the path in SCHEMA_OUTPUT
 * instead (and then generates nothing else) to compare, and `.ci/run` runs `npm run codegen -- --check`,
 * which fails when any generated file differs from what would be written.
 */
const schemaOutput = process.env.SCHEMA_OUTPUT;

/** JSONObject values the API accepts: `customFields` keys map to a string, number, boolean or null. */
const JSON_OBJECT_INPUT = "Record<string, string | number | boolean | null>";

/** The client preset's typed documents for the operations in `documents`, one setting for the client and the tests. */
function typedDocuments(documents: string) {
  return {
    preset: "client" as const,
    documents: [documents],
    presetConfig: { fragmentMasking: false, gqlTagName: "graphql" },
    config: {
      // Every scalar gets a precise type; an unmapped one fails generation instead of becoming `any`.
      strictScalars: true,
      scalars: {
        ID: "string",
        DateTime: "string",
        JSONObject: { input: JSON_OBJECT_INPUT, output: "Record<string, unknown>" },
      },
      enumType: "string-literal",
      useTypeImports: true,
      // Imports end in .js, as Node's ESM resolution (and so tsc with NodeNext) requires.
      emitLegacyCommonJSImports: false,
    },
  };
}

const config: CodegenConfig = {
  schema: printSchema(schema),
  generates: {
    [schemaOutput ?? "schema.graphql"]: {
      plugins: ["schema-ast"],
      config: { sort: true, includeDirectives: false, commentDescriptions: false },
    },
    ...(schemaOutput
      ? {}
      : {
          "client/src/generated/": typedDocuments("client/src/operations/*.graphql"),
          "test/support/generated/": typedDocuments("test/support/operations/*.graphql"),
        }),
  },
  silent: true,
};

export default config;
