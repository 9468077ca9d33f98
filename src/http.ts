import { existsSync } from "node:fs";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import sirv from "sirv";

/** Where `npm run build:web` puts the example app (examples/web). */
export const WEB_APP_DIRECTORY = fileURLToPath(new URL("../examples/web/dist", import.meta.url));
export const WEB_APP_PATH = "/app";

/**
 * The HTTP entry point: the GraphQL handler, plus the built example app at /app when it has been
 * built, so one process serves both.
 */
export function createHttpHandler(graphql: RequestListener, webAppDirectory = WEB_APP_DIRECTORY): RequestListener {
  const serveWebApp = existsSync(webAppDirectory) ? sirv(webAppDirectory, { single: true, dev: false }) : null;
  return (request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? "/";
    if (serveWebApp && (url === WEB_APP_PATH || url.startsWith(`${WEB_APP_PATH}/`))) {
      request.url = url.slice(WEB_APP_PATH.length) || "/";
      serveWebApp(request, response, () => {
        response.statusCode = 404;
        response.end("Not found");
      });
      return;
    }
    graphql(request, response);
  };
}
