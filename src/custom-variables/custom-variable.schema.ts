import {
  CustomVariableConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationFailed,
} from "../errors/domain-errors.js";
import { builder } from "../schema/builder.js";
import { callerOf } from "../server/context.js";
import {
  type CustomVariableRecord,
  createCustomVariable,
  deleteCustomVariable,
  listCustomVariables,
  renameCustomVariable,
} from "./custom-variables.service.js";

const CustomVariableRef = builder.objectRef<CustomVariableRecord>("CustomVariable").implement({
  description: "A custom field of a workspace's contacts. Its display name is the key in `customFields`.",
  fields: (t) => ({
    id: t.exposeID("id", { description: "The custom variable's id." }),
    workspaceId: t.exposeID("workspaceId", { description: "The workspace it belongs to." }),
    name: t.exposeString("name", {
      description: "Display name: trimmed, 1 to 255 characters, unique in its workspace (case-sensitive).",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was defined." }),
  }),
});

const CreateCustomVariableInput = builder.inputType("CreateCustomVariableInput", {
  description: "A new custom variable.",
  fields: (t) => ({
    workspaceId: t.id({
      required: false,
      description: "Required with an account API key; with a workspace key, omit it or give that workspace.",
    }),
    name: t.string({ required: true, description: "Display name: trimmed, 1 to 255 characters." }),
  }),
});

builder.queryField("customVariables", (t) =>
  t.field({
    type: [CustomVariableRef],
    description:
      "The custom variables of a workspace (every reachable workspace's, for an account key that names none), sorted by name. Empty for a workspace the key cannot reach.",
    args: { workspaceId: t.arg.id({ required: false, description: "Narrow to one workspace." }) },
    authScopes: { "contacts:read": true },
    resolve: (_root, { workspaceId }, context) => listCustomVariables(context.prisma, callerOf(context), workspaceId),
  }),
);

builder.mutationField("createCustomVariable", (t) =>
  t.field({
    type: CustomVariableRef,
    description: "Defines a custom variable; its name can be used as a `customFields` key at once.",
    args: { input: t.arg({ type: CreateCustomVariableInput, required: true, description: "The variable." }) },
    errors: {
      types: [ValidationFailed, CustomVariableConflictError, ForbiddenError],
      union: { name: "CreateCustomVariableResult", description: "The new custom variable, or why not." },
      result: { name: "CreateCustomVariableSuccess", description: "The custom variable was defined." },
      dataField: { name: "customVariable", description: "The new custom variable." },
    },
    authScopes: { "workspace:admin": true },
    resolve: (_root, { input }, context) => createCustomVariable(context.prisma, callerOf(context), input),
  }),
);

builder.mutationField("renameCustomVariable", (t) =>
  t.field({
    type: CustomVariableRef,
    description: "Renames a custom variable. Stored values stay, and the new name is the `customFields` key at once.",
    args: {
      id: t.arg.id({ required: true, description: "The custom variable's id." }),
      name: t.arg.string({ required: true, description: "The new display name: trimmed, 1 to 255 characters." }),
    },
    errors: {
      types: [ValidationFailed, CustomVariableConflictError, NotFoundError, ForbiddenError],
      union: { name: "RenameCustomVariableResult", description: "The renamed custom variable, or why not." },
      result: { name: "RenameCustomVariableSuccess", description: "The custom variable was renamed." },
      dataField: { name: "customVariable", description: "The custom variable with its new name." },
    },
    authScopes: { "workspace:admin": true },
    resolve: (_root, { id, name }, context) => renameCustomVariable(context.prisma, callerOf(context), id, name),
  }),
);

builder.mutationField("deleteCustomVariable", (t) =>
  t.field({
    type: "ID",
    description: "Deletes a custom variable and every contact value stored under it.",
    args: { id: t.arg.id({ required: true, description: "The custom variable's id." }) },
    errors: {
      types: [NotFoundError, ForbiddenError],
      union: { name: "DeleteCustomVariableResult", description: "The deleted variable's id, or why not." },
      result: { name: "DeleteCustomVariableSuccess", description: "The custom variable and its values were deleted." },
      dataField: { name: "deletedCustomVariableId", description: "The id of the deleted custom variable." },
    },
    authScopes: { "workspace:admin": true },
    resolve: (_root, { id }, context) => deleteCustomVariable(context.prisma, callerOf(context), id),
  }),
);
