import { createRequire } from "node:module";
import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

/**
 * Tests that exist only for PostgreSQL (several server processes on one database, a database
 * restarted under load): named `*.postgres.test.ts`, they run in the `postgres` project only, which
 * CI always runs (it sets TEST_DATABASE_URL and fails when PostgreSQL is missing).
 */
const POSTGRES_ONLY = "test/**/*.postgres.test.ts";

// The whole suite runs on embedded PGlite; with TEST_DATABASE_URL (a PostgreSQL server) it runs
// again there, each test file in its own fresh database.
const storages: TestProjectInlineConfiguration[] = [
  {
    extends: true,
    test: {
      name: "pglite",
      env: { TEST_STORAGE: "pglite" },
      globalSetup: ["test/support/global-setup.ts"],
      exclude: [...configDefaults.exclude, POSTGRES_ONLY],
    },
  },
];
if (process.env.TEST_DATABASE_URL) {
  storages.push({
    extends: true,
    test: { name: "postgres", env: { TEST_STORAGE: "postgres" }, globalSetup: ["test/support/global-setup.ts"] },
  });
}

export default defineConfig({
  resolve: {
    // graphql 16 has no "exports" map: Node (and so graphql-yoga) loads its CommonJS entry while Vite
    // would pick the ESM one, and two copies of graphql make `instanceof GraphQLError` fail.
    // Resolving it the way Node does keeps one copy, as in production.
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve("graphql") }],
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: storages,
  },
});
