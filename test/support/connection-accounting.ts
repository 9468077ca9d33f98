import http from "node:http";
import type { Socket } from "node:net";

// Loaded into a server process under test (`node --import tsx --import <this file> src/server/start.ts`):
// counts the connections the HTTP server took from the kernel and those it closed before a request
// on them began, and prints both as one JSON line on stderr when the process exits. A connection the
// server accepted and then dropped without ever reading its request is a request cut off that no
// request log shows.

/** server-process.ts reads the line by this prefix. */
const ACCOUNTING_PREFIX = "connection-accounting ";

let accepted = 0;
let closedBeforeRequest = 0;
const requested = new WeakSet<Socket>();
const emit = http.Server.prototype.emit;

http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: any[]) {
  if (event === "connection") {
    accepted += 1;
    const socket = args[0] as Socket;
    socket.once("close", () => {
      if (!requested.has(socket)) closedBeforeRequest += 1;
    });
  } else if (event === "request") {
    requested.add((args[0] as http.IncomingMessage).socket);
  }
  return Reflect.apply(emit, this, [event, ...args]);
} as typeof emit;

process.on("exit", () => {
  // stderr is a pipe here, written synchronously on Linux: the line is out before the process ends.
  process.stderr.write(`${ACCOUNTING_PREFIX}${JSON.stringify({ accepted, closedBeforeRequest })}\n`);
});
