import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { resolve } from "node:path";
import { createApp } from "./app.js";
import { type Config, loadConfig } from "./config.js";
import { openDatabase } from "./db.js";
import { ensureDemoWorkspace } from "./demo.js";
import { warmTimezoneData } from "./domain/rules/timezone.js";
import { createHttpHandler, WEB_APP_DIRECTORY, WEB_APP_PATH } from "./http.js";
import { migrate } from "./migrations.js";

/** Beside an embedded database kept on disk; none for an in-memory one (it is seeded at every start). */
function demoKeyFile(config: Config): string | null {
  const location = config.databaseUrl.slice("pglite:".length);
  return location === "memory" ? null : `${resolve(location)}.demo-key.json`;
}

async function start(config: Config) {
  const db = await openDatabase(config);
  const applied = await migrate(db);
  if (applied.length > 0) console.log(`Applied migrations: ${applied.join(", ")}`);
  warmTimezoneData();
  const demo =
    db.kind === "pglite" && config.seedDemo ? await ensureDemoWorkspace(db.prisma, demoKeyFile(config)) : null;

  const yoga = createApp({ prisma: db.prisma, demoApiKey: demo?.apiKey ?? null });
  const server = createServer(createHttpHandler(yoga));
  server.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    const url = `http://localhost:${port}${yoga.graphqlEndpoint}`;
    console.log(`Contacts API on ${url} (GraphiQL in a browser), storage: ${db.kind}`);
    if (existsSync(WEB_APP_DIRECTORY)) console.log(`Example app on http://localhost:${port}${WEB_APP_PATH}`);
    if (demo) {
      console.log(
        [
          "",
          demo.created
            ? "Created a demo account and workspace on this new embedded database."
            : "Demo workspace of this embedded database:",
          `  Workspace id:  ${demo.workspaceId}`,
          `  API key:       ${demo.apiKey}`,
          `  GraphiQL:      ${url}  (the demo key is already in its Headers tab)`,
          "",
        ].join("\n"),
      );
    }
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing`);
    server.close(() => {
      db.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
    server.closeIdleConnections();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

start(loadConfig()).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
