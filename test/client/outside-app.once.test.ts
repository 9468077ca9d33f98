import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Page } from "playwright-core";
import sirv from "sirv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestPage, type TestPage } from "../support/browser.js";
import { mintClientToken, SECRET_KEY } from "../support/client-tokens.js";
import { ContactEmailsDocument } from "../support/generated/graphql.js";
import { postGraphQL, type ServerProcess, startServerProcess } from "../support/server-process.js";

/**
 * The client package as another team gets it: `npm pack`ed, installed from the tarball into a new
 * Vite + React + TypeScript app outside this repository (strict, exactOptionalPropertyTypes), checked
 * by that app's own tsc, built by its own Vite, and run in headless Chromium against `src/server/start.ts`
 * on an embedded database, from another origin (CORS_ORIGINS). The page authenticates with client
 * tokens from its own origin's /token, which mints them server-side with the secret key, as a team's
 * backend does: the key is never in the page. Runs once (see vitest.config.ts); never skips.
 */
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const execFileAsync = promisify(execFile);
const SETUP_TIMEOUT_MS = 5 * 60_000;

/** The version this repository's lockfile installs, so the app's install is served from npm's cache. */
function lockedVersion(name: string): string {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string }>;
  };
  const entry =
    lock.packages[`node_modules/${name}`] ??
    Object.entries(lock.packages).find(([path]) => path.endsWith(`/node_modules/${name}`))?.[1];
  if (!entry?.version) throw new Error(`${name} is not in package-lock.json`);
  return entry.version;
}

/** Without npm's own variables (npm_config_*, npm_package_*), which would point a nested npm back here. */
function outsideEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== "INIT_CWD"),
  );
}

async function exec(file: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout, stderr } = await execFileAsync(file, args, { cwd, env: outsideEnv(), maxBuffer: 64 << 20 });
    return stdout + stderr;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(" ")} failed in ${cwd}:\n${stdout}\n${stderr}`);
  }
}

function writeApp(directory: string, tarball: string) {
  const pinned = (...names: string[]) => Object.fromEntries(names.map((name) => [name, lockedVersion(name)]));
  const files: Record<string, string> = {
    "package.json": JSON.stringify(
      {
        name: "contacts-outside-app",
        private: true,
        type: "module",
        dependencies: { "@contacts-api/client": `file:../${tarball}`, ...pinned("react", "react-dom", "urql") },
        devDependencies: pinned("@types/react", "@types/react-dom", "@vitejs/plugin-react", "typescript", "vite"),
      },
      null,
      2,
    ),
    // The strictest settings a team may use; skipLibCheck off, so the package's .d.ts is checked too.
    "tsconfig.json": JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2022", "DOM", "DOM.Iterable"],
          module: "ESNext",
          moduleResolution: "bundler",
          jsx: "react-jsx",
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          verbatimModuleSyntax: true,
          skipLibCheck: false,
          noEmit: true,
          types: [],
        },
        include: ["src"],
      },
      null,
      2,
    ),
    "vite.config.js": `import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({ plugins: [react()] });
`,
    "index.html": `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>Contacts from another app</title></head>
  <body>
    <div id="root"></div>
    <script type="module" src="/src/main.tsx"></script>
  </body>
</html>
`,
    "src/main.tsx": `import {
  type CreateContactInput,
  type CreateContactResult,
  createContactsClient,
  Provider,
  useContacts,
  useCreateContact,
} from "@contacts-api/client";
import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";

