import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What one request's log line and metrics say about it, filled in as the request goes through the
 * layers (HTTP, then GraphQL, then the typed result). Never input values: emails and phones are
 * personal data, and keys are secrets.
 */
export interface RequestRecord {
  requestId: string;
  /** As the client named it (logs only: clients choose it freely). */
  operationName?: string;
  operationType?: string;
  /** The root fields selected, e.g. "createContact": a bounded set, used as the metrics label. */
  rootFields?: string;
  /** For a client token: the API key that minted it. */
  apiKeyId?: string;
  /** For a client token: its end user's pseudonym (never the subject itself, nor the token). */
  subject?: string;
  /** One per root field: its typed result (e.g. CreateContactSuccess, ConflictError) or an error code. */
  outcomes: string[];
}

const storage = new AsyncLocalStorage<RequestRecord>();

export function runWithRequestRecord<T>(record: RequestRecord, work: () => T): T {
  return storage.run(record, work);
}

/** The record of the request being handled, if any (none in domain tests or the CLI). */
export function currentRequestRecord(): RequestRecord | undefined {
  return storage.getStore();
}
