import type {
  ConflictErrorFieldsFragment,
  ContactFieldsFragment,
  ContactsQuery,
  CreateContactMutation,
  CreateCustomVariableMutation,
  CustomVariableFieldsFragment,
  DeleteContactMutation,
  DeleteCustomVariableMutation,
  ImportContactsMutation,
  RenameCustomVariableMutation,
  TagsQuery,
  UpdateContactMutation,
  UpsertContactMutation,
  ValidationErrorFieldsFragment,
} from "./generated/graphql.js";

/**
 * What each operation returns, named for the app. A mutation's result is the union of its success
 * and its typed errors, each with a literal `__typename`, so a `switch` on it narrows with no casts.
 */
export type CreateContactResult = CreateContactMutation["createContact"];
export type UpsertContactResult = UpsertContactMutation["upsertContact"];
export type UpdateContactResult = UpdateContactMutation["updateContact"];
export type DeleteContactResult = DeleteContactMutation["deleteContact"];
export type ImportContactsResult = ImportContactsMutation["importContacts"];
export type CreateCustomVariableResult = CreateCustomVariableMutation["createCustomVariable"];
export type RenameCustomVariableResult = RenameCustomVariableMutation["renameCustomVariable"];
export type DeleteCustomVariableResult = DeleteCustomVariableMutation["deleteCustomVariable"];

/** One row's answer in an `ImportContactsSuccess`: its `index` in the batch and its `outcome`. */
export type ImportRowResult = Extract<ImportContactsResult, { __typename: "ImportContactsSuccess" }>["results"][number];
/** What one row did: `ImportRowSuccess` (`created` or updated), or its `ValidationError` or `ConflictError`. */
export type ImportRowOutcome = ImportRowResult["outcome"];

/** A contact as every operation returns it. */
export type ContactDetails = ContactFieldsFragment;
/** One page of `contacts`, newest first. */
export type ContactsPage = ContactsQuery["contacts"];
export type CustomVariableDetails = CustomVariableFieldsFragment;
export type TagDetails = TagsQuery["tags"][number];
/** One broken rule of a `ValidationError`: `path` says which input field. */
export type ValidationIssue = ValidationErrorFieldsFragment["issues"][number];
/** One colliding field of a `ConflictError`, with the live contact that holds the value. */
export type ContactConflict = ConflictErrorFieldsFragment["conflicts"][number];
