import { asGraphQLError } from "../errors/user-input-error.js";
import { builder } from "../schema/builder.js";
import { callerOf } from "../server/context.js";
import { READS_DATABASE } from "../server/plugins/database-turns.js";
import type { ContactRecord } from "./contact-record.js";
import { findContact } from "./find-contacts.js";
import { DEFAULT_PAGE_SIZE, listContacts, MAX_PAGE_SIZE } from "./list-contacts.js";
import { TagRef } from "./tag.schema.js";

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

const ContactFilter = builder.inputType("ContactFilter", {
  description: "Narrows a contact list; every condition given must hold.",
  fields: (t) => ({
    tag: t.string({
      required: false,
      description: "Has the tag with exactly this name (case-sensitive, at most 255 characters).",
    }),
    email: t.string({
      required: false,
      description: "Has exactly this email (compared case-insensitively, at most 254 characters).",
    }),
    phone: t.string({ required: false, description: "Has exactly this E.164 phone (at most 16 characters)." }),
    search: t.string({
      required: false,
      description:
        "Case-insensitive substring of the first name, last name or email: at most 100 characters after trimming (longer is a BAD_USER_INPUT error); blank counts as not given.",
    }),
  }),
});

const ContactConnection = builder.connectionObject(
  {
    type: ContactRef,
    name: "ContactConnection",
    description: "A page of contacts, newest first.",
    fields: (t) => ({
      totalCount: t.int({
        description: "How many contacts match, over all pages.",
        extensions: READS_DATABASE,
        resolve: (connection) => (connection as unknown as { totalCount: () => Promise<number> }).totalCount(),
      }),
    }),
  },
  { name: "ContactEdge", description: "A contact and the cursor of its position." },
);

builder.queryField("contact", (t) =>
  t.field({
    type: ContactRef,
    nullable: true,
    description: "One live contact by id; null when it does not exist, is deleted, or the key may not see it.",
    args: { id: t.arg.id({ required: true, description: "The contact's id." }) },
    authScopes: { "contacts:read": true },
    resolve: (_root, { id }, context) => findContact(context.prisma, callerOf(context), id),
  }),
);

builder.queryField("contacts", (t) =>
  t.field({
    type: ContactConnection,
    description:
      "Live contacts, newest first, paginated by cursor. An account key lists all its workspaces unless `workspaceId` narrows it; a workspace key lists its own. A workspace the key cannot reach gives an empty page.",
    args: {
      workspaceId: t.arg.id({ required: false, description: "Narrow to one workspace." }),
      first: t.arg.int({
        required: false,
        description: `Page size: default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE} (larger values are clamped to ${MAX_PAGE_SIZE}, negative ones to 0).`,
      }),
      after: t.arg.string({
        required: false,
        description: "The `endCursor` of the previous page. A cursor not from this API is a BAD_USER_INPUT error.",
      }),
      filter: t.arg({ type: ContactFilter, required: false, description: "Conditions on the contacts." }),
    },
    authScopes: { "contacts:read": true },
    resolve: (_root, args, context) =>
      asGraphQLError(async () => {
        const page = await listContacts(context.prisma, callerOf(context), args);
        const edges = page.contacts.map(({ contact, cursor }) => ({ node: contact, cursor }));
        return {
          edges,
          totalCount: page.totalCount,
          pageInfo: {
            hasNextPage: page.hasNextPage,
            hasPreviousPage: args.after != null,
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges.at(-1)?.cursor ?? null,
          },
        };
      }),
  }),
);
