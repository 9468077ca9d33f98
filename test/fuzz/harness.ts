import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import { createWorkspace } from "../../src/access/accounts.js";
import { createContact, deleteContact } from "../support/contact-helpers.js";
import {
  CreateContactDocument,
  type CreateContactMutation,
  UpdateContactDocument,
  type UpdateContactMutation,
  UpsertContactDocument,
  type UpsertContactMutation,
} from "../support/generated/graphql.js";
import { type GraphQLResponse, startTestApp, type TestApp, unchecked } from "../support/test-app.js";
import { storage } from "../support/test-database.js";
import {
  type KeyChoice,
  POOL_EMAILS,
  POOL_PHONES,
  type Target,
  type VariableNames,
  type WorkspaceChoice,
} from "./arbitraries.js";
import {
  type ActualIssue,
  checkCustomFields,
  checkEmail,
  checkName,
  checkPhone,
  checkTags,
  compareNames,
  deriveTimezone,
  guardRefuses,
  Issues,
  isIanaName,
  issuesMismatch,
  ruleViolations,
  type StoredContact,
  sortNames,
} from "./oracle.js";

// Runs one generated case against the API (in process, `yoga.fetch`) and checks the answer against
// the oracle: a typed result or a GraphQL request error, never an internal error; after a failure
// the database is unchanged; after a success the stored contact is exactly what the spec says, obeys
// every rule, and nothing else was written.

export type Mutation = "create" | "upsert" | "update";

/**
 * PGlite (0.5.16) reads text back through a TextDecoder that drops a leading U+FEFF (the bytes are
 * stored; only reading loses them; PostgreSQL itself is right). Of this API's fields only a custom
 * value can start with one (everything else is trimmed), so on PGlite the comparisons drop one
 * leading U+FEFF from custom values on both sides: an upstream bug, not this API's.
 */
function asRead(contact: StoredContact): StoredContact {
  if (storage !== "pglite") return contact;
  return {
    ...contact,
    customFields: contact.customFields.map((field) => ({ ...field, value: field.value.replace(/^\ufeff/, "") })),
  };
}

/** A mutation's result, whichever mutation and whichever member of its union. */
type Result =
  | CreateContactMutation["createContact"]
  | UpsertContactMutation["upsertContact"]
  | UpdateContactMutation["updateContact"];
type Answer =
  | GraphQLResponse<CreateContactMutation>
  | GraphQLResponse<UpsertContactMutation>
  | GraphQLResponse<UpdateContactMutation>;

/** Sends a case's mutation with its variables as generated: the schema's types may refuse them, as the server must. */
function send(app: TestApp, key: string, mutation: Mutation, variables: unknown): Promise<Answer> {
  if (mutation === "create") return app.graphql(key, CreateContactDocument, unchecked(variables));
  if (mutation === "upsert") return app.graphql(key, UpsertContactDocument, unchecked(variables));
  return app.graphql(key, UpdateContactDocument, unchecked(variables));
}

/** The mutation's result in an answer with data. */
function resultOf(answer: Answer): Result {
  const data = answer.data;
  if ("createContact" in data) return data.createContact;
  if ("upsertContact" in data) return data.upsertContact;
  return data.updateContact;
}

const SUCCESS: Record<Mutation, Result["__typename"]> = {
  create: "CreateContactSuccess",
  upsert: "UpsertContactSuccess",
  update: "UpdateContactSuccess",
};
const FIELDS: Record<Mutation, string[]> = {
  create: ["workspaceId", "firstName", "lastName", "email", "phone", "timezone", "tags", "customFields"],
  upsert: [
    "workspaceId",
    "firstName",
    "lastName",
    "email",
    "phone",
    "timezone",
    "tags",
    "customFields",
    "preserveExisting",
  ],
  update: ["firstName", "lastName", "email", "phone", "timezone", "tags", "removeTags", "customFields"],
};
const STRING_FIELDS = ["firstName", "lastName", "email", "phone", "timezone"] as const;
type Scalar = (typeof STRING_FIELDS)[number];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface WorkspaceInfo {
  id: string;
  key: string;
  defaultTimezone: string | null;
  variables: Set<string>;
}

