import type { Client, CombinedError, OperationResult } from "urql";
import { CONTACTS_CONTEXT, mergeContext } from "./cache-context.js";
import { ContactsDocument, type ContactsQuery, type ContactsQueryVariables } from "./generated/graphql.js";
import type { RequestContext } from "./operations.js";
import type { ContactsPage } from "./results.js";

export interface ContactsListState {
  /** Every page loaded so far as one: their edges in order, the last page's `pageInfo`. */
  data: ContactsPage | undefined;
  /** A page is being asked for (the first, a next one, or one asked again). */
  fetching: boolean;
  /** A page after the first is being asked for (by `fetchMore`, or after the page before it changed). */
  fetchingMore: boolean;
  error: CombinedError | undefined;
}

interface Page {
  after: string | null | undefined;
  /** Its last result; while `pending`, the one it had before it was asked again (shown meanwhile). */
  result: OperationResult<ContactsQuery, ContactsQueryVariables> | undefined;
  pending: boolean;
  unsubscribe: (() => void) | undefined;
}

/**
 * The contacts list that `useContacts` shows, page after page, usable outside React too:
 * `list.start()`, `await list.fetchMore()`, `list.getState().data`, `list.stop()`.
 *
 * Each page is a live urql query, so the document cache refetches it when a mutation returns a
 * contact. A page asks for the contacts after the `endCursor` of the page before it as that page is
 * now: when a new contact moves every boundary by one, or a deletion does, the pages after it are
 * asked again from the new cursor, and the list stays what the server would send for that many pages,
 * with no gap and no contact twice.
 */
export class ContactsList {
  #pages: Page[] = [];
  /** How many pages the caller asked for: 1, and one more with each `fetchMore`. */
  #wanted = 1;
  #started = false;
  #state: ContactsListState;
  readonly #listeners = new Set<() => void>();
  #settled: (() => void)[] = [];

  readonly #client: Client;
  readonly #variables: ContactsQueryVariables;
  readonly #context: RequestContext;

  /** `context` is urql's for every page (`requestPolicy`, `fetchOptions`, …), over the list's own typenames. */
  constructor(client: Client, variables: ContactsQueryVariables = {}, context?: RequestContext) {
    this.#client = client;
    this.#variables = variables;
    this.#context = mergeContext(CONTACTS_CONTEXT, context);
    this.#state = { data: undefined, fetching: false, fetchingMore: false, error: undefined };
  }

  /** Subscribes to the first page (and any asked for before a `stop`). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#open(0, this.#variables.after);
  }

  /** Ends every page's subscription; `start` picks up again. */
  stop(): void {
    this.#started = false;
    for (const page of this.#pages) page.unsubscribe?.();
    this.#pages = [];
    this.#emit();
  }

  /** For `useSyncExternalStore`: the same object until something changes. */
  getState = (): ContactsListState => this.#state;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /**
   * Loads the page after the last one and appends its contacts; resolves once every page has its
   * result. Does nothing more when the last page has no next one, or while a page is still loading.
   */
  fetchMore = (): Promise<void> => {
    const last = this.#pages.at(-1);
    if (this.#started && last && !this.#pages.some((page) => page.pending)) {
      const pageInfo = last.result?.data?.contacts.pageInfo;
      if (pageInfo?.hasNextPage && pageInfo.endCursor) {
        this.#wanted = this.#pages.length + 1;
        this.#open(this.#pages.length, pageInfo.endCursor);
      }
    }
    return this.#whenSettled();
  };

  /** Asks the server again for every page loaded, keeping what they show until the answers come. */
  refetch = (context: RequestContext = {}): void => {
    if (!this.#started) return;
    for (const [index, page] of this.#pages.entries()) {
      this.#open(index, page.after, { ...context, requestPolicy: "network-only" });
    }
  };

  #whenSettled(): Promise<void> {
    if (!this.#pages.some((page) => page.pending)) return Promise.resolve();
    return new Promise((resolve) => this.#settled.push(resolve));
  }

  /** (Re)subscribes page `index` to the contacts after `after`; what it showed stays until its answer. */
  #open(index: number, after: string | null | undefined, context: RequestContext = {}): void {
    const previous = this.#pages[index];
    previous?.unsubscribe?.();
    const page: Page = { after, result: previous?.result, pending: true, unsubscribe: undefined };
    this.#pages[index] = page;
    this.#emit();
    const subscription = this.#client
      .query(ContactsDocument, { ...this.#variables, after }, { ...this.#context, ...context })
      .subscribe((result) => this.#receive(page, result));
    // A cached answer arrives during `subscribe`, and may already have replaced this page.
    if (this.#pages[index] === page) page.unsubscribe = () => subscription.unsubscribe();
    else subscription.unsubscribe();
  }

  #receive(page: Page, result: OperationResult<ContactsQuery, ContactsQueryVariables>): void {
    const index = this.#pages.indexOf(page);
    if (index < 0) return;
    page.result = result;
    page.pending = false;
    this.#follow(index);
    this.#emit();
  }

  /** Makes the pages after `index` follow its answer: from its `endCursor`, and none past its end. */
  #follow(index: number): void {
    const pageInfo = this.#pages[index]?.result?.data?.contacts.pageInfo;
    if (!pageInfo) return; // an error: the pages after it keep what they have
    const next = this.#pages[index + 1];
    if (!pageInfo.hasNextPage || !pageInfo.endCursor) {
      for (const page of this.#pages.splice(index + 1)) page.unsubscribe?.();
      return;
    }
    if (next && next.after !== pageInfo.endCursor) {
      // The boundary moved: the next page asks from the new cursor, and the ones after it follow its answer.
      this.#open(index + 1, pageInfo.endCursor);
    } else if (!next && this.#pages.length < this.#wanted) {
      // A page that ended the list before (or failed) has more again: the list grows back to its size.
      this.#open(index + 1, pageInfo.endCursor);
    }
  }

  #emit(): void {
    const pages = this.#pages;
    const loaded = pages.flatMap((page) => (page.result?.data ? [page.result.data.contacts] : []));
    const first = loaded[0];
    const last = loaded.at(-1);
    // While a page is asked again from a moved cursor, its old answer may repeat a contact of the page before.
    const seen = new Set<string>();
    const edges = loaded
      .flatMap((contacts) => contacts.edges)
      .filter((edge) => !seen.has(edge.node.id) && seen.add(edge.node.id));
    this.#state = {
      data: first && last ? { totalCount: first.totalCount, edges, pageInfo: last.pageInfo } : undefined,
      fetching: pages.some((page) => page.pending || page.result?.stale === true),
      fetchingMore: pages.slice(1).some((page) => page.pending),
      error: pages.find((page) => page.result?.error)?.result?.error,
    };
    if (!pages.some((page) => page.pending)) for (const resolve of this.#settled.splice(0)) resolve();
    for (const listener of this.#listeners) listener();
  }
}
