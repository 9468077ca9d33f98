// Runs `prisma generate` (the Prisma client into src/generated/prisma/).
// Prisma 7's CLI downloads its schema engine before every command, even `generate`, which never uses
// it; that download host is unreachable on air-gapped machines. PRISMA_SCHEMA_ENGINE_BINARY (Prisma's
// documented variable for a custom engine) pointing at any existing executable skips the download.
// Only `generate` may run this way: `migrate` needs the real engine (this project applies its
// migrations itself, see src/storage/migrations.ts).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const prismaCli = createRequire(import.meta.url).resolve("prisma/build/index.js");
const result = spawnSync(process.execPath, [prismaCli, "generate"], {
  stdio: "inherit",
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
});
process.exit(result.status ?? 1);