export interface World {
  app: TestApp;
  main: WorkspaceInfo;
  second: WorkspaceInfo;
  /** Another workspace of the account: reachable with the account key only. */
  siblingId: string;
  siblingVariables: Set<string>;
  strangerId: string;
  accountKey: string;
  /** The custom variable names, for the generators. */
  variableNames: VariableNames;
  /** Contacts created so far (live or not), for updates to aim at. */
  contactIds: { workspaceId: string; id: string }[];
  deletedIds: string[];
  stats: Record<string, number>;
}

/** A fresh database, a second workspace with a default timezone, custom variables, and seeded contacts. */
export async function startWorld(): Promise<World> {
  const app = await startTestApp();
  const { tenant } = app;
  const second = await createWorkspace(app.db.prisma, {
    accountId: tenant.accountId,
    name: "Fuzz second",
    defaultTimezone: "Europe/Amsterdam",
  });
  const mainVariables = ["Lead Source", "Score", "score", "Ünïcødé 🎉", "Tier"];
  const secondVariables = ["Lead Source", "Second Only"];
  const siblingVariables = ["Sibling Only"];
  for (const name of mainVariables) await app.defineCustomVariable(tenant.workspaceId, name);
  for (const name of secondVariables) await app.defineCustomVariable(second.workspaceId, name);
  for (const name of siblingVariables) await app.defineCustomVariable(tenant.otherWorkspaceId, name);
  const world: World = {
    app,
    main: {
      id: tenant.workspaceId,
      key: tenant.workspaceKey,
      defaultTimezone: null,
      variables: new Set(mainVariables),
    },
    second: {
      id: second.workspaceId,
      key: second.apiKey,
      defaultTimezone: "Europe/Amsterdam",
      variables: new Set(secondVariables),
    },
    siblingId: tenant.otherWorkspaceId,
    siblingVariables: new Set(siblingVariables),
    strangerId: app.stranger.workspaceId,
    accountKey: tenant.accountKey,
    variableNames: {
      main: mainVariables,
      second: secondVariables,
      all: [...new Set([...mainVariables, ...secondVariables, ...siblingVariables])],
    },
    contactIds: [],
    deletedIds: [],
    stats: {},
  };
  // Pool values some contacts already hold (live or deleted), so that conflicts and matches happen.
  const seed = async (workspace: WorkspaceInfo, index: number, remove: boolean) => {
    const { id } = await createContact(
      app,
      {
        email: POOL_EMAILS[index],
        phone: POOL_PHONES[index],
        firstName: `Seed ${index}`,
        tags: ["seed", index % 2 ? "VIP" : "vip"],
        customFields: workspace === world.main ? { Score: index, "Lead Source": "seed" } : { "Lead Source": "seed" },
      },
      workspace.key,
    );
    if (remove) {
      await deleteContact(app, id, world.accountKey);
      world.deletedIds.push(id);
    } else {
      world.contactIds.push({ workspaceId: workspace.id, id });
    }
  };
  for (let i = 0; i < 6; i++) await seed(world.main, i, false);
  for (let i = 6; i < 9; i++) await seed(world.main, i, true);
  for (let i = 9; i < 12; i++) await seed(world.second, i, false);
  return world;
}

// ---- reading the database directly --------------------------------------------------------------

interface StoredRow {
  id: string;
  workspace_id: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  timezone: string | null;
  deleted_at: Date | null;
  updated_at: Date;
  tags: string[] | null;
  custom_fields: { name: string; value: string }[] | null;
}

/** A contact as the database holds it (deleted or not), read in one statement. */
export async function readStored(world: World, id: string): Promise<(StoredContact & { updatedAt: string }) | null> {
  const [row] = await world.app.db.prisma.$queryRaw<StoredRow[]>`
    SELECT c.id, c.workspace_id, c.first_name, c.last_name, c.email, c.phone, c.timezone, c.deleted_at, c.updated_at,
           (SELECT json_agg(t.name) FROM contact_tags l JOIN tags t ON t.workspace_id = l.workspace_id AND t.id = l.tag_id
             WHERE l.workspace_id = c.workspace_id AND l.contact_id = c.id) AS tags,
           (SELECT json_agg(json_build_object('name', v.name, 'value', cv.value))
              FROM contact_custom_values cv
              JOIN custom_variables v ON v.workspace_id = cv.workspace_id AND v.id = cv.custom_variable_id
             WHERE cv.workspace_id = c.workspace_id AND cv.contact_id = c.id) AS custom_fields
      FROM contacts c WHERE c.id = ${id}::uuid`;
  if (!row) return null;
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    phone: row.phone,
    timezone: row.timezone,
    deletedAt: row.deleted_at ? new Date(row.deleted_at).toISOString() : null,
    updatedAt: new Date(row.updated_at).toISOString(),
    tags: sortNames(row.tags ?? []),
    customFields: (row.custom_fields ?? []).sort((a, b) => compareNames(a.name, b.name)),
  };
}

