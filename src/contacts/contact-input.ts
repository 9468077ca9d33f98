import { checkWorkspaceIdFormat } from "../access/workspace-access.js";
import { fieldValue, type IssueSink, inputSchema } from "../errors/validation-issues.js";
import { type CustomValueText, customFieldsSchema } from "./rules/custom-fields.js";
import { emailSchema } from "./rules/email.js";
import { isBlankName, NAME_SCHEMAS } from "./rules/names.js";
import { phoneSchema } from "./rules/phone.js";
import { TAG_NAMES_SCHEMAS } from "./rules/tags.js";
import { timezoneSchema } from "./rules/timezone.js";

/** The contact fields a create, an upsert or an update may carry, as the caller sent them. */
export interface ContactFieldsInput {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  timezone?: string | null;
  tags?: readonly string[] | null;
  customFields?: Record<string, unknown> | null;
}

export interface WorkspaceContactInput extends ContactFieldsInput {
  workspaceId?: string | null;
}

export interface CreateContactInput extends WorkspaceContactInput {}

export interface UpsertContactInput extends WorkspaceContactInput {
  /** Only fill what is empty; never change a stored field or custom value. */
  preserveExisting?: boolean | null;
}

export interface UpdateContactInput extends ContactFieldsInput {
  removeTags?: readonly string[] | null;
}

/**
 * The scalar fields after their rules: a key that is absent was not given, null clears the field
 * (or, on a create, stores nothing), and a string is the value to store.
 */
export interface ContactFieldValues {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  timezone?: string | null;
}

/** The fields once every rule that needs no database passed. */
export interface ParsedContactFields {
  values: ContactFieldValues;
  tagNames: string[];
  /** Custom values as text, by the names given: the workspace's variables are matched later. */
  customValues: CustomValueText[];
}

export interface ParsedWorkspaceContactInput extends ParsedContactFields {
  /** A UUID when given: whether the caller reaches it is decided with the caller (targetWorkspaceId). */
  workspaceId?: string | null;
}

export interface ParsedUpsertInput extends ParsedWorkspaceContactInput {
  preserveExisting: boolean;
}

export interface ParsedUpdateInput extends ParsedContactFields {
  removeTagNames: string[];
}

/** The scalar fields and tags through their schemas, in the order their issues are listed. */
function parseScalarsAndTags(input: ContactFieldsInput, issues: IssueSink): Omit<ParsedContactFields, "customValues"> {
  const values: ContactFieldValues = {};
  for (const key of ["firstName", "lastName"] as const) {
    const given = input[key];
    if (given === null) values[key] = null;
    // An empty name after trimming counts as not given.
    else if (given !== undefined) {
      const name = fieldValue(NAME_SCHEMAS[key], key, given, issues);
      if (name != null) values[key] = name;
    }
  }
  for (const [key, schema] of [
    ["email", emailSchema],
    ["phone", phoneSchema],
    ["timezone", timezoneSchema],
  ] as const) {
    const given = input[key];
    if (given === null) values[key] = null;
    else if (given !== undefined) {
      const value = fieldValue(schema, key, given, issues);
      if (value != null) values[key] = value;
    }
  }
  const tagNames = input.tags ? (fieldValue(TAG_NAMES_SCHEMAS.tags, "tags", input.tags, issues) ?? []) : [];
  return { values, tagNames };
}

function parseCustomValues(input: ContactFieldsInput, issues: IssueSink): CustomValueText[] {
  if (!input.customFields) return [];
  return fieldValue(customFieldsSchema, "customFields", input.customFields, issues) ?? [];
}

/** What CreateContactInput enforces: every field rule. */
export const createContactInputSchema = inputSchema(
  (input: CreateContactInput, issues): ParsedWorkspaceContactInput => {
    checkWorkspaceIdFormat(input.workspaceId, issues);
    return {
      workspaceId: input.workspaceId,
      ...parseScalarsAndTags(input, issues),
      customValues: parseCustomValues(input, issues),
    };
  },
);

/** What UpsertContactInput enforces: the field rules, and a phone or an email to match on. */
export const upsertContactInputSchema = inputSchema((input: UpsertContactInput, issues): ParsedUpsertInput => {
  checkWorkspaceIdFormat(input.workspaceId, issues);
  const fields = parseScalarsAndTags(input, issues);
  if (input.phone == null && input.email == null) {
    issues.add(["phone"], "REQUIRED", "An upsert needs a phone or an email to match on");
    issues.add(["email"], "REQUIRED", "An upsert needs a phone or an email to match on");
  }
  return {
    workspaceId: input.workspaceId,
    ...fields,
    customValues: parseCustomValues(input, issues),
    preserveExisting: input.preserveExisting === true,
  };
});

const UPDATABLE = [
  "firstName",
  "lastName",
  "email",
  "phone",
  "timezone",
  "tags",
  "removeTags",
  "customFields",
] as const satisfies readonly (keyof UpdateContactInput)[];

/** What UpdateContactInput enforces: the field rules, and at least one field to change. */
export const updateContactInputSchema = inputSchema((input: UpdateContactInput, issues): ParsedUpdateInput => {
  const fields = parseScalarsAndTags(input, issues);
  // A blank name counts as not given, so it alone is no field to change.
  const isGiven = (key: (typeof UPDATABLE)[number]) => {
    const given = input[key];
    return (key === "firstName" || key === "lastName") && typeof given === "string"
      ? !isBlankName(given)
      : given !== undefined;
  };
  if (!UPDATABLE.some(isGiven)) {
    issues.add([], "NO_FIELDS", `Give at least one of: ${UPDATABLE.join(", ")}`);
  }
  const removeTagNames = input.removeTags
    ? (fieldValue(TAG_NAMES_SCHEMAS.removeTags, "removeTags", input.removeTags, issues) ?? [])
    : [];
  return { ...fields, removeTagNames, customValues: parseCustomValues(input, issues) };
});
