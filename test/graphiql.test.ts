import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "./support/test-app.js";

let demo: TestApp;
let plain: TestApp;
beforeAll(async () => {
  demo = await startTestApp({ app: { demoApiKey: "sk_live_DemoKeyForGraphiQL000000000000000000" } });
  plain = await startTestApp();
});
afterAll(async () => {
  await demo?.close();
  await plain?.close();
});

async function graphiqlPage(app: TestApp) {
  const response = await app.yoga.fetch("http://test/graphql", { headers: { accept: "text/html" } });
  expect(response.status).toBe(200);
  return response.text();
}

describe("GraphiQL", () => {
  it("opens on a createContact example with variables, and says how to pass the key", async () => {
    const page = await graphiqlPage(plain);
    expect(page).toContain("mutation CreateContact($input: CreateContactInput!)");
    expect(page).toContain("ada@example.com");
    expect(page).toContain("Bearer <your sk_live_ or sk_test_ API key>");
    expect(page).not.toMatch(/Bearer sk_live_[A-Za-z0-9]{32,}/);
  });

  it("holds the demo workspace key on the embedded demo database, so the example runs in one click", async () => {
    const page = await graphiqlPage(demo);
    expect(page).toContain("Bearer sk_live_DemoKeyForGraphiQL000000000000000000");
  });

  it("the example it opens on is a valid operation of this schema", async () => {
    const { EXAMPLE_MUTATION } = await import("../src/graphiql.js");
    const response = await plain.graphql(plain.tenant.workspaceKey, EXAMPLE_MUTATION, {
      input: { firstName: "Ada", email: "graphiql-example@example.com", phone: "+12125550123", tags: ["vip"] },
    });
    expect(response.body.data?.createContact.__typename).toBe("CreateContactSuccess");
  });
});
