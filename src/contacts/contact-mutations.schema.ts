import { ContactConflictError, ForbiddenError, NotFoundError, ValidationFailed } from "../errors/domain-errors.js";
import { builder } from "../schema/builder.js";
import { onInvalidInput } from "../schema/invalid-input.js";
import type { GraphQLContext } from "../server/context.js";
import { callerOf } from "../server/context.js";
import { ContactRef } from "./contact.schema.js";
import {
  type CreateContactInput as CreateContactFields,
  createContactInputSchema,
  type UpdateContactInput as UpdateContactFields,
  type UpsertContactInput as UpsertContactFields,
  updateContactInputSchema,
  upsertContactInputSchema,
} from "./contact-input.js";
import {
  createParsedContact,
  rejectUpdateInput,
  rejectWorkspaceContactInput,
  type UpsertResult,
  updateParsedContact,
  upsertParsedContact,
} from "./contacts.service.js";
import { deleteContact } from "./delete-contact.js";

/** What each contact input field accepts; shared by the create, upsert and update inputs. */
/** The field builder an input type's `fields` receives. */
type InputFieldBuilder = Parameters<Parameters<typeof builder.inputType>[1]["fields"]>[0];

const FIELD = {
  workspaceId: "Required with an account API key; with a workspace key, omit it or give that workspace.",
  firstName: "Trimmed; empty counts as not given; at most 255 characters.",
  lastName: "Trimmed; empty counts as not given; at most 255 characters.",
  email: "Trimmed, then a valid address (one @, a domain with a dot, no spaces, at most 254). Stored lowercased.",
  phone: "E.164 only (`+` and digits, at most 15, a possible number). Spaces or national formats are refused.",
  tags: "Tag names to add (trimmed, 1 to 255 characters, at most 100 distinct). New names are created.",
  customFields:
    'Values keyed by the workspace\'s custom variable names, exactly as defined, at most 500 keys. A value is a string, number, boolean or null (null clears), at most 65,535 characters as text. A number is read as a JSON number (a 64-bit float) before the server sees it: 12345678901234567890 is stored as "12345678901234567000". Send a string to keep every digit.',
};

/** The fields CreateContactInput and UpsertContactInput declare alike. */
const workspaceContactFields = (t: InputFieldBuilder) => ({
  workspaceId: t.id({ required: false, description: FIELD.workspaceId }),
  firstName: t.string({ required: false, description: FIELD.firstName }),
  lastName: t.string({ required: false, description: FIELD.lastName }),
  email: t.string({ required: false, description: FIELD.email }),
  phone: t.string({ required: false, description: FIELD.phone }),
});

// Each input type enforces the field rules (src/contacts/rules/, composed in contact-input.ts), so a
// resolver only runs with parsed values. A refused input is answered by the field's onInvalidInput,
// which adds the rules that need the workspace (its custom variable names) to the same answer.
const CreateContactInput = builder
  .inputType("CreateContactInput", {
    description: "A new contact. Every field is optional; unknown fields are refused.",
    fields: (t) => ({
      ...workspaceContactFields(t),
      timezone: t.string({
        required: false,
        description:
          "An IANA zone name spelled as the tz database does. When omitted: the phone's zone if its prefix maps to exactly one (names the tz database links to one zone, such as Europe/London and Europe/Jersey, count as that zone, stored by its canonical name), else the workspace default, else null.",
      }),
      tags: t.stringList({ required: false, description: FIELD.tags }),
      customFields: t.field({ type: "JSONObject", required: false, description: FIELD.customFields }),
    }),
  })
  .validate(createContactInputSchema);

const UpsertContactInput = builder
  .inputType("UpsertContactInput", {
    description:
      "A contact matched by phone first, then by email (live contacts only); created when nothing matches. At least one of phone and email is required.",
    fields: (t) => ({
      ...workspaceContactFields(t),
      timezone: t.string({
        required: false,
        description:
          "An IANA zone name. Derived from the phone only when the upsert creates; a match keeps its timezone unless one is given.",
      }),
      tags: t.stringList({ required: false, description: `${FIELD.tags} Tags are never removed by an upsert.` }),
      customFields: t.field({ type: "JSONObject", required: false, description: FIELD.customFields }),
      preserveExisting: t.boolean({
        required: false,
        description:
          "On a match: false (default) overwrites every field and custom value given; true only fills what is empty and never changes a stored value.",
      }),
    }),
  })
  .validate(upsertContactInputSchema);

