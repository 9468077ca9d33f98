import { builder } from "../schema/builder.js";
import {
  type ContactConflict,
  ContactConflictError,
  CustomVariableConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationFailed,
} from "./domain-errors.js";
import { VALIDATION_ISSUE_CODES, type ValidationIssue } from "./validation-issues.js";

export const ErrorInterface = builder.interfaceRef<Error>("Error").implement({
  description: "Every typed failure implements this: a sentence a person can read.",
  fields: (t) => ({
    message: t.exposeString("message", { description: "What went wrong, in plain words." }),
  }),
});

export const ValidationIssueCodeEnum = builder.enumType("ValidationIssueCode", {
  description: "Why one input value was refused.",
  values: Object.fromEntries(
    Object.entries(VALIDATION_ISSUE_CODES).map(([code, description]) => [code, { description }]),
  ) as Record<keyof typeof VALIDATION_ISSUE_CODES, { description: string }>,
});

const ValidationIssueRef = builder.objectRef<ValidationIssue>("ValidationIssue").implement({
  description: "One broken rule, at one place in the input.",
  fields: (t) => ({
    path: t.exposeStringList("path", {
      description: 'Where in the input, e.g. ["email"], ["tags", "2"] or ["customFields", "Lead Source"].',
    }),
    message: t.exposeString("message", { description: "What the rule requires." }),
    code: t.field({ type: ValidationIssueCodeEnum, description: "The rule, as a code.", resolve: (i) => i.code }),
  }),
});

builder.objectType(ValidationFailed, {
  name: "ValidationError",
  description: "The input broke one or more rules; every broken rule is listed. Nothing was written.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    issues: t.field({
      type: [ValidationIssueRef],
      description: "One entry per broken rule.",
      resolve: (e) => e.issues,
    }),
  }),
});

const ContactUniqueFieldEnum = builder.enumType("ContactUniqueField", {
  description: "A contact field that is unique among a workspace's live contacts.",
  values: {
    EMAIL: { description: "The email address (compared lowercased)." },
    PHONE: { description: "The E.164 phone number." },
  } as const,
});

const ContactConflictRef = builder.objectRef<ContactConflict>("ContactConflict").implement({
  description: "A unique field already held by another live contact.",
  fields: (t) => ({
    field: t.field({ type: ContactUniqueFieldEnum, description: "The colliding field.", resolve: (c) => c.field }),
    existingContactId: t.exposeID("existingContactId", { description: "The live contact that holds the value." }),
  }),
});

builder.objectType(ContactConflictError, {
  name: "ConflictError",
  description: "Another live contact of the workspace already has this email and/or phone. Nothing was written.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    conflicts: t.field({
      type: [ContactConflictRef],
      description: "Every colliding field, with the contact that holds it.",
      resolve: (e) => e.conflicts,
    }),
  }),
});

builder.objectType(ForbiddenError, {
  name: "ForbiddenError",
  description:
    "The API key may not do this: it lacks the scope the field needs (`missingScope`), or it may not reach that workspace (another account's, another workspace of a workspace key, or none at all: the message is the same).",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    missingScope: t.exposeString("missingScope", {
      nullable: true,
      description: "The scope the key lacks (`contacts:write`, say); null when the workspace is out of reach.",
    }),
  }),
});

builder.objectType(NotFoundError, {
  name: "NotFoundError",
  description: "No such thing that this API key can see (it may not exist, be deleted, or belong to another tenant).",
  interfaces: [ErrorInterface],
});

builder.objectType(CustomVariableConflictError, {
  name: "CustomVariableConflictError",
  description: "The workspace already has a custom variable with this exact name. Nothing was written.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    existingCustomVariableId: t.exposeID("existingCustomVariableId", {
      description: "The custom variable that has the name.",
    }),
  }),
});
