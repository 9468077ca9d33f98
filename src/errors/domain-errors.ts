import type { ApiScope } from "../access/scopes.js";
/**
 * The failures a client can be told about. Domain functions throw these; the GraphQL layer exposes
 * each class as a typed member of a result union (src/errors/errors.schema.ts). Anything else thrown is
 * an internal error and reaches a client masked. Each `name` is the client-facing type name, which
 * is also what logs and metrics record as the request's outcome.
 */
import type { ValidationIssue } from "./validation-issues.js";

export class ValidationFailed extends Error {
  /** `found`: how many issues there were, when only the first `issues.length` are listed. */
  constructor(
    readonly issues: ValidationIssue[],
    found = issues.length,
  ) {
    super(
      found === 1
        ? "1 input value is invalid"
        : found > issues.length
          ? `${found} input values are invalid; the first ${issues.length} are listed`
          : `${found} input values are invalid`,
    );
    this.name = "ValidationError";
  }
}

export type ContactUniqueField = "EMAIL" | "PHONE";

export interface ContactConflict {
  field: ContactUniqueField;
  existingContactId: string;
}

export class ContactConflictError extends Error {
  constructor(readonly conflicts: ContactConflict[]) {
    const fields = conflicts.map((conflict) => conflict.field.toLowerCase()).join(" and ");
    super(`Another contact in this workspace already has this ${fields}`);
    this.name = "ConflictError";
  }
}

/** Worded the same whatever the reason, so that it reveals nothing about other tenants. */
export class ForbiddenError extends Error {
  /** Without a scope: the workspace is out of reach. With one: the key lacks that scope. */
  constructor(
    readonly missingScope: ApiScope | null = null,
    message = missingScope
      ? `This API key lacks the ${missingScope} scope`
      : "This API key may not access that workspace",
  ) {
    super(message);
    this.name = "ForbiddenError";
  }
}

export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
    this.name = "NotFoundError";
  }
}

export class CustomVariableConflictError extends Error {
  constructor(
    readonly variableName: string,
    readonly existingCustomVariableId: string,
  ) {
    super(`A custom variable named "${variableName}" already exists in this workspace`);
    this.name = "CustomVariableConflictError";
  }
}
