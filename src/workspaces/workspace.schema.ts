import { ForbiddenError, ValidationFailed } from "../errors/domain-errors.js";
import { builder } from "../schema/builder.js";
import { callerOf } from "../server/context.js";
import { findWorkspace, listWorkspaces, updateWorkspace, type WorkspaceRecord } from "./workspaces.service.js";

const WorkspaceRef = builder.objectRef<WorkspaceRecord>("Workspace").implement({
  description: "A workspace: the contacts, tags and custom variables of one team or product.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The workspace's id." }),
    accountId: t.exposeID("accountId", { description: "The account it belongs to." }),
    name: t.exposeString("name", { description: "Its name." }),
    defaultTimezone: t.exposeString("defaultTimezone", {
      nullable: true,
      description: "The timezone of a new contact whose timezone is neither given nor derivable from its phone.",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was created." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When it last changed." }),
  }),
});

const UpdateWorkspaceInput = builder.inputType("UpdateWorkspaceInput", {
  description: "The workspace fields to change; omitted fields stay.",
  fields: (t) => ({
    name: t.string({ required: false, description: "Trimmed, 1 to 255 characters." }),
    defaultTimezone: t.string({ required: false, description: "An IANA zone name; null clears it." }),
  }),
});

builder.queryField("workspace", (t) =>
  t.field({
    type: WorkspaceRef,
    nullable: true,
    description:
      "One workspace the key reaches; `id` may be omitted with a workspace key. Null when the key cannot reach it.",
    args: { id: t.arg.id({ required: false, description: "The workspace's id." }) },
    authScopes: { "contacts:read": true },
    resolve: (_root, { id }, context) => findWorkspace(context.prisma, callerOf(context), id),
  }),
);

builder.queryField("workspaces", (t) =>
  t.field({
    type: [WorkspaceRef],
    description: "Every workspace the key reaches (one for a workspace key), sorted by name.",
    authScopes: { "contacts:read": true },
    resolve: (_root, _args, context) => listWorkspaces(context.prisma, callerOf(context)),
  }),
);

builder.mutationField("updateWorkspace", (t) =>
  t.field({
    type: WorkspaceRef,
    description: "Renames a workspace or sets its default timezone.",
    args: {
      id: t.arg.id({ required: true, description: "The workspace's id." }),
      input: t.arg({ type: UpdateWorkspaceInput, required: true, description: "What to change." }),
    },
    errors: {
      types: [ValidationFailed, ForbiddenError],
      union: { name: "UpdateWorkspaceResult", description: "The updated workspace, or why not." },
      result: { name: "UpdateWorkspaceSuccess", description: "The workspace was updated." },
      dataField: { name: "workspace", description: "The workspace as it is now." },
    },
    authScopes: { "workspace:admin": true },
    resolve: (_root, { id, input }, context) => updateWorkspace(context.prisma, callerOf(context), id, input),
  }),
);