const UpdateContactInput = builder
  .inputType("UpdateContactInput", {
    description: "The fields to change: an omitted field stays, null clears it. At least one field must be given.",
    fields: (t) => ({
      firstName: t.string({ required: false, description: `${FIELD.firstName} null clears it.` }),
      lastName: t.string({ required: false, description: `${FIELD.lastName} null clears it.` }),
      email: t.string({ required: false, description: `${FIELD.email} null clears it.` }),
      phone: t.string({
        required: false,
        description: `${FIELD.phone} null clears it. Changing the phone does not change the timezone.`,
      }),
      timezone: t.string({ required: false, description: "An IANA zone name; null clears it." }),
      tags: t.stringList({ required: false, description: FIELD.tags }),
      removeTags: t.stringList({
        required: false,
        description:
          "Tag names to remove from the contact; one it lacks is ignored. A name also in `tags` ends up removed.",
      }),
      customFields: t.field({ type: "JSONObject", required: false, description: FIELD.customFields }),
    }),
  })
  .validate(updateContactInputSchema);

builder.mutationField("createContact", (t) =>
  t.field({
    type: ContactRef,
    description: "Creates a contact, its new tags and its custom values in one transaction, or nothing at all.",
    args: { input: t.arg({ type: CreateContactInput, required: true, description: "The contact to create." }) },
    errors: {
      types: [ValidationFailed, ContactConflictError, ForbiddenError],
      union: { name: "CreateContactResult", description: "The created contact, or why nothing was created." },
      result: { name: "CreateContactSuccess", description: "The contact was created." },
      dataField: { name: "contact", description: "The new contact." },
    },
    extensions: onInvalidInput((issues, args: { input: CreateContactFields }, context: GraphQLContext) =>
      rejectWorkspaceContactInput(context.prisma, callerOf(context), args.input, issues),
    ),
    authScopes: { "contacts:write": true },
    resolve: (_root, { input }, context) => createParsedContact(context.prisma, callerOf(context), input),
  }),
);

const UpsertContactSuccess = builder.objectRef<UpsertResult>("UpsertContactSuccess").implement({
  description: "The contact was created or updated.",
  fields: (t) => ({
    contact: t.field({ type: ContactRef, description: "The contact as it is now.", resolve: (r) => r.contact }),
    created: t.exposeBoolean("created", { description: "True when no live contact matched and one was created." }),
  }),
});

builder.mutationField("upsertContact", (t) =>
  t.field({
    type: UpsertContactSuccess,
    description:
      "Creates or updates the live contact with this phone (first) or email. Racing upserts of one new contact end with one contact, never a conflict with each other.",
    args: { input: t.arg({ type: UpsertContactInput, required: true, description: "The contact." }) },
    errors: {
      directResult: true,
      types: [ValidationFailed, ContactConflictError, ForbiddenError],
      union: { name: "UpsertContactResult", description: "The created or updated contact, or why nothing changed." },
    },
    extensions: onInvalidInput((issues, args: { input: UpsertContactFields }, context: GraphQLContext) =>
      rejectWorkspaceContactInput(context.prisma, callerOf(context), args.input, issues),
    ),
    authScopes: { "contacts:write": true },
    resolve: (_root, { input }, context) => upsertParsedContact(context.prisma, callerOf(context), input),
  }),
);

builder.mutationField("updateContact", (t) =>
  t.field({
    type: ContactRef,
    description: "Changes the fields given of a live contact; nothing changes when any rule fails.",
    args: {
      id: t.arg.id({ required: true, description: "The contact's id." }),
      input: t.arg({ type: UpdateContactInput, required: true, description: "What to change." }),
    },
    errors: {
      types: [ValidationFailed, ContactConflictError, NotFoundError, ForbiddenError],
      union: { name: "UpdateContactResult", description: "The updated contact, or why nothing changed." },
      result: { name: "UpdateContactSuccess", description: "The contact was updated." },
      dataField: { name: "contact", description: "The contact as it is now." },
    },
    extensions: onInvalidInput((issues, args: { id: string; input: UpdateContactFields }, context: GraphQLContext) =>
      rejectUpdateInput(context.prisma, callerOf(context), args.id, args.input, issues),
    ),
    authScopes: { "contacts:write": true },
    resolve: (_root, { id, input }, context) => updateParsedContact(context.prisma, callerOf(context), id, input),
  }),
);

builder.mutationField("deleteContact", (t) =>
  t.field({
    type: "ID",
    description: "Soft-deletes a contact: it leaves every read, keeps its data, and frees its email and phone.",
    args: { id: t.arg.id({ required: true, description: "The contact's id." }) },
    errors: {
      types: [NotFoundError, ForbiddenError],
      union: { name: "DeleteContactResult", description: "The deleted contact's id, or why nothing was deleted." },
      result: { name: "DeleteContactSuccess", description: "The contact was deleted." },
      dataField: { name: "deletedContactId", description: "The id of the contact that was deleted." },
    },
    authScopes: { "contacts:write": true },
    resolve: (_root, { id }, context) => deleteContact(context.prisma, callerOf(context), id),
  }),
);
