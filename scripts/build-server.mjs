// `npm start` runs the server as plain JavaScript: this bundles src/server/start.ts and our own modules
// into dist/server/start.js with esbuild (packages stay imports from node_modules). Running TypeScript
// through tsx's loader at start would cost about a hundred megabytes of memory and a loader on
// every import, in the process that serves traffic. dist/server/ mirrors src/server/ (as deep as src/storage/), so the paths the code
// resolves from import.meta.url (prisma/migrations, prisma/sql, examples/web/dist) are the same from both.
import { build } from "esbuild";

await build({
  entryPoints: ["src/server/start.ts"],
  outfile: "dist/server/start.js",
  bundle: true,
  packages: "external",
  platform: "node",
  format: "esm",
  target: "node22",
  sourcemap: "linked",
  logLevel: "warning",
});