/** Every row a failed request must not have written, counted in one statement. */
async function countRows(world: World) {
  const [row] = await world.app.db.prisma.$queryRaw<
    { contacts: number; tags: number; links: number; values: number }[]
  >`
    SELECT (SELECT count(*) FROM contacts)::int AS contacts, (SELECT count(*) FROM tags)::int AS tags,
           (SELECT count(*) FROM contact_tags)::int AS links, (SELECT count(*) FROM contact_custom_values)::int AS values`;
  return row as { contacts: number; tags: number; links: number; values: number };
}

async function liveHolder(world: World, workspaceId: string, field: "email" | "phone", value: string) {
  const rows = await world.app.db.prisma.contact.findMany({
    where: { workspaceId, deletedAt: null, [field]: value },
    select: { id: true },
  });
  expect(rows.length, `two live contacts hold ${field} ${value}`).toBeLessThanOrEqual(1);
  return rows[0]?.id ?? null;
}

async function existingTags(world: World, workspaceId: string, names: string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const rows = await world.app.db.prisma.tag.findMany({
    where: { workspaceId, name: { in: names } },
    select: { name: true },
  });
  return new Set(rows.map((row) => row.name));
}

// ---- the case -----------------------------------------------------------------------------------

export interface Case {
  key: KeyChoice;
  workspaceId?: WorkspaceChoice;
  /** The input as generated (before the JSON round trip). */
  input: Record<string, unknown>;
  /** update: which contact to aim at. */
  target?: Target;
}

interface Caller {
  key: string;
  workspaceId: string | null;
}

function callerOf(world: World, choice: KeyChoice): Caller {
  if (choice === "main") return { key: world.main.key, workspaceId: world.main.id };
  if (choice === "second") return { key: world.second.key, workspaceId: world.second.id };
  return { key: world.accountKey, workspaceId: null };
}

function reaches(world: World, caller: Caller, workspaceId: string): boolean {
  if (caller.workspaceId) return caller.workspaceId === workspaceId;
  return [world.main.id, world.second.id, world.siblingId].includes(workspaceId);
}

function workspaceIdValue(world: World, choice: WorkspaceChoice): unknown {
  switch (choice) {
    case "omit":
      return undefined;
    case "null":
      return null;
    case "main":
      return world.main.id;
    case "second":
      return world.second.id;
    case "sibling":
      return world.siblingId;
    case "stranger":
      return world.strangerId;
    case "random":
      return randomUUID();
    case "main-upper":
      return world.main.id.toUpperCase();
    case "malformed":
      return "not-a-uuid";
    case "padded":
      return ` ${world.main.id}`;
    case "int":
      return 12345;
  }
}

function workspaceInfo(world: World, id: string): { defaultTimezone: string | null; variables: Set<string> } {
  if (id === world.main.id) return world.main;
  if (id === world.second.id) return world.second;
  return { defaultTimezone: null, variables: world.siblingVariables };
}

/** Whether GraphQL itself refuses the variables (wrong type, unknown field): HTTP 400 before anything runs. */
function graphqlRefuses(mutation: Mutation, input: Record<string, unknown>, id: unknown): boolean {
  const isString = (value: unknown) => value === null || value === undefined || typeof value === "string";
  const isId = (value: unknown) => isString(value) || Number.isInteger(value);
  const isStringList = (value: unknown) =>
    isString(value) || (Array.isArray(value) && value.every((item) => typeof item === "string"));
  if (Object.keys(input).some((key) => !FIELDS[mutation].includes(key))) return true;
  if (STRING_FIELDS.some((field) => !isString(input[field]))) return true;
  if (!isStringList(input.tags) || !isStringList(input.removeTags)) return true;
  const custom = input.customFields;
  if (custom !== undefined && custom !== null && (typeof custom !== "object" || Array.isArray(custom))) return true;
  if (!isId(input.workspaceId)) return true;
  const preserve = input.preserveExisting;
  if (preserve !== undefined && preserve !== null && typeof preserve !== "boolean") return true;
  if (mutation === "update" && (id === null || !isId(id))) return true;
  return false;
}

