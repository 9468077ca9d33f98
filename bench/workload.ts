/**
 * What the benchmark sends: unique contact values (every create has its own email, phone and new
 * tag), the GraphQL documents, and the seeded data that updates and reads hit. Shared by the
 * HTTP side (ours) and the SQL side (the floor), so that both do the same work.
 */

export const SCENARIOS = ["create", "upsert", "list"] as const;
export type Scenario = (typeof SCENARIOS)[number];
/** What `--scenario` takes: the request scenarios, and the bulk import (bench/import.ts), which has its own driver. */
export const BENCH_SCENARIOS = [...SCENARIOS, "import"] as const;
export type BenchScenario = (typeof BENCH_SCENARIOS)[number];

export const SCENARIO_TITLES: Record<Scenario, string> = {
  create: "createContact (3 tags, 1 new; 2 custom values)",
  upsert: "upsertContact, update path",
  list: "contacts(first: 50), 10,000 contacts",
};

/** The custom variables every benchmark workspace has. */
export const CUSTOM_VARIABLES = ["Lead Source", "Score"] as const;
/** Tags that every create and upsert names besides its own new one; seeded so that no request races to make them. */
export const SHARED_TAGS = ["bench-shared-a", "bench-shared-b"] as const;
/** Contacts seeded for the upsert scenario to hit, and for the list scenario to page through. */
export const UPSERT_CONTACTS = 10_000;
export const LIST_CONTACTS = 10_000;
export const LIST_TAGS = 20;
/** Tags of a fourth workspace that no scenario touches: the rest of a database in use. */
export const OTHER_TENANT_TAGS = 10_000;
export const PAGE_SIZE = 50;

/**
 * Numbers for new contacts: several US area codes (7-digit subscriber numbers from 200-0000 up,
 * 8 million each) and London (+44 20, 8 digits from 7000 0000 up), round robin. All are possible
 * E.164 numbers (libphonenumber `isPossible`), which `checkPhones` verifies before a run.
 * The seeded contacts use area codes that are not in this list, so a create never collides with them.
 */
const NEW_NUMBER_PREFIXES = ["+1212", "+1415", "+1312", "+1617", "+1713", "+1305", "+1206", "+4420"] as const;

export function uniquePhone(n: number): string {
  const prefix = NEW_NUMBER_PREFIXES[n % NEW_NUMBER_PREFIXES.length] as string;
  const k = Math.floor(n / NEW_NUMBER_PREFIXES.length);
  return prefix === "+4420" ? `${prefix}${70_000_000 + k}` : `${prefix}${2_000_000 + k}`;
}

export function uniqueEmail(n: number): string {
  return `c${n}@bench.example.com`;
}

/** Seeded contacts of the upsert workspace (SQL in seed.ts builds the same values). */
export function upsertSeedPhone(i: number): string {
  return `+1646${2_000_000 + i}`;
}
export function upsertSeedEmail(i: number): string {
  return `u${i}@seed.example.com`;
}

/** The values of the n-th create (or, with a target, of an upsert of a seeded contact). */
export interface ContactValues {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  tags: string[];
  customFields: { "Lead Source": string; Score: number };
}

export function createValues(n: number): ContactValues {
  return {
    firstName: "Ada",
    lastName: `Lovelace ${n}`,
    email: uniqueEmail(n),
    phone: uniquePhone(n),
    tags: [...SHARED_TAGS, `bench-new-${n}`],
    customFields: { "Lead Source": "Benchmark", Score: n },
  };
}

/** An upsert that matches seeded contact n mod UPSERT_CONTACTS by phone and changes its names, tags and values. */
export function upsertValues(n: number): ContactValues {
  const target = n % UPSERT_CONTACTS;
  return {
    firstName: "Grace",
    lastName: `Hopper ${n}`,
    email: upsertSeedEmail(target),
    phone: upsertSeedPhone(target),
    tags: [...SHARED_TAGS, `bench-up-${n}`],
    customFields: { "Lead Source": `Update ${n}`, Score: n },
  };
}

/** One counter for the whole run: ours and the floor never reuse a value. */
export class Counter {
  private next = 0;
  take(): number {
    return this.next++;
  }
}

