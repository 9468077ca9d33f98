import { execFile } from "node:child_process";
import { createServer, type Server, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createHttpHandler, type FetchApp } from "../../src/server/http.js";
import { createLogger } from "../../src/server/observability/logger.js";
import { defaultAppConfig } from "./test-app.js";

/** The example app (examples/web) as the browser tests build and serve it. */
export const WEB_ROOT = fileURLToPath(new URL("../../examples/web/", import.meta.url));

/** The token route a team's backend would serve, same origin as the page. */
export const TOKEN_PATH = "/test/client-token";

const execFileAsync = promisify(execFile);

/** Builds the current examples/web source (not a possibly stale dist/) into `outDir`. */
export async function buildWebApp(outDir: string): Promise<void> {
  const vitePackage = createRequire(join(WEB_ROOT, "package.json")).resolve("vite/package.json");
  await execFileAsync(
    process.execPath,
    [join(dirname(vitePackage), "bin", "vite.js"), "build", "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn"],
    // vitest sets NODE_ENV=test, which would make Vite build React's development build (StrictMode
    // rendering twice); the page under test is the production build `npm run build:web` makes.
    { cwd: WEB_ROOT, env: { ...process.env, NODE_ENV: "production" } },
  );
}

export interface ServedWebApp {
  server: Server;
  origin: string;
  /** The token route's URL, for the page's settings. */
  tokenUrl: string;
  close(): Promise<void>;
}

/**
 * The HTTP handler `npm start` uses, serving the build in `webAppDirectory` at /app, behind a token
 * route at TOKEN_PATH answered by `serveToken`, on a free port of 127.0.0.1.
 */
export async function serveWebApp({
  graphql,
  webAppDirectory,
  serveToken,
}: {
  graphql: FetchApp;
  webAppDirectory: string;
  serveToken: (response: ServerResponse) => Promise<void>;
}): Promise<ServedWebApp> {
  const http = createHttpHandler({
    graphql,
    logger: createLogger("silent"),
    maxBodyBytes: defaultAppConfig.http.maxBodyBytes,
    checkReadiness: async () => {},
    webAppDirectory,
  });
  const server = createServer((request, response) => {
    if (request.method === "POST" && request.url === TOKEN_PATH) {
      serveToken(response).catch((error: Error) => response.writeHead(500).end(error.message));
    } else http.listener(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    origin,
    tokenUrl: `${origin}${TOKEN_PATH}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
