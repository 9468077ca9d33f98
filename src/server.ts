import { createServer } from "node:http";
import { createApp } from "./app.js";
import { type Config, loadConfig } from "./config.js";
import { openDatabase } from "./db.js";
import { seedDemoWorkspace } from "./demo.js";
import { warmTimezoneData } from "./domain/rules/timezone.js";
import { migrate } from "./migrations.js";

async function start(config: Config) {
  const db = await openDatabase(config);
  const applied = await migrate(db);
  if (applied.length > 0) console.log(`Applied migrations: ${applied.join(", ")}`);
  warmTimezoneData();
  const demo = db.kind === "pglite" && config.seedDemo ? await seedDemoWorkspace(db.prisma) : null;

  const yoga = createApp({ prisma: db.prisma });
  const server = createServer(yoga);
  server.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    const url = `http://localhost:${port}${yoga.graphqlEndpoint}`;
    console.log(`Contacts API on ${url} (GraphiQL in a browser), storage: ${db.kind}`);
    if (demo) {
      console.log(
        [
          "",
          "Created a demo account and workspace on this new embedded database.",
          `  Workspace id:  ${demo.workspaceId}`,
          `  API key:       ${demo.apiKey}`,
          "  (shown once: keep it; `npm run admin -- create-api-key --workspace <id>` makes another)",
          `  GraphiQL:      ${url}  (add the header {"Authorization": "Bearer <API key>"})`,
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