/** What the caller gave, after the field rules: a key absent was not given, null clears. */
interface Normalized {
  values: Partial<Record<Scalar, string | null>>;
  addTags: string[];
  removeTags: string[];
  custom: Map<string, string | null>;
}

function normalize(
  input: Record<string, unknown>,
  variables: Set<string> | null,
  issues: Issues,
  removeTagsAllowed: boolean,
): Normalized {
  const values: Normalized["values"] = {};
  for (const field of ["firstName", "lastName"] as const) {
    const given = input[field];
    if (given === null) values[field] = null;
    else if (typeof given === "string") {
      const name = checkName(given, field, issues);
      if (name !== undefined) values[field] = name;
    }
  }
  if (input.email === null) values.email = null;
  else if (typeof input.email === "string") {
    const email = checkEmail(input.email, issues);
    if (email !== undefined) values.email = email;
  }
  if (input.phone === null) values.phone = null;
  else if (typeof input.phone === "string") {
    const phone = checkPhone(input.phone, "phone", issues);
    if (phone !== undefined) values.phone = phone;
  }
  if (input.timezone === null) values.timezone = null;
  else if (typeof input.timezone === "string") {
    if (isIanaName(input.timezone)) values.timezone = input.timezone;
    else issues.add(["timezone"], "INVALID_TIMEZONE");
  }
  const list = (value: unknown): string[] => (typeof value === "string" ? [value] : Array.isArray(value) ? value : []);
  const addTags = checkTags(list(input.tags), "tags", issues);
  const removeTags = removeTagsAllowed ? checkTags(list(input.removeTags), "removeTags", issues) : [];
  const fields = (input.customFields ?? {}) as Record<string, unknown>;
  let custom = new Map<string, string | null>();
  if (variables) custom = checkCustomFields(fields, variables, issues);
  else {
    // No workspace to check the names against: whatever the API says about them is accepted.
    for (const name of Object.keys(fields)) {
      issues.maybe(["customFields", name], "UNKNOWN_CUSTOM_FIELD", "INVALID_VALUE_TYPE", "TOO_LONG");
    }
  }
  return { values, addTags, removeTags, custom };
}

/** The contact after applying changes to `before` (update, or an upsert that matched). */
function applyChanges(before: StoredContact, changes: Normalized, preserve: boolean): StoredContact {
  const after: StoredContact = { ...before };
  for (const field of STRING_FIELDS) {
    if (!(field in changes.values)) continue;
    if (preserve && before[field] !== null) continue;
    after[field] = changes.values[field] ?? null;
  }
  const tags = new Set([...before.tags, ...changes.addTags]);
  for (const name of changes.removeTags) tags.delete(name);
  after.tags = sortNames(tags);
  const custom = new Map(before.customFields.map((field) => [field.name, field.value]));
  for (const [name, value] of changes.custom) {
    if (preserve) {
      if (!custom.has(name) && value !== null) custom.set(name, value);
    } else if (value === null) custom.delete(name);
    else custom.set(name, value);
  }
  after.customFields = sortNames(custom.keys()).map((name) => ({ name, value: custom.get(name) as string }));
  return after;
}

async function newContact(world: World, workspaceId: string, changes: Normalized): Promise<StoredContact> {
  const phone = changes.values.phone ?? null;
  const given = changes.values.timezone;
  const timezone =
    given !== undefined && given !== null
      ? given
      : await deriveTimezone(phone, workspaceInfo(world, workspaceId).defaultTimezone);
  const custom = [...changes.custom].filter((entry): entry is [string, string] => entry[1] !== null);
  return {
    id: "",
    workspaceId,
    firstName: changes.values.firstName ?? null,
    lastName: changes.values.lastName ?? null,
    email: changes.values.email ?? null,
    phone,
    timezone,
    deletedAt: null,
    tags: sortNames(new Set(changes.addTags)),
    customFields: sortNames(custom.map(([name]) => name)).map((name) => ({
      name,
      value: custom.find(([candidate]) => candidate === name)?.[1] as string,
    })),
  };
}

let freshSequence = 0;

