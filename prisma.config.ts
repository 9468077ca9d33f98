import { defineConfig } from "prisma/config";

// Used by the Prisma CLI only (generate; migrate status/deploy where the schema engine is available).
// The server and the admin command line apply migrations themselves: see src/storage/migrations.ts.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" },
});