// The API's absolute URL comes in the page's query string (?api=http://…/graphql); client tokens
// come from this app's own backend, which holds the secret key.
const params = new URLSearchParams(window.location.search);
async function getToken(): Promise<{ token: string; expiresAt: string }> {
  const response = await fetch("/token", { method: "POST" });
  if (!response.ok) throw new Error(\`/token answered \${response.status}\`);
  return (await response.json()) as { token: string; expiresAt: string };
}
const client = createContactsClient({ url: params.get("api") ?? "", getToken });

function describe(result: CreateContactResult): string {
  switch (result.__typename) {
    case "CreateContactSuccess":
      return \`CreateContactSuccess \${result.contact.id} \${result.contact.email ?? ""}\`;
    case "ValidationError":
      return \`ValidationError \${result.issues.map((issue) => issue.path.join(".")).join(" ")}\`;
    case "ConflictError":
      return \`ConflictError \${result.conflicts.map((conflict) => conflict.existingContactId).join(" ")}\`;
    case "ForbiddenError":
      return \`ForbiddenError \${result.message}\`;
  }
}

function CreateContact({ label, input }: { label: string; input: CreateContactInput }) {
  const [{ fetching, error }, createContact] = useCreateContact();
  // One key for this contact: a second click is a retry, which the server answers with the first result.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const [results, setResults] = useState<string[]>([]);
  const create = async () => {
    const result = await createContact(input, { fetchOptions: { headers: { "Idempotency-Key": idempotencyKey } } });
    setResults((previous) => [...previous, describe(result)]);
  };
  return (
    <section>
      <button type="button" disabled={fetching} onClick={() => void create().catch(() => undefined)}>
        {label}
      </button>
      {error && <p role="alert">{error.message}</p>}
      <ol aria-label={\`\${label}: results\`}>
        {results.map((text, index) => (
          <li key={index}>{text}</li>
        ))}
      </ol>
    </section>
  );
}

function Contacts() {
  const { data, fetching, fetchingMore, error, fetchMore } = useContacts(
    { first: 1 },
    { requestPolicy: "cache-and-network" },
  );
  return (
    <section>
      <p aria-label="Total">{data ? \`\${data.totalCount} contacts\` : fetching ? "Loading" : ""}</p>
      {error && <p role="alert">{error.message}</p>}
      <ul aria-label="Contacts">
        {data?.edges.map(({ node }) => (
          <li key={node.id} data-id={node.id}>
            {node.email}
          </li>
        ))}
      </ul>
      {data?.pageInfo.hasNextPage && (
        <button type="button" disabled={fetchingMore} onClick={() => void fetchMore()}>
          Show more
        </button>
      )}
    </section>
  );
}

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <Provider value={client}>
      <CreateContact label="Create Ada" input={{ firstName: "Ada", email: "ada@example.com" }} />
      <CreateContact label="Create Grace" input={{ firstName: "Grace", email: "grace@example.com" }} />
      <Contacts />
    </Provider>
  </StrictMode>,
);
`,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(directory, path, ".."), { recursive: true });
    writeFileSync(join(directory, path), text);
  }
}