/** A new contact in the caller's workspace (the main one for the account key), with tags and values. */
async function createFresh(world: World, caller: Caller): Promise<string> {
  freshSequence += 1;
  const workspace = caller.workspaceId === world.second.id ? world.second : world.main;
  const { id } = await createContact(
    world.app,
    {
      firstName: `Fresh ${freshSequence}`,
      email: `fresh${freshSequence}@example.com`,
      tags: ["fresh", freshSequence % 2 ? "VIP" : "vip"],
      customFields: { "Lead Source": `fresh ${freshSequence}` },
    },
    workspace.key,
  );
  world.contactIds.push({ workspaceId: workspace.id, id });
  return id;
}

/** What the API may answer to a case; checked against the answer it gave. */
interface Allowed {
  issues: Issues;
  forbidden: boolean;
  notFound: boolean;
  /** The conflicts a ConflictError must list; empty: no conflict is possible. */
  conflicts: { field: string; existingContactId: string }[];
  /** What a success must leave; null: success is not allowed. */
  success: {
    /** The contact (its id: the one matched or addressed, else the new one's). */
    contact: StoredContact;
    created: boolean;
    /** The contact before, when one was matched or addressed. */
    before: StoredContact | null;
    /** The request's tag names that the workspace already had. */
    tagsBefore: Set<string>;
    /** Tags whose creation is left open (update: a name both added and removed). */
    optionalNewTags: string[];
  } | null;
  /** Contacts a failure must leave exactly as they were, with their state before the request. */
  watched: Map<string, StoredContact | null>;
}

function bump(world: World, name: string) {
  world.stats[name] = (world.stats[name] ?? 0) + 1;
}

