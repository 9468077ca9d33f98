// A backend-for-the-frontend: it keeps the secret key and hands the browser short-lived client tokens.
import { createServer } from "node:http";

const { CONTACTS_API_URL = "http://localhost:4000/graphql", CONTACTS_API_KEY, PORT = "4100" } = process.env;
const { APP_ORIGIN = "http://localhost:4000" } = process.env;
if (!CONTACTS_API_KEY) throw new Error("Set CONTACTS_API_KEY to the workspace's secret key (sk_live_…).");

const MINT = `mutation Mint($input: CreateClientTokenInput!) { createClientToken(input: $input) {
  __typename ... on CreateClientTokenSuccess { token expiresAt } ... on Error { message } } }`;
// A real app names the user its own session signed in (the subject); this one has a single demo user.
const input = { subject: "demo-user", scopes: ["contacts:read", "contacts:write"] };

/** [status, body]: the token, or the API's own words (never the key) with 502, as the browser did nothing wrong. */
async function mint() {
  const response = await fetch(CONTACTS_API_URL, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${CONTACTS_API_KEY}` },
    body: JSON.stringify({ query: MINT, variables: { input } }),
  });
  const { data, errors } = await response.json().catch(() => ({}));
  const result = data?.createClientToken;
  if (result?.__typename === "CreateClientTokenSuccess")
    return [200, { token: result.token, expiresAt: result.expiresAt }];
  return [
    502,
    { error: result ? `${result.__typename}: ${result.message}` : (errors?.[0]?.message ?? `HTTP ${response.status}`) },
  ];
}

const server = createServer(async (request, response) => {
  const headers = { "access-control-allow-origin": APP_ORIGIN, vary: "Origin", "cache-control": "no-store" };
  if (request.method !== "POST" || request.url !== "/token") return response.writeHead(404, headers).end();
  const [status, body] = await mint().catch((error) => [502, { error: `Cannot reach the API: ${error.message}` }]);
  response.writeHead(status, { ...headers, "content-type": "application/json" }).end(JSON.stringify(body));
});
server.listen(Number(PORT), () => console.log(`Token server on http://localhost:${server.address().port}/token`));