const CONTACT_FIELDS = `id workspaceId firstName lastName email phone timezone createdAt updatedAt
      tags { id name } customFields { name value }`;

const FAILURES = `... on ValidationError { message issues { path code message } }
    ... on ConflictError { message conflicts { field existingContactId } }
    ... on ForbiddenError { message }`;

export const CREATE_DOCUMENT = `mutation BenchCreate($input: CreateContactInput!) {
  createContact(input: $input) {
    __typename
    ... on CreateContactSuccess { contact { ${CONTACT_FIELDS} } }
    ${FAILURES}
  }
}`;

export const UPSERT_DOCUMENT = `mutation BenchUpsert($input: UpsertContactInput!) {
  upsertContact(input: $input) {
    __typename
    ... on UpsertContactSuccess { created contact { ${CONTACT_FIELDS} } }
    ${FAILURES}
  }
}`;

export const LIST_DOCUMENT = `query BenchList($first: Int!) {
  contacts(first: $first) {
    edges { cursor node { ${CONTACT_FIELDS} } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** The JSON body of the next request of a scenario. */
export function requestBody(scenario: Scenario, counter: Counter): string {
  if (scenario === "create") {
    return JSON.stringify({ query: CREATE_DOCUMENT, variables: { input: createValues(counter.take()) } });
  }
  if (scenario === "upsert") {
    return JSON.stringify({ query: UPSERT_DOCUMENT, variables: { input: upsertValues(counter.take()) } });
  }
  return JSON.stringify({ query: LIST_DOCUMENT, variables: { first: PAGE_SIZE } });
}

/** How a response was judged: only `ok` counts as work done. */
export type Outcome = { kind: "ok" } | { kind: "graphqlErrors" | "typedFailures" | "wrongResults"; detail: string };

interface GraphQLResponse {
  data?: Record<string, unknown> | null;
  errors?: { message?: string; extensions?: { code?: string } }[];
}

/**
 * Judges a 200 response: GraphQL errors, a typed failure (ValidationError, ConflictError, …) or a
 * success that is not the expected one (an upsert that created, a short page) are not successes.
 */
export function judgeResponse(scenario: Scenario, body: string): Outcome {
  let parsed: GraphQLResponse;
  try {
    parsed = JSON.parse(body) as GraphQLResponse;
  } catch {
    return { kind: "wrongResults", detail: `not JSON: ${body.slice(0, 120)}` };
  }
  if (parsed.errors?.length) {
    const first = parsed.errors[0];
    return { kind: "graphqlErrors", detail: `${first?.extensions?.code ?? "ERROR"}: ${first?.message ?? "?"}` };
  }
  const data = parsed.data ?? {};
  if (scenario === "list") {
    const connection = data.contacts as { edges?: { node?: { tags?: unknown[] } }[] } | undefined;
    const edges = connection?.edges ?? [];
    if (edges.length !== PAGE_SIZE) return { kind: "wrongResults", detail: `page of ${edges.length} contacts` };
    return { kind: "ok" };
  }
  const field = scenario === "create" ? "createContact" : "upsertContact";
  const success = scenario === "create" ? "CreateContactSuccess" : "UpsertContactSuccess";
  const result = data[field] as
    | { __typename?: string; created?: boolean; contact?: { tags?: unknown[]; customFields?: unknown[] } }
    | undefined;
  if (result?.__typename !== success) {
    return { kind: "typedFailures", detail: `${result?.__typename ?? "no result"}: ${JSON.stringify(result)}` };
  }
  if (scenario === "upsert" && result.created !== false) {
    return { kind: "wrongResults", detail: "upsert created a contact instead of updating the seeded one" };
  }
  if ((result.contact?.customFields?.length ?? 0) !== CUSTOM_VARIABLES.length) {
    return { kind: "wrongResults", detail: `custom values: ${JSON.stringify(result.contact?.customFields)}` };
  }
  if ((result.contact?.tags?.length ?? 0) < SHARED_TAGS.length + 1) {
    return { kind: "wrongResults", detail: `tags: ${JSON.stringify(result.contact?.tags)}` };
  }
  return { kind: "ok" };
}
