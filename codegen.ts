import type { CodegenConfig } from "@graphql-codegen/cli";
import { printSchema } from "graphql";
import { schema } from "./src/schema/index.js";

/**
 * `npm run codegen` writes the schema, sorted, to the committed schema.graphql, so every change to
 * the API shows up in review. test/schema.test.ts fails when that file is stale (it writes to the
 * path in SCHEMA_OUTPUT instead, to compare).
 */
const config: CodegenConfig = {
  schema: printSchema(schema),
  generates: {
    [process.env.SCHEMA_OUTPUT ?? "schema.graphql"]: {
      plugins: ["schema-ast"],
      config: { sort: true, includeDirectives: false, commentDescriptions: false },
    },
  },
  silent: true,
};

export default config;
