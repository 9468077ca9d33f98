import { expect } from "vitest";
import { createContactResult, issuesOf } from "./contact-helpers.js";
import {
  type ContactFieldsFragment,
  CreateContactDocument,
  ImportContactsDocument,
  type ImportContactsInput,
  UpsertContactDocument,
} from "./generated/graphql.js";
import type { TestApp } from "./test-app.js";

// The import oracle: the same rows imported into one workspace and sent one by one, in order, as
// createContact or upsertContact to a twin workspace. Each row must get the same answer, and a
// conflict must name the same contact (the n-th pre-existing one, or the one row r created).

export type ImportRow = ImportContactsInput["contacts"][number];
export type ImportMode = ImportContactsInput["mode"];
export type Comparable = Record<string, unknown>;

type SingleAnswer =
  | { __typename: "created" | "updated"; contact: ContactFieldsFragment }
  | { __typename: "ValidationError"; message: string; issues: { path: string[]; code: string }[] }
  | { __typename: "ConflictError"; conflicts: { field: string; existingContactId: string }[] }
  | { __typename: "ForbiddenError" };

export interface TwinImport {
  app: TestApp;
  /** A key that reaches both workspaces. */
  key: string;
  batchSide: string;
  singleSide: string;
  mode: ImportMode;
  preserveExisting?: boolean;
  /** Created in both workspaces first (each must be created). */
  existing: ImportRow[];
  rows: ImportRow[];
}

/** A contact as both sides can be compared: no ids or times, tags by name. */
export function comparableContact(contact: ContactFieldsFragment) {
  const { id: _id, workspaceId: _w, createdAt: _c, updatedAt: _u, ...fields } = contact;
  return { ...fields, tags: contact.tags.map((tag) => tag.name) };
}

/** Runs the batch on one side and the single mutations on the other; both sides' answers, row by row. */
export async function importBesideSingles(twin: TwinImport) {
  const { app, key, batchSide, singleSide, mode, preserveExisting, existing, rows } = twin;
  const labels = new Map<string, string>();
  for (const workspaceId of [batchSide, singleSide]) {
    for (const [n, row] of existing.entries()) {
      const result = await createContactResult(app, { ...row, workspaceId }, key);
      expect(result.__typename).toBe("CreateContactSuccess");
      if (result.__typename === "CreateContactSuccess") labels.set(result.contact.id, `existing ${n}`);
    }
  }
  const label = (id: string, rowIndex: number) => labels.get(id) ?? `unknown contact (row ${rowIndex})`;
  const comparable = (answer: SingleAnswer, index: number): Comparable => {
    if ("contact" in answer) {
      const contact = answer.contact;
      return { kind: answer.__typename, contact: comparableContact(contact), who: label(contact.id, index) };
    }
    if ("issues" in answer) return { kind: answer.__typename, message: answer.message, issues: issuesOf(answer) };
    if ("conflicts" in answer) {
      return {
        kind: answer.__typename,
        conflicts: answer.conflicts.map(({ field, existingContactId }) => ({
          field,
          holder: label(existingContactId, index),
        })),
      };
    }
    return { kind: answer.__typename };
  };
  const record = (answer: SingleAnswer, index: number) => {
    if ("contact" in answer && answer.__typename === "created")
      labels.set(answer.contact.id, `created by row ${index}`);
    return comparable(answer, index);
  };

  const response = await app.graphql(key, ImportContactsDocument, {
    input: { workspaceId: batchSide, mode, preserveExisting, contacts: rows },
  });
  expect(response.status).toBe(200);
  const batch = response.data.importContacts;
  if (batch.__typename !== "ImportContactsSuccess") throw new Error(`the batch was refused: ${JSON.stringify(batch)}`);
  const batchAnswers = batch.results.map(({ index, outcome }, position) => {
    expect(index).toBe(position);
    const answer: SingleAnswer =
      outcome.__typename === "ImportRowSuccess"
        ? { __typename: outcome.created ? "created" : "updated", contact: outcome.contact }
        : outcome;
    return record(answer, index);
  });

  const singleAnswers: Comparable[] = [];
  for (const [index, row] of rows.entries()) {
    const input = { ...row, workspaceId: singleSide };
    let answer: SingleAnswer;
    if (mode === "CREATE") {
      const result = (await app.graphql(key, CreateContactDocument, { input })).data.createContact;
      answer =
        result.__typename === "CreateContactSuccess" ? { __typename: "created", contact: result.contact } : result;
    } else {
      const result = (await app.graphql(key, UpsertContactDocument, { input: { ...input, preserveExisting } })).data
        .upsertContact;
      answer =
        result.__typename === "UpsertContactSuccess"
          ? { __typename: result.created ? "created" : "updated", contact: result.contact }
          : result;
    }
    singleAnswers.push(record(answer, index));
  }
  const counts = { created: batch.createdCount, updated: batch.updatedCount, failed: batch.failedCount };
  return { batchAnswers, singleAnswers, counts };
}
