/**
 * Reading PostgreSQL failures out of Prisma errors under driver adapters. Prisma 7 puts no
 * `meta.target` on a unique violation there; the adapter's cause carries the SQLSTATE and the
 * constraint, as `{ index: "<name>" }` (adapter-pg) or `{ fields: [...] }` (PGlite's adapter,
 * identifiers possibly still double-quoted). This module is the one place that knows both forms.
 */

export interface UniqueIndex {
  name: string;
  columns: readonly string[];
}

interface AdapterCause {
  originalCode?: string;
  kind?: string;
  constraint?: { index?: string; fields?: string[] };
}

function adapterCause(error: unknown): AdapterCause | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const meta = (error as { meta?: { driverAdapterError?: { cause?: AdapterCause } } }).meta;
  return meta?.driverAdapterError?.cause;
}

/** Which of the candidate unique indexes a unique violation hit; undefined for any other error. */
export function violatedUniqueIndex<T extends UniqueIndex>(error: unknown, candidates: readonly T[]): T | undefined {
  const cause = adapterCause(error);
  if (cause?.originalCode !== "23505" || !cause.constraint) return undefined;
  const { index, fields } = cause.constraint;
  if (index) return candidates.find((candidate) => candidate.name === index);
  if (!fields) return undefined;
  const columns = fields.map((field) => field.replace(/^"|"$/g, "")).join(",");
  return candidates.find((candidate) => candidate.columns.join(",") === columns);
}

/** Prisma's codes for a database it cannot reach or a pool with no connection to give. */
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028"]);
/** The adapters' kinds for the same (see @prisma/driver-adapter-utils). */
const UNAVAILABLE_ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "DatabaseDoesNotExist",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "TransactionAlreadyClosed",
]);
/** SQLSTATE classes 08 (connection exception) and 57P (operator intervention: shutdown, restart). */
const UNAVAILABLE_SQLSTATE = /^(08|57P)/;
/**
 * node-postgres's words for a connection that is gone (two of them for a query sent on one after it
 * broke), then pg-pool's and PGlite's for a query that outlived the server's own database handle,
 * closed because the server is shutting down: another instance can answer it.
 */
const UNAVAILABLE_SOCKET_ERRORS =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable|Client was closed and is not queryable|Cannot use a pool after calling end on the pool|PGlite is closed/i;

/**
 * True when a failure means "the database is not there right now" rather than a bug: such requests
 * get a SERVICE_UNAVAILABLE answer (retry later) instead of a masked internal error.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === "string" && UNAVAILABLE_PRISMA_CODES.has(code)) return true;
  const cause = adapterCause(error) as (AdapterCause & { kind?: string }) | undefined;
  if (cause?.kind && UNAVAILABLE_ADAPTER_KINDS.has(cause.kind)) return true;
  if (cause?.originalCode && UNAVAILABLE_SQLSTATE.test(cause.originalCode)) return true;
  return typeof message === "string" && UNAVAILABLE_SOCKET_ERRORS.test(message);
}

/**
 * True when PostgreSQL stopped a statement that ran past DATABASE_STATEMENT_TIMEOUT_MS (SQLSTATE
 * 57014, query_canceled): the request asked for too much, the database is fine.
 */
export function isStatementTimeout(error: unknown): boolean {
  return adapterCause(error)?.originalCode === "57014";
}

/** True when PostgreSQL broke a deadlock by aborting this statement (SQLSTATE 40P01): it may run again. */
export function isDeadlock(error: unknown): boolean {
  return adapterCause(error)?.originalCode === "40P01";
}
