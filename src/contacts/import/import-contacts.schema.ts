import { ContactConflictError, ForbiddenError, ValidationFailed } from "../../errors/domain-errors.js";
import { builder } from "../../schema/builder.js";
import { callerOf } from "../../server/context.js";
import { ContactRef } from "../contact.schema.js";
import type { ContactRecord } from "../contact-record.js";
import { type ImportContactsResult, type ImportRowOutcome, importContacts } from "./import-contacts.js";

const ImportModeEnum = builder.enumType("ImportMode", {
  description: "How each row of an import is written.",
  values: {
    CREATE: { description: "As createContact: a row whose email or phone a live contact holds is a ConflictError." },
    UPSERT: { description: "As upsertContact: a row matching a live contact by phone, else email, updates it." },
  } as const,
});

// No input rules here: a row that breaks one is that row's ValidationError, not the whole batch's,
// so the service runs the contact input rules on each row itself.
const ImportContactInput = builder.inputType("ImportContactInput", {
  description: "One row of an import: the fields of CreateContactInput (or UpsertContactInput), with their rules.",
  fields: (t) => ({
    firstName: t.string({ required: false, description: "Trimmed; empty counts as not given; at most 255." }),
    lastName: t.string({ required: false, description: "Trimmed; empty counts as not given; at most 255." }),
    email: t.string({
      required: false,
      description: "A valid address, stored lowercased; unique among live contacts.",
    }),
    phone: t.string({ required: false, description: "E.164 only; unique among live contacts." }),
    timezone: t.string({
      required: false,
      description: "An IANA zone name. When omitted, a created contact's is derived from its phone.",
    }),
    tags: t.stringList({ required: false, description: "Tag names to add; new names are created." }),
    customFields: t.field({
      type: "JSONObject",
      required: false,
      description: "Values keyed by the workspace's custom variable names, as in CreateContactInput.",
    }),
  }),
});

const ImportContactsInput = builder.inputType("ImportContactsInput", {
  description: "A batch of contacts for one workspace.",
  fields: (t) => ({
    workspaceId: t.id({
      required: false,
      description: "Required with an account API key; with a workspace key, omit it or give that workspace.",
    }),
    mode: t.field({ type: ImportModeEnum, required: true, description: "Create every row, or upsert it." }),
    preserveExisting: t.boolean({
      required: false,
      description: "UPSERT only: on a match, fill only what is empty and never change a stored value.",
    }),
    contacts: t.field({
      type: [ImportContactInput],
      required: true,
      description: "1 to IMPORT_MAX_ROWS rows (1,000 by default), applied in order.",
    }),
  }),
});

type WrittenRow = { contact: ContactRecord; created: boolean };

const ImportRowSuccess = builder.objectRef<WrittenRow>("ImportRowSuccess").implement({
  description: "The row wrote a contact.",
  fields: (t) => ({
    contact: t.field({ type: ContactRef, description: "The contact as this row left it.", resolve: (r) => r.contact }),
    created: t.exposeBoolean("created", {
      description: "True when the row created the contact; false when it updated one (UPSERT) that matched.",
    }),
  }),
});

const ImportRowResult = builder.objectRef<{ index: number; outcome: ImportRowOutcome }>("ImportRowResult").implement({
  description: "One row's outcome.",
  fields: (t) => ({
    index: t.exposeInt("index", { description: "The row's position in `contacts`, from 0." }),
    outcome: t.field({
      type: ImportRowSuccess,
      description: "The contact written, or the row's ValidationError (paths within the row) or ConflictError.",
      errors: {
        directResult: true,
        types: [ValidationFailed, ContactConflictError],
        union: { name: "ImportRowOutcome", description: "What one row did; a failed row wrote nothing." },
      },
      resolve: ({ outcome }) => {
        if (outcome.kind === "invalid" || outcome.kind === "conflict") throw outcome.error;
        return { contact: outcome.contact, created: outcome.kind === "created" };
      },
    }),
  }),
});

const ImportContactsSuccess = builder.objectRef<ImportContactsResult>("ImportContactsSuccess").implement({
  description: "The batch ran: every row has its outcome.",
  fields: (t) => ({
    results: t.field({
      type: [ImportRowResult],
      description: "One per row, in the order given.",
      resolve: (r) => r.results,
    }),
    createdCount: t.exposeInt("createdCount", { description: "Rows that created a contact." }),
    updatedCount: t.exposeInt("updatedCount", { description: "Rows that updated a contact." }),
    failedCount: t.exposeInt("failedCount", { description: "Rows that wrote nothing." }),
  }),
});

builder.mutationField("importContacts", (t) =>
  t.field({
    type: ImportContactsSuccess,
    description:
      "Imports up to IMPORT_MAX_ROWS contacts: each row gets the outcome a single createContact or upsertContact of it would have had, rows applied in order. A failed row writes nothing and stops no other.",
    args: { input: t.arg({ type: ImportContactsInput, required: true, description: "The batch." }) },
    errors: {
      directResult: true,
      types: [ValidationFailed, ForbiddenError],
      union: {
        name: "ImportContactsResult",
        description: "Every row's outcome, or why the batch as a whole was refused (nothing written).",
      },
    },
    authScopes: { "contacts:write": true },
    resolve: (_root, { input }, context) =>
      importContacts(context.prisma, callerOf(context), input, { maxRows: context.importMaxRows }),
  }),
);
