import { randomBytes, randomInt } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { GraphiQLOptions } from "graphql-yoga";
import type { Config } from "../config.js";

/** The version of @graphql-yoga/graphiql whose built files we serve (pinned exactly in package.json). */
const GRAPHIQL_VERSION: string = createRequire(import.meta.url)("@graphql-yoga/graphiql/package.json").version;

/** GraphiQL reads the schema by introspection: it is served exactly when introspection is on. */
export function servesGraphiQL(config: Pick<Config, "graphql">): boolean {
  return config.graphql.introspection;
}

/** The built GraphiQL page (script, styles, editor workers), served as static files by http.ts. */
export const GRAPHIQL_ASSETS_DIRECTORY = join(
  dirname(createRequire(import.meta.url).resolve("@graphql-yoga/graphiql/package.json")),
  "dist",
);
/** The version is in the path, so browsers may keep the files for good. */
export const GRAPHIQL_ASSETS_PATH = `/graphiql/${GRAPHIQL_VERSION}`;

const EDITOR_WORKERS = {
  editorWorkerService: "monacoeditorwork/editor.worker.bundle.js",
  json: "monacoeditorwork/json.worker.bundle.js",
  // The file's name in the package has the two dots.
  graphql: "monacoeditorwork/graphql.worker..bundle.js",
};
/** The files of the package the page loads, and the only ones served. */
export const GRAPHIQL_FILES: readonly string[] = [
  "graphiql.css",
  "yoga-graphiql.umd.js",
  ...Object.values(EDITOR_WORKERS),
];

export const EXAMPLE_MUTATION = `# Create a contact: press the run button (▶).
# Your API key goes in the Headers tab below:
#   { "Authorization": "Bearer sk_live_..." }
# The input is in the Variables tab. Each page
# load offers a new email and phone.
# Every failure is a typed result: ask for the
# ones you want to handle.
mutation CreateContact($input: CreateContactInput!) {
  createContact(input: $input) {
    __typename
    ... on CreateContactSuccess {
      contact {
        id firstName lastName email phone timezone
        tags { name }
        customFields { name value }
        createdAt
      }
    }
    ... on ValidationError { message issues { path code message } }
    ... on ConflictError { message conflicts { field existingContactId } }
    ... on ForbiddenError { message }
  }
}
`;

/**
 * Area codes whose numbers each map to one time zone, so the example shows the timezone the phone
 * gives. Not 212: the README's examples use +1 212 555 0123.
 */
const EXAMPLE_AREA_CODES = "617 305 404 202 215 312 214 713 612 512 303 801 602 415 213 206 503 702 808 313".split(" ");
/** Numbers 555-0100 to 555-0199 of each area code: the block kept for fiction. */
const EXAMPLE_PHONES = EXAMPLE_AREA_CODES.length * 100;

/**
 * Input for the GraphiQL example that runs in one click, page load after page load. The phones are
 * taken in turn from a random start, so a server offers each of its 2,000 once before any again;
 * the email is random.
 */
export function exampleInputs(): () => ExampleInput {
  let next = randomInt(EXAMPLE_PHONES);
  return () => {
    const phone = next;
    next = (next + 1) % EXAMPLE_PHONES;
    const areaCode = EXAMPLE_AREA_CODES[Math.floor(phone / 100)];
    return {
      firstName: "Grace",
      lastName: "Hopper",
      email: `grace.hopper.${randomBytes(4).toString("hex")}@example.com`,
      phone: `+1${areaCode}55501${String(phone % 100).padStart(2, "0")}`,
      tags: ["vip", "newsletter"],
    };
  };
}

export interface ExampleInput {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  tags: string[];
}

/**
 * What Yoga's page passes on to GraphiQL. `query` and `variables` fill the editors when the page
 * opens: Yoga puts its own welcome text there otherwise, and GraphiQL never reads a default tab's
 * variables, so `defaultTabs` alone opens on an example that cannot run.
 */
export type ContactsGraphiQLOptions = GraphiQLOptions & { query: string; variables: string; storage: null };

/**
 * GraphiQL opens on a createContact example with fresh input. The header editor shows how to pass
 * the key; on the embedded demo database it holds the demo workspace key, so the example runs in one
 * click. A factory, so that each page load gets new example values.
 *
 * GraphiQL keeps nothing in the browser (`storage: null`): kept tabs would gain one more example at
 * every load, kept headers would hold a demo key the server no longer has, and a key someone typed
 * would stay in localStorage. Each load opens on one tab with the server's current key.
 */
export function graphiqlOptions(demoApiKey: string | null): () => ContactsGraphiQLOptions {
  const headers = JSON.stringify(
    { Authorization: `Bearer ${demoApiKey ?? "<your sk_live_ or sk_test_ API key>"}` },
    null,
    2,
  );
  const nextInput = exampleInputs();
  return () => ({
    title: "Contacts API",
    query: EXAMPLE_MUTATION,
    variables: JSON.stringify({ input: nextInput() }, null, 2),
    headers,
    storage: null,
    shouldPersistHeaders: false,
  });
}

/** JSON that can sit inside a <script> element: no `</script>` or `<!--` can end it early. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * Yoga's GraphiQL page, with every file from our own server instead of unpkg.com, and no favicon
 * host: the page works with no internet. The editor workers come from the same origin, so Monaco
 * may start them from their URLs (Yoga's page fetches them into blobs because they are cross-origin).
 */
export function renderGraphiQL(options: GraphiQLOptions): string {
  const title = escapeHtml(options.title ?? "GraphiQL");
  const assets = GRAPHIQL_ASSETS_PATH;
  const workers = Object.fromEntries(
    Object.entries(EDITOR_WORKERS).map(([label, file]) => [label, `${assets}/${file}`]),
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${assets}/graphiql.css">
</head>
<body id="body" class="no-focus-outline">
<noscript>GraphiQL needs JavaScript.</noscript>
<div id="root">Loading ${title}…</div>
<script>
const workers = ${scriptSafeJson(workers)};
self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_moduleId, label) => workers[label] };
</script>
<script src="${assets}/yoga-graphiql.umd.js"></script>
<script>YogaGraphiQL.renderYogaGraphiQL(document.getElementById("root"), ${scriptSafeJson(options)});</script>
</body>
</html>
`;
}
