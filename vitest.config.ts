import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

/**
 * Tests that exist only for PostgreSQL (several server processes on one database, a database
 * restarted under load): named `*.postgres.test.ts`, they run in the `postgres` project only, which
 * CI always runs (it sets TEST_DATABASE_URL and fails when PostgreSQL is missing).
 */
const POSTGRES_ONLY = "test/**/*.postgres.test.ts";
/**
 * Tests whose subject is not the storage (the client package installed in an app outside this
 * repository, against a server on its own embedded database): named `*.once.test.ts`, they run in
 * the `pglite` project only, so the PostgreSQL pass does not repeat minutes of installing and building.
 */
const ONCE = "test/**/*.once.test.ts";

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
    test: {
      name: "postgres",
      env: { TEST_STORAGE: "postgres" },
      globalSetup: ["test/support/global-setup.ts"],
      exclude: [...configDefaults.exclude, ONCE],
    },
  });
}

export default defineConfig({
  resolve: {
    // graphql 16 has no "exports" map: Node (and so graphql-yoga) loads its CommonJS entry while Vite
    // would pick the ESM one, and two copies of graphql make `instanceof GraphQLError` fail.
    // Resolving it the way Node does keeps one copy, as in production.
    alias: [
      { find: /^graphql$/, replacement: createRequire(import.meta.url).resolve("graphql") },
      // The client package as tsc sees it here (tsconfig.json `paths`): its source, never a stale dist/.
      { find: /^@contacts-api\/client$/, replacement: fileURLToPath(new URL("client/src/index.ts", import.meta.url)) },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: storages,
  },
});