/** Runs one case and checks it; throws (an expect failure) when the API breaks the contract. */
export async function runCase(world: World, mutation: Mutation, testCase: Case): Promise<void> {
  const { app } = world;
  const caller = callerOf(world, testCase.key);
  const rawInput: Record<string, unknown> = { ...testCase.input };
  if (mutation !== "update") {
    const workspaceId = workspaceIdValue(world, testCase.workspaceId ?? "omit");
    if (workspaceId !== undefined) rawInput.workspaceId = workspaceId;
  }
  let rawId: unknown;
  if (mutation === "update") {
    const target = testCase.target ?? { kind: "random" };
    // A contact the caller can reach (other ones are aimed at with "random" and "deleted").
    const reachable = world.contactIds.filter((contact) => reaches(world, caller, contact.workspaceId));
    if (target.kind === "fresh") {
      // A contact of its own, so that no contact piles up thousands of tags over a long run.
      rawId = await createFresh(world, caller);
    } else if (target.kind === "known" && reachable.length > 0) {
      rawId = reachable[target.index % reachable.length]?.id;
    } else if (target.kind === "deleted") rawId = world.deletedIds[0];
    else if (target.kind === "malformed") rawId = "contact-1";
    else rawId = randomUUID();
  }
  // What the server receives: JSON (undefined keys vanish, NaN and Infinity become null, -0 becomes 0).
  const variables = JSON.parse(
    JSON.stringify(mutation === "update" ? { id: rawId, input: rawInput } : { input: rawInput }),
  );
  const input = variables.input as Record<string, unknown>;
  const refused = guardRefuses(variables) || graphqlRefuses(mutation, input, variables.id);
  const allowed = refused ? null : await expectations(world, mutation, caller, input, variables.id);

  const rowsBefore = await countRows(world);
  const answer = await send(app, caller.key, mutation, variables);
  const context = () => JSON.stringify({ mutation, caller: testCase.key, variables }).slice(0, 3000);
  const errors = answer.body.errors ?? [];

  // Never an internal error, whatever the input.
  expect(answer.status, context()).not.toBe(500);
  for (const error of errors) {
    expect(error.extensions?.code, context()).not.toBe("INTERNAL_SERVER_ERROR");
    expect(error.message, context()).not.toBe("Unexpected error.");
  }

  if (!allowed) {
    bump(world, "refused by GraphQL (HTTP 400)");
    expect(answer.status, `${context()}\n${JSON.stringify(answer.body)}`).toBe(400);
    expect(errors.length, context()).toBeGreaterThan(0);
    expect(answer.body.data ?? null, context()).toBeNull();
    expect(await countRows(world), context()).toEqual(rowsBefore);
    return;
  }
  expect(answer.status, `${context()}\n${JSON.stringify(answer.body)}`).toBe(200);
  expect(errors, context()).toEqual([]);
  const result = resultOf(answer);
  expect(result.__typename, context()).toBeTypeOf("string");
  const explain = () => `${context()}\nanswer: ${JSON.stringify(result).slice(0, 3000)}`;
  // An upsert's success is tallied as a create or an update.
  bump(
    world,
    result.__typename === "UpsertContactSuccess"
      ? `${result.__typename} (${result.created ? "created" : "updated"})`
      : result.__typename,
  );

  if (result.__typename !== SUCCESS[mutation] || !("contact" in result)) {
    if (result.__typename === "ValidationError") {
      expect(allowed.issues.any, explain()).toBe(true);
      const actual: ActualIssue[] = result.issues.map((issue) => ({ path: issue.path, code: issue.code }));
      expect(actual.length, explain()).toBeGreaterThan(0);
      expect(issuesMismatch(allowed.issues, actual), explain()).toBeNull();
    } else if (result.__typename === "ForbiddenError") {
      expect(allowed.forbidden, explain()).toBe(true);
    } else if (result.__typename === "NotFoundError") {
      expect(allowed.notFound, explain()).toBe(true);
    } else if (result.__typename === "ConflictError") {
      expect(allowed.conflicts.length, explain()).toBeGreaterThan(0);
      const byField = (a: { field: string }, b: { field: string }) => a.field.localeCompare(b.field);
      expect([...result.conflicts].sort(byField), explain()).toEqual([...allowed.conflicts].sort(byField));
    } else {
      throw new Error(`unexpected result type ${result.__typename}\n${explain()}`);
    }
    // Nothing changed: no contact, tag, link or value, and the contacts involved are as they were.
    expect(await countRows(world), explain()).toEqual(rowsBefore);
    for (const [id, state] of allowed.watched) expect(await readStored(world, id), explain()).toEqual(state);
    return;
  }

  // A success must have been allowed, and leave exactly the expected contact.
  expect(allowed.success, explain()).not.toBeNull();
  const expected = allowed.success as NonNullable<Allowed["success"]>;
  const contact = result.contact;
  // A success is this mutation's (checked above): an upsert's, exactly when it is UpsertContactSuccess.
  if (result.__typename === "UpsertContactSuccess") expect(result.created, explain()).toBe(expected.created);
  const returned: StoredContact = {
    id: contact.id,
    workspaceId: contact.workspaceId,
    firstName: contact.firstName,
    lastName: contact.lastName,
    email: contact.email,
    phone: contact.phone,
    timezone: contact.timezone,
    deletedAt: null,
    tags: contact.tags.map((tag) => tag.name),
    customFields: contact.customFields,
  };
  const want: StoredContact = { ...expected.contact, id: expected.before?.id ?? contact.id };
  expect(asRead(returned), explain()).toEqual(asRead(want));
  const stored = await readStored(world, contact.id);
  expect(stored && asRead(stored), explain()).toEqual({ ...asRead(want), updatedAt: expect.any(String) });
  expect(ruleViolations(returned), explain()).toEqual([]);
  expect(Date.parse(contact.updatedAt), explain()).toBeGreaterThanOrEqual(Date.parse(contact.createdAt));
  for (const field of ["email", "phone"] as const) {
    const value = want[field];
    if (value !== null) expect(await liveHolder(world, want.workspaceId, field, value), explain()).toBe(contact.id);
  }
  // And nothing else was written: one more contact for a create, the links and values it gained,
  // the tags that did not exist yet.
  const before = expected.before;
  const newTags = want.tags.filter((name) => !expected.tagsBefore.has(name));
  const rowsAfter = await countRows(world);
  expect(rowsAfter.contacts - rowsBefore.contacts, explain()).toBe(expected.created ? 1 : 0);
  expect(rowsAfter.links - rowsBefore.links, explain()).toBe(want.tags.length - (before?.tags.length ?? 0));
  expect(rowsAfter.values - rowsBefore.values, explain()).toBe(
    want.customFields.length - (before?.customFields.length ?? 0),
  );
  const tagsAdded = rowsAfter.tags - rowsBefore.tags;
  expect(tagsAdded, explain()).toBeGreaterThanOrEqual(newTags.filter((name) => !before?.tags.includes(name)).length);
  expect(tagsAdded, explain()).toBeLessThanOrEqual(newTags.length + expected.optionalNewTags.length);
  if (expected.created) world.contactIds.push({ workspaceId: want.workspaceId, id: contact.id });
}

