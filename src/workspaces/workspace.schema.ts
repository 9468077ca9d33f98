import { workspaceWhere } from "../access/workspace-access.js";
import { compareNames } from "../contacts/rules/tags.js";
import { ForbiddenError, ValidationFailed } from "../errors/domain-errors.js";
import { builder } from "../schema/builder.js";
import { callerOf } from "../server/context.js";
import { readableWorkspaceId, updateWorkspace } from "./workspaces.service.js";

const WorkspaceRef = builder.prismaObject("Workspace", {
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
  t.prismaField({
    type: "Workspace",
    nullable: true,
    description:
      "One workspace the key reaches; `id` may be omitted with a workspace key. Null when the key cannot reach it.",
    args: { id: t.arg.id({ required: false, description: "The workspace's id." }) },
    resolve: (query, _root, { id }, context) => {
      const caller = callerOf(context);
      const workspaceId = readableWorkspaceId(caller, id);
      if (!workspaceId) return null;
      return context.prisma.workspace.findFirst({
        ...query,
        where: { AND: [{ id: workspaceId }, workspaceWhere(caller)] },
      });
    },
  }),
);

builder.queryField("workspaces", (t) =>
  t.prismaField({
    type: ["Workspace"],
    description: "Every workspace the key reaches (one for a workspace key), sorted by name.",
    resolve: async (query, _root, _args, context) => {
      const workspaces = await context.prisma.workspace.findMany({
        ...query,
        where: workspaceWhere(callerOf(context)),
      });
      return workspaces.sort((a, b) => compareNames(a.name, b.name) || a.id.localeCompare(b.id));
    },
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
    resolve: async (_root, { id, input }, context) => {
      const workspaceId = await updateWorkspace(context.prisma, callerOf(context), id, input);
      return context.prisma.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
    },
  }),
);
