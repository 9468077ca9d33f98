import { randomBytes, randomInt } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { GraphiQLOptions } from "graphql-yoga";

/** The version of @graphql-yoga/graphiql whose built files we serve (pinned exactly in package.json). */
const GRAPHIQL_VERSION: string = createRequire(import.meta.url)("@graphql-yoga/graphiql/package.json").version;

/** The built GraphiQL page (script, styles, editor workers), served as static files by http.ts. */
export const GRAPHIQL_ASSETS_DIRECTORY = join(
  dirname(createRequire(import.meta.url).resolve("@graphql-yoga/graphiql/package.json")),
  "dist",
);
/** The version is in the path, so browsers may keep the files for good. */
export const GRAPHIQL_ASSETS_PATH = `/graphiql/${GRAPHIQL_VERSION}`;

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

/** Area codes of several US time zones, so the example shows the timezone the phone gives. */
const EXAMPLE_AREA_CODES = ["212", "312", "303", "415", "617", "206"];

/**
 * Input for the example that no earlier run (nor the README's curl) has used, so it succeeds on the
 * demo database in one click: a random email, and a phone in the 555-01XX block, kept for fiction.
 */
export function freshExampleInput() {
  const suffix = randomBytes(4).toString("hex");
  const areaCode = EXAMPLE_AREA_CODES[randomInt(EXAMPLE_AREA_CODES.length)];
  return {
    firstName: "Grace",
    lastName: "Hopper",
    email: `grace.hopper.${suffix}@example.com`,
    phone: `+1${areaCode}55501${String(randomInt(100)).padStart(2, "0")}`,
    tags: ["vip", "newsletter"],
  };
}

/**
 * What Yoga's page passes on to GraphiQL. `query` and `variables` fill the editors when the page
 * opens: Yoga puts its own welcome text there otherwise, and GraphiQL never reads a default tab's
 * variables, so `defaultTabs` alone opens on an example that cannot run.
 */
export type ContactsGraphiQLOptions = GraphiQLOptions & { query: string; variables: string };

/**
 * GraphiQL opens on a createContact example with fresh input. The header editor shows how to pass
 * the key; on the embedded demo database it holds the demo workspace key, so the example runs in one
 * click. A factory, so that each page load gets new example values.
 */
export function graphiqlOptions(demoApiKey: string | null): () => ContactsGraphiQLOptions {
  const headers = JSON.stringify(
    { Authorization: `Bearer ${demoApiKey ?? "<your sk_live_ or sk_test_ API key>"}` },
    null,
    2,
  );
  return () => {
    const variables = JSON.stringify({ input: freshExampleInput() }, null, 2);
    return {
      title: "Contacts API",
      query: EXAMPLE_MUTATION,
      variables,
      defaultTabs: [{ query: EXAMPLE_MUTATION, variables, headers }],
      headers,
      shouldPersistHeaders: true,
    };
  };
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
  const workers = {
    editorWorkerService: `${assets}/monacoeditorwork/editor.worker.bundle.js`,
    json: `${assets}/monacoeditorwork/json.worker.bundle.js`,
    // The file's name in the package has the two dots.
    graphql: `${assets}/monacoeditorwork/graphql.worker..bundle.js`,
  };
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
