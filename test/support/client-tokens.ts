/**
 * Mints a client token the way a team's backend does: `createClientToken` sent with a secret key.
 * `post` sends one GraphQL request (a test app's `yoga.fetch`, or fetch to a server's /graphql).
 */
export interface MintedToken {
  token: string;
  expiresAt: string;
}

const MINT = `mutation Mint($input: CreateClientTokenInput!) {
  createClientToken(input: $input) {
    __typename
    ... on CreateClientTokenSuccess { token expiresAt }
    ... on Error { message }
  }
}`;

export const DEMO_USER = { subject: "demo-user", scopes: ["contacts:read", "contacts:write"] };

export async function mintClientToken(
  post: (request: Request) => Promise<Response> | Response,
  url: string,
  secretKey: string,
  input: { subject: string; scopes: string[]; expiresInSeconds?: number; workspaceId?: string } = DEMO_USER,
): Promise<MintedToken> {
  const response = await post(
    new Request(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${secretKey}` },
      body: JSON.stringify({ query: MINT, variables: { input } }),
    }),
  );
  const body = (await response.json()) as {
    data?: { createClientToken?: { __typename: string; token?: string; expiresAt?: string; message?: string } };
    errors?: { message: string }[];
  };
  const result = body.data?.createClientToken;
  if (result?.__typename !== "CreateClientTokenSuccess" || !result.token || !result.expiresAt) {
    throw new Error(`createClientToken answered ${response.status} ${JSON.stringify(body)}`);
  }
  return { token: result.token, expiresAt: result.expiresAt };
}

/** What a secret key looks like: no built page, response or storage may hold one. */
export const SECRET_KEY = /sk_(live|test)_[A-Za-z0-9]{32,}/;
