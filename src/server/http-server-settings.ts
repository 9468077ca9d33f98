import { createServer, type RequestListener, type Server } from "node:http";
import type { HttpServerConfig } from "../config.js";

/** How often Node looks for connections past their timeout, at most: its default is 30 s. */
const LONGEST_CHECK_INTERVAL_MS = 1000;

/**
 * The HTTP server with its limits for slow or numerous clients: a request not fully received within
 * `requestTimeoutMs` (headers within `headersTimeoutMs`) gets 408 and its connection is closed, and
 * connections beyond `maxConnections` are closed as they arrive. Answering may take longer.
 */
export function createHttpServer(listener: RequestListener, settings: HttpServerConfig): Server {
  const server = createServer(
    {
      requestTimeout: settings.requestTimeoutMs,
      headersTimeout: settings.headersTimeoutMs,
      // Node enforces both timeouts only when it sweeps its connections, every 30 s by default (a 1 s
      // timeout held a stalled body 30 s); sweeping every second enforces them within a second.
      connectionsCheckingInterval: Math.min(LONGEST_CHECK_INTERVAL_MS, settings.headersTimeoutMs),
    },
    listener,
  );
  server.maxConnections = settings.maxConnections;
  return server;
}
