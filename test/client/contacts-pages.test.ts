import {
  type Client,
  ContactsList,
  type ContactsListState,
  createContactsClient,
  operations,
  run,
} from "@contacts-api/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app.js";

/**
 * The list `useContacts` shows (ContactsList, outside React here): `fetchMore` appends the page after
 * the last `endCursor`, and the pages loaded stay what the server would send after a mutation.
 */
describe("contacts page by page", () => {
  let app: TestApp;
  let client: Client;

  beforeAll(async () => {
    app = await startTestApp();
    client = createContactsClient({
      url: "http://test/graphql",
      getToken: async () => app.tenant.workspaceKey,
      fetch: async (input, init) => app.yoga.fetch(new Request(input, init)),
    });
  });
  afterAll(() => app?.close());

  async function create(email: string, tag: string): Promise<string> {
    const result = await run(client, operations.createContact, { email, tags: [tag] });
    if (result.__typename !== "CreateContactSuccess") throw new Error(result.__typename);
    return result.contact.id;
  }

  const emails = (list: ContactsList) => list.getState().data?.edges.map((edge) => edge.node.email);

  /** Resolves when the list's state passes `check`: a mutation's refetches arrive on their own. */
  function until(list: ContactsList, check: (state: ContactsListState) => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`the list stayed at ${JSON.stringify(emails(list))}`));
      }, 10_000);
      const test = () => {
        if (!check(list.getState())) return;
        clearTimeout(timer);
        unsubscribe();
        resolve();
      };
      const unsubscribe = list.subscribe(test);
      test();
    });
  }

  it("grows by one page per fetchMore, from the last endCursor, until hasNextPage is false", async () => {
    for (const n of [1, 2, 3, 4, 5]) await create(`grow${n}@example.com`, "grow");
    const list = new ContactsList(client, { first: 2, filter: { tag: "grow" } });
    list.start();
    await until(list, (state) => state.data !== undefined && !state.fetching);
    expect(emails(list)).toEqual(["grow5@example.com", "grow4@example.com"]);
    expect(list.getState().data?.pageInfo.hasNextPage).toBe(true);

    const more = list.fetchMore();
    expect(list.getState()).toMatchObject({ fetching: true, fetchingMore: true });
    await more;
    expect(list.getState()).toMatchObject({ fetching: false, fetchingMore: false });
    expect(emails(list)).toEqual(["grow5", "grow4", "grow3", "grow2"].map((name) => `${name}@example.com`));

    await list.fetchMore();
    expect(emails(list)).toEqual(["grow5", "grow4", "grow3", "grow2", "grow1"].map((name) => `${name}@example.com`));
    expect(list.getState().data).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: false } });

    // The last page had no next one: nothing more is asked for.
    await list.fetchMore();
    expect(emails(list)).toHaveLength(5);
    list.stop();
  });

  it("keeps every loaded page current after a create and a delete: no gap, no contact twice", async () => {
    const ids = new Map<string, string>();
    for (const n of [1, 2, 3, 4, 5]) ids.set(`keep${n}`, await create(`keep${n}@example.com`, "keep"));
    const list = new ContactsList(client, { first: 2, filter: { tag: "keep" } });
    list.start();
    await until(list, (state) => state.data !== undefined && !state.fetching);
    await list.fetchMore();
    await list.fetchMore();
    const names = (...list: string[]) => list.map((name) => `${name}@example.com`);
    expect(emails(list)).toEqual(names("keep5", "keep4", "keep3", "keep2", "keep1"));

    // The new contact moves every page boundary by one: each later page is asked again from the new cursor.
    await create("keep6@example.com", "keep");
    const current = (expected: string[]) => (state: ContactsListState) =>
      !state.fetching && JSON.stringify(state.data?.edges.map((edge) => edge.node.email)) === JSON.stringify(expected);
    await until(list, current(names("keep6", "keep5", "keep4", "keep3", "keep2", "keep1")));
    expect(list.getState().data).toMatchObject({ totalCount: 6, pageInfo: { hasNextPage: false } });

    const deleted = await run(client, operations.deleteContact, ids.get("keep3") as string);
    expect(deleted.__typename).toBe("DeleteContactSuccess");
    await until(list, current(names("keep6", "keep5", "keep4", "keep2", "keep1")));
    expect(list.getState().data?.totalCount).toBe(5);

    // refetch asks for every loaded page again and keeps showing them meanwhile.
    list.refetch();
    expect(list.getState().fetching).toBe(true);
    expect(emails(list)).toHaveLength(5);
    await until(list, current(names("keep6", "keep5", "keep4", "keep2", "keep1")));
    list.stop();
  });
});
