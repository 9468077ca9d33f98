import { type DocumentNode, print } from "graphql";

// How a test reads a GraphQL response, whichever way it was sent (the test app's fetch, a real HTTP
// server, a server process).

export interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

/** A GraphQL response's JSON body. */
export interface GraphQLBody<Data> {
  data?: Data | null;
  errors?: GraphQLError[];
}

export interface GraphQLResponse<Data = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: GraphQLBody<Data>;
  /** The response's data; reading it fails the test, naming the status and errors, when the response has none. */
  readonly data: Data;
  /** The response's errors, as in `body.errors`. */
  readonly errors: GraphQLError[] | undefined;
}

/**
 * A response as tests read it, from its status, headers and parsed body: `data` fails the test,
 * naming the status and errors, when the body has none.
 */
export function graphQLResponse<Data>(
  status: number,
  headers: Headers,
  body: GraphQLBody<Data>,
): GraphQLResponse<Data> {
  return {
    status,
    headers,
    body,
    get data() {
      if (body.data == null)
        throw new Error(`No data in the response (HTTP ${status}): ${JSON.stringify(body.errors)}`);
      return body.data;
    },
    get errors() {
      return body.errors;
    },
  };
}

const printed = new WeakMap<DocumentNode, string>();
/** The text a request sends for a document: a string as it is, a parsed document printed (once). */
export function textOf(document: string | DocumentNode) {
  if (typeof document === "string") return document;
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

/**
 * The response to a request a test sent itself (raw JSON, its own headers), read as `graphql()` reads
 * one; `Data` is the data of the document it sent, unknown for a malformed one.
 */
export async function readResponse<Data = unknown>(response: Response): Promise<GraphQLResponse<Data>> {
  return graphQLResponse<Data>(response.status, response.headers, await response.json());
}
