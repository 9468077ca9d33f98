import { type ClientToken, type CombinedError, createContactsClient, operations, run } from "@contacts-api/client";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app.js";

/**
 * How the client gets its credential: `getToken()` is asked before the first request, again before
 * the token expires and once after a 401, and every request carries the latest answer. Requests go to
 * the real server (`yoga.fetch`) through a fetch that records the Authorization header each one sent.
 */
describe("client tokens: getToken and its refreshes", () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.close());
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  /** A credential the server accepts, a different one on every call. */
  async function credential(): Promise<string> {
    return (await app.createApiKey({ workspaceId: app.tenant.workspaceId })).apiKey;
  }

  function clientWith(getToken: () => Promise<ClientToken>) {
    const sent: (string | null)[] = [];
    const calls = vi.fn(getToken);
    const client = createContactsClient({
      url: "http://test/graphql",
      getToken: calls,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        sent.push(request.headers.get("authorization"));
        return app.yoga.fetch(request);
      },
    });
    return { client, sent, getToken: calls };
  }

  const total = async (client: ReturnType<typeof clientWith>["client"], tag?: string) =>
    (await run(client, operations.contacts, { first: 1, ...(tag ? { filter: { tag } } : {}) })).totalCount;

  it("asks for a new token before the current one expires: 30 s before, or at half the life of a short one", async () => {
    const start = Date.parse("2026-06-01T12:00:00Z");
    vi.useFakeTimers({ toFake: ["Date"], now: start });
    const tokens = [await credential(), await credential(), await credential()];
    const lifetimes = [900_000, 20_000, 900_000];
    const { client, sent, getToken } = clientWith(async () => {
      const index = getToken.mock.calls.length - 1;
      return { token: tokens[index] as string, expiresAt: new Date(Date.now() + (lifetimes[index] as number)) };
    });

    expect(await total(client, "a")).toBe(0);
    expect(getToken).toHaveBeenCalledTimes(1);

    // 31 s before expiry the token is kept; 29 s before, a new one is fetched before the request leaves.
    vi.setSystemTime(start + 900_000 - 31_000);
    await total(client, "b");
    expect(getToken).toHaveBeenCalledTimes(1);
    vi.setSystemTime(start + 900_000 - 29_000);
    await total(client, "c");
    expect(getToken).toHaveBeenCalledTimes(2);

    // The second token lives 20 s: it is renewed after 10 s, not on every request.
    const second = Date.now();
    vi.setSystemTime(second + 9_000);
    await total(client, "d");
    expect(getToken).toHaveBeenCalledTimes(2);
    vi.setSystemTime(second + 11_000);
    await total(client, "e");
    expect(getToken).toHaveBeenCalledTimes(3);

    const [first, renewed, short] = tokens.map((token) => `Bearer ${token}`);
    expect(sent).toEqual([first, first, renewed, renewed, short]);
  });

  it("renews a token already expired when it arrives once per request, never in a loop", async () => {
    const token = await credential();
    const { client, sent, getToken } = clientWith(async () => ({ token, expiresAt: new Date(Date.now() - 1_000) }));
    expect(await total(client)).toBe(0);
    expect([getToken.mock.calls.length, sent.length]).toEqual([2, 1]);
  });

  it("after a 401 asks for a token once more and retries the request with it", async () => {
    const good = await credential();
    const given = ["sk_live_RefusedRefusedRefusedRefusedRefused00", good];
    const { client, sent, getToken } = clientWith(async () => given[getToken.mock.calls.length - 1] as string);
    expect(await total(client)).toBe(0);
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(sent).toEqual([`Bearer ${given[0]}`, `Bearer ${good}`]);
    // The token that worked is kept: no further call.
    await total(client, "again");
    expect(getToken).toHaveBeenCalledTimes(2);
  });

  it("retries only once: a second refusal is the caller's UNAUTHENTICATED error", async () => {
    const { client, sent, getToken } = clientWith(async () => "sk_live_RefusedRefusedRefusedRefusedRefused00");
    const failure = await total(client).catch((error: CombinedError) => error);
    expect(failure).toMatchObject({ graphQLErrors: [{ extensions: { code: "UNAUTHENTICATED" } }] });
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(sent).toHaveLength(2);
  });

  it("surfaces a failing getToken as the request's error, sends nothing, and asks again next time", async () => {
    const good = await credential();
    let down = true;
    const { client, sent, getToken } = clientWith(async () => {
      if (down) throw new Error("token service unavailable");
      return good;
    });
    const failure = await total(client).catch((error: CombinedError) => error);
    expect(failure).toMatchObject({ networkError: { message: "token service unavailable" } });
    expect(sent).toEqual([]);

    down = false;
    expect(await total(client)).toBe(0);
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(sent).toEqual([`Bearer ${good}`]);
  });

  it("refuses an expiresAt that is not a date, as the request's error", async () => {
    const { client, sent } = clientWith(async () => ({ token: "t", expiresAt: "soon" }));
    const failure = await total(client).catch((error: CombinedError) => error);
    expect(failure).toMatchObject({ networkError: { message: "getToken gave an expiresAt that is not a date: soon" } });
    expect(sent).toEqual([]);
  });

  it("makes concurrent requests wait for one getToken call", async () => {
    const good = await credential();
    let release: (token: string) => void = () => {};
    const { client, sent, getToken } = clientWith(() => new Promise<string>((resolve) => (release = resolve)));
    const pending = Promise.all(["x", "y", "z"].map((tag) => total(client, tag)));
    await vi.waitFor(() => expect(getToken).toHaveBeenCalled());
    release(good);
    expect(await pending).toEqual([0, 0, 0]);
    expect(getToken).toHaveBeenCalledTimes(1);
    expect(sent).toEqual([`Bearer ${good}`, `Bearer ${good}`, `Bearer ${good}`]);
  });

  it("keeps the Authorization header beside a call's own headers (an Idempotency-Key)", async () => {
    const good = await credential();
    const headers: Headers[] = [];
    const client = createContactsClient({
      url: "http://test/graphql",
      getToken: async () => ({ token: good, expiresAt: new Date(Date.now() + 900_000).toISOString() }),
      fetch: async (input, init) => {
        const request = new Request(input, init);
        headers.push(request.headers);
        return app.yoga.fetch(request);
      },
    });
    const context = { fetchOptions: { headers: { "Idempotency-Key": "token-header-1" } } };
    const created = await run(client, operations.createContact, { email: "kept@example.com" }, context);
    expect(created.__typename).toBe("CreateContactSuccess");
    expect([headers[0]?.get("authorization"), headers[0]?.get("idempotency-key")]).toEqual([
      `Bearer ${good}`,
      "token-header-1",
    ]);
  });

  it("keeps the token in memory only: nothing is written to localStorage or sessionStorage", async () => {
    const written: string[] = [];
    const storage = () => ({
      length: 0,
      clear: () => {},
      key: () => null,
      getItem: () => null,
      removeItem: () => {},
      setItem: (key: string, value: string) => void written.push(`${key}=${value}`),
    });
    vi.stubGlobal("localStorage", storage());
    vi.stubGlobal("sessionStorage", storage());
    const token = await credential();
    const { client } = clientWith(async () => ({ token, expiresAt: new Date(Date.now() + 900_000) }));
    await total(client);
    await total(client, "stored");
    expect(written).toEqual([]);
  });
});