/** Everything the API may answer, worked out from the spec and the database as it is before the request. */
async function expectations(
  world: World,
  mutation: Mutation,
  caller: Caller,
  input: Record<string, unknown>,
  id: unknown,
): Promise<Allowed> {
  const issues = new Issues();
  const allowed: Allowed = {
    issues,
    forbidden: false,
    notFound: false,
    conflicts: [],
    success: null,
    watched: new Map(),
  };
  const watch = async (contactId: string) => {
    allowed.watched.set(contactId, await readStored(world, contactId));
  };

  // The workspace written to, and the contact addressed (update).
  let workspaceId: string | null = null;
  let before: StoredContact | null = null;
  if (mutation === "update") {
    const text = String(id);
    const found = UUID.test(text) ? await readStored(world, text.toLowerCase()) : null;
    if (!found || found.deletedAt !== null || !reaches(world, caller, found.workspaceId)) {
      allowed.notFound = true;
    } else {
      workspaceId = found.workspaceId;
      const { updatedAt: _updatedAt, ...state } = found;
      before = state;
    }
    if (found) await watch(found.id);
  } else {
    const given = input.workspaceId;
    if (given === undefined || given === null) {
      if (caller.workspaceId) workspaceId = caller.workspaceId;
      else issues.add(["workspaceId"], "REQUIRED");
    } else {
      const text = String(given);
      if (!UUID.test(text)) issues.add(["workspaceId"], "INVALID_ID");
      else if (reaches(world, caller, text.toLowerCase())) workspaceId = text.toLowerCase();
      else allowed.forbidden = true;
    }
  }

  const variables = workspaceId ? workspaceInfo(world, workspaceId).variables : null;
  const changes = normalize(input, variables, issues, mutation === "update");
  if (mutation === "update" && !FIELDS.update.some((field) => input[field] !== undefined)) {
    issues.add([], "NO_FIELDS");
  }
  if (mutation === "upsert") {
    if (input.phone == null && input.email == null) {
      issues.add(["phone"], "REQUIRED");
      issues.add(["email"], "REQUIRED");
    } else if (!changes.values.phone && !changes.values.email) {
      // Given, but not valid: the field's own issue says it; REQUIRED as well is not wrong.
      issues.maybe(["phone"], "REQUIRED");
      issues.maybe(["email"], "REQUIRED");
    }
  }
  // Forbidden and not found may be decided before the field rules or after them: with broken rules
  // as well, either answer is right (the issues are then the ones above).
  if (!workspaceId || issues.required) return allowed;

  // Every rule holds (or is open): the outcome depends on what the database holds.
  const preserve = mutation === "upsert" && input.preserveExisting === true;
  let created = mutation === "create";
  if (mutation === "upsert") {
    // Phone first, then email; live contacts of the workspace only.
    const phone = changes.values.phone;
    const email = changes.values.email;
    const match =
      (phone ? await liveHolder(world, workspaceId, "phone", phone) : null) ??
      (email ? await liveHolder(world, workspaceId, "email", email) : null);
    if (match) {
      const found = (await readStored(world, match)) as StoredContact & { updatedAt?: string };
      const { updatedAt: _updatedAt, ...state } = found;
      before = state;
      await watch(match);
    } else created = true;
  }
  // On a match the timezone is never derived: only a given one is applied, as any given field.
  const contact = created
    ? await newContact(world, workspaceId, changes)
    : applyChanges(before as StoredContact, changes, preserve);
  for (const field of ["email", "phone"] as const) {
    const value = contact[field];
    if (value === null || value === before?.[field]) continue;
    const holder = await liveHolder(world, workspaceId, field, value);
    if (holder && holder !== before?.id) {
      allowed.conflicts.push({ field: field.toUpperCase(), existingContactId: holder });
      await watch(holder);
    }
  }
  if (allowed.conflicts.length === 0) {
    allowed.success = {
      contact,
      created,
      before,
      tagsBefore: await existingTags(world, workspaceId, [...changes.addTags, ...changes.removeTags]),
      optionalNewTags: changes.addTags.filter((name) => changes.removeTags.includes(name)),
    };
  }
  return allowed;
}
