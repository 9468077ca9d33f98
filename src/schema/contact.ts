import { builder } from "../builder.js";
import { callerOf } from "../context.js";
import type { ContactRecord } from "../domain/contacts/contact-record.js";
import { createContact } from "../domain/contacts/create-contact.js";
import { deleteContact } from "../domain/contacts/delete-contact.js";
import { findContact } from "../domain/contacts/find-contacts.js";
import { ContactConflictError, ForbiddenError, NotFoundError, ValidationFailed } from "../domain/errors.js";

export const TagRef = builder.objectRef<{ id: string; name: string }>("Tag").implement({
  description: "A label of a workspace's contacts. Names are case-sensitive: `VIP` and `vip` are two tags.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The tag's id." }),
    name: t.exposeString("name", { description: "The name, trimmed, 1 to 255 characters." }),
  }),
});

const CustomFieldValueRef = builder.objectRef<{ name: string; value: string }>("CustomFieldValue").implement({
  description: "A contact's value for one of the workspace's custom variables.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "The custom variable's display name." }),
    value: t.exposeString("value", { description: 'The value, always as text (`250` is stored as "250").' }),
  }),
});

export const ContactRef = builder.objectRef<ContactRecord>("Contact").implement({
  description: "A person in a workspace, to be called, reached or scheduled in their local time.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The contact's id." }),
    workspaceId: t.exposeID("workspaceId", { description: "The workspace the contact belongs to." }),
    firstName: t.exposeString("firstName", { nullable: true, description: "Trimmed; null when not given." }),
    lastName: t.exposeString("lastName", { nullable: true, description: "Trimmed; null when not given." }),
    email: t.exposeString("email", { nullable: true, description: "Lowercased; unique among live contacts." }),
    phone: t.exposeString("phone", { nullable: true, description: "E.164; unique among live contacts." }),
    timezone: t.exposeString("timezone", {
      nullable: true,
      description: "IANA zone: as given, else derived from the phone, else the workspace default, else null.",
    }),
    tags: t.field({
      type: [TagRef],
      description: "Sorted case-insensitively, ties broken by code-unit order (`VIP` before `vip`).",
      resolve: (contact) => contact.tags,
    }),
    customFields: t.field({
      type: [CustomFieldValueRef],
      description: "The contact's custom values, sorted by name like tags.",
      resolve: (contact) => contact.customFields,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the contact was created." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When the contact last changed." }),
  }),
});

const CreateContactInput = builder.inputType("CreateContactInput", {
  description: "A new contact. Every field is optional; unknown fields are refused.",
  fields: (t) => ({
    workspaceId: t.id({
      required: false,
      description: "Required with an account API key; with a workspace key, omit it or give that workspace.",
    }),
    firstName: t.string({
      required: false,
      description: "Trimmed; empty counts as not given; at most 255 characters.",
    }),
    lastName: t.string({ required: false, description: "Trimmed; empty counts as not given; at most 255 characters." }),
    email: t.string({
      required: false,
      description:
        "Trimmed, then a valid address (one @, a domain with a dot, no spaces, at most 254). Stored lowercased.",
    }),
    phone: t.string({
      required: false,
      description:
        "E.164 only (`+` and digits, at most 15, a possible number). Spaces or national formats are refused.",
    }),
    timezone: t.string({
      required: false,
      description: "An IANA zone name spelled as the tz database does. When omitted it is derived from the phone.",
    }),
    tags: t.stringList({
      required: false,
      description: "Tag names (trimmed, 1 to 255 characters, at most 100 distinct). New names are created.",
    }),
    customFields: t.field({
      type: "JSONObject",
      required: false,
      description:
        "Values keyed by the workspace's custom variable names, exactly as defined. A value is a string, number, boolean or null, at most 65,535 characters as text.",
    }),
  }),
});

builder.queryField("contact", (t) =>
  t.field({
    type: ContactRef,
    nullable: true,
    description: "One live contact by id; null when it does not exist, is deleted, or the key may not see it.",
    args: { id: t.arg.id({ required: true, description: "The contact's id." }) },
    resolve: (_root, { id }, context) => findContact(context.prisma, callerOf(context), id),
  }),
);

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
    resolve: (_root, { input }, context) => createContact(context.prisma, callerOf(context), input),
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
    resolve: (_root, { id }, context) => deleteContact(context.prisma, callerOf(context), id),
  }),
);