function listen(listener: RequestListener): Promise<{ server: Server; origin: string }> {
  const server = createServer(listener);
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

describe("the client package in an app outside this repository", () => {
  const temporary = mkdtempSync(join(tmpdir(), "contacts-outside-app-"));
  const appDirectory = join(temporary, "app");
  let tarballFiles: string[] = [];
  let staticServer: Server | undefined;
  let appOrigin: string;
  let api: ServerProcess | undefined;
  let apiKey: string;
  let browser: TestPage | undefined;
  let page: Page;
  let tokenCalls = 0;
  /** The Authorization header of every request the page sent to the API. */
  const authorizations: string[] = [];

  beforeAll(async () => {
    expect(temporary.startsWith(ROOT)).toBe(false);

    // The app's origin first: the API allows exactly it (CORS_ORIGINS), as a team would configure it.
    let serveApp: RequestListener = (_request, response) => response.writeHead(503).end();
    ({ server: staticServer, origin: appOrigin } = await listen((request, response) => serveApp(request, response)));
    const apiStarted = startServerProcess({
      DATABASE_URL: "pglite:memory",
      SEED_DEMO: "true",
      CORS_ORIGINS: appOrigin,
    });

    // `npm pack` runs the package's prepack (the build), as a release would.
    await exec("npm", ["pack", "--workspace", "client", "--pack-destination", temporary], ROOT);
    const tarball = readdirSync(temporary).find((name) => name.endsWith(".tgz"));
    if (!tarball) throw new Error(`npm pack wrote no tarball into ${temporary}`);
    tarballFiles = (await exec("tar", ["-tzf", join(temporary, tarball)], temporary)).trim().split("\n");

    writeApp(appDirectory, tarball);
    await exec("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], appDirectory);
    await exec(
      process.execPath,
      [join(appDirectory, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", "."],
      appDirectory,
    );
    await exec(
      process.execPath,
      [join(appDirectory, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn"],
      appDirectory,
    );
    api = await apiStarted;
    const key = /API key:\s+(\S+)/.exec(api.stdout())?.[1];
    if (!key) throw new Error(`the server printed no demo API key:\n${api.stdout()}`);
    apiKey = key;

    // The app's backend: its static files, and POST /token minting a client token with the key.
    const files = sirv(join(appDirectory, "dist"), { single: true, dev: false });
    const graphqlUrl = `${api.url}/graphql`;
    serveApp = (request, response) => {
      if (request.method !== "POST" || request.url !== "/token") return files(request, response);
      tokenCalls++;
      mintClientToken(fetch, graphqlUrl, key).then(
        (token) => response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(token)),
        (error: Error) => response.writeHead(502).end(error.message),
      );
    };

    browser = await openTestPage({ timeoutMs: 15_000 });
    page = browser.page;
    page.on("request", (request) => {
      if (request.url().startsWith(graphqlUrl)) authorizations.push(request.headers().authorization ?? "");
    });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await new Promise((resolve) => (staticServer ? staticServer.close(resolve) : resolve(undefined)));
    rmSync(temporary, { recursive: true, force: true });
  });

  it("packs the built JavaScript and declarations, and nothing that needs our compiler", () => {
    expect(tarballFiles).toEqual(
      expect.arrayContaining(["package/package.json", "package/dist/index.js", "package/dist/index.d.ts"]),
    );
    expect(tarballFiles.filter((path) => path.endsWith(".ts") && !path.endsWith(".d.ts"))).toEqual([]);
  });

  it("creates a contact with useCreateContact from the other origin, and a retry with its key gets the same one", async () => {
    const apiUrl = `${api?.url}/graphql`;
    await page.goto(`${appOrigin}/?${new URLSearchParams({ api: apiUrl })}`);
    await page.getByLabel("Total").getByText("0 contacts").waitFor();

    const adaResults = page.getByRole("list", { name: "Create Ada: results" }).getByRole("listitem");
    await page.getByRole("button", { name: "Create Ada" }).click();
    await adaResults.first().waitFor();
    const first = (await adaResults.first().textContent()) ?? "";
    const adaId = /^CreateContactSuccess (\S+) ada@example\.com$/.exec(first)?.[1];
    expect(adaId, first).toMatch(/^[0-9a-f-]{36}$/);

    // The same Idempotency-Key again: the server replays the first answer instead of a ConflictError.
    await page.getByRole("button", { name: "Create Ada" }).click();
    await adaResults.nth(1).waitFor();
    expect(await adaResults.allTextContents()).toEqual([
      `CreateContactSuccess ${adaId} ada@example.com`,
      `CreateContactSuccess ${adaId} ada@example.com`,
    ]);

    const stored = await postGraphQL(api?.url ?? "", apiKey, ContactEmailsDocument, {});
    expect(stored.data.contacts.edges).toEqual([{ node: { id: adaId, email: "ada@example.com" } }]);
  });

  it("lists the contacts one page at a time and appends the next page with fetchMore", async () => {
    const contacts = page.getByRole("list", { name: "Contacts" }).getByRole("listitem");
    await page.getByRole("button", { name: "Create Grace" }).click();
    await page
      .getByRole("list", { name: "Create Grace: results" })
      .getByText(/^CreateContactSuccess /)
      .waitFor();

    // The document cache refetched the list for the new contact: the newest, one per page.
    await page.getByLabel("Total").getByText("2 contacts").waitFor();
    await contacts.getByText("grace@example.com").waitFor();
    expect(await contacts.allTextContents()).toEqual(["grace@example.com"]);

    await page.getByRole("button", { name: "Show more" }).click();
    await contacts.nth(1).waitFor();
    expect(await contacts.allTextContents()).toEqual(["grace@example.com", "ada@example.com"]);
    expect(await page.getByRole("button", { name: "Show more" }).count()).toBe(0);
  });

  it("authenticated with client tokens from its own backend, never the secret key", () => {
    expect(tokenCalls).toBe(1);
    expect(authorizations.length).toBeGreaterThan(0);
    expect(authorizations.filter((header) => header.includes(apiKey) || SECRET_KEY.test(header))).toEqual([]);
    expect(new Set(authorizations).size).toBe(1);
  });

  it("built no secret key into its JavaScript", () => {
    // The pattern catches the real key, so finding none in the build means something.
    expect(apiKey).toMatch(SECRET_KEY);
    const assets = join(appDirectory, "dist", "assets");
    const scripts = readdirSync(assets).filter((name) => name.endsWith(".js"));
    expect(scripts.length).toBeGreaterThan(0);
    // The client package is in it (so this is the built app, not an empty file), and no key is.
    const code = scripts.map((name) => readFileSync(join(assets, name), "utf8")).join("\n");
    expect(code).toContain("/token");
    expect(code).not.toMatch(SECRET_KEY);
    expect(code).not.toContain(apiKey);
  });

  it("threw no error in the page (one copy of React and of urql)", () => {
    expect(browser?.pageErrors).toEqual([]);
  });
});
