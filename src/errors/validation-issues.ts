/**
 * Validation issues are collected rather than thrown one by one, so that one request learns about
 * every broken rule at once, each with the path of the input value that broke it. The field rules
 * are also zod schemas (`ruleSchema`), so that GraphQL input types and any other front end run the
 * same rules; the rules that need the database add to the same list afterwards.
 */
import { z } from "zod";
import { ValidationFailed } from "./domain-errors.js";

export const VALIDATION_ISSUE_CODES = {
  REQUIRED: "A value is required here.",
  INVALID_ID: "Not a well-formed id (a UUID).",
  INVALID_SCOPE: "Not a scope an API key can have (contacts:read, contacts:write, workspace:admin).",
  INVALID_EMAIL: "Not a syntactically valid email address.",
  INVALID_PHONE: "Not a possible phone number in E.164 form (+ country code and digits only).",
  INVALID_TIMEZONE: "Not an IANA time zone name as the tz database spells it.",
  TOO_LONG: "Longer than the maximum length.",
  EMPTY: "Empty after trimming.",
  TOO_MANY: "More items than the maximum allowed.",
  UNKNOWN_CUSTOM_FIELD: "No custom variable of this workspace has this name.",
  INVALID_VALUE_TYPE: "A custom value must be a string, a number, a boolean or null.",
  OUT_OF_RANGE: "A number outside the allowed range.",
  INVALID_CURSOR: "A cursor that this API did not hand out.",
  NO_FIELDS: "At least one field must be given.",
  NOT_APPLICABLE: "An option that does not apply with the other values given.",
} as const;

export type ValidationIssueCode = keyof typeof VALIDATION_ISSUE_CODES;

export interface ValidationIssue {
  path: string[];
  message: string;
  code: ValidationIssueCode;
}

/** Issues one answer lists at most: a request of a megabyte could otherwise break a rule per value. */
export const MAX_ISSUES = 100;

/** Where a rule records what it refuses: an IssueCollector, or a zod schema's context. */
export interface IssueSink {
  add(path: (string | number)[], code: ValidationIssueCode, message: string): void;
}

export class IssueCollector implements IssueSink {
  readonly issues: ValidationIssue[] = [];
  /** How many issues were found, those past MAX_ISSUES included. */
  private found = 0;

  add(path: (string | number)[], code: ValidationIssueCode, message: string): void {
    this.found += 1;
    if (this.issues.length < MAX_ISSUES) this.issues.push({ path: path.map(String), code, message });
  }

  /** Every issue of a list, in order (the cap applies as to `add`). */
  addAll(issues: readonly ValidationIssue[]): void {
    for (const issue of issues) this.add(issue.path, issue.code, issue.message);
  }

  /** Every collected issue together (the first MAX_ISSUES of them), or null when there is none. */
  failure(): ValidationFailed | null {
    return this.found > 0 ? new ValidationFailed(this.issues, this.found) : null;
  }

  /** Throws `failure()`, if there is one. */
  throwIfAny(): void {
    const failure = this.failure();
    if (failure) throw failure;
  }

  /** The same, where some rule is known to have failed: a path that ends in a ValidationError. */
  throwAll(): never {
    this.throwIfAny();
    throw new Error("A failed input was reported without an issue");
  }
}

/**
 * Input that its GraphQL input type refused (plugin-validation's validationError hook throws this),
 * before any rule that needs the database ran. `issues` lists every one, uncapped, so that a field
 * can add its database rules and still cap the whole list once (see src/schema/invalid-input.ts).
 */
export class InvalidInput extends Error {
  constructor(readonly issues: ValidationIssue[]) {
    super("The input type refused the input");
  }

  /** As a client sees it when nothing else is to be checked. */
  toValidationFailed(): ValidationFailed {
    const collector = new IssueCollector();
    collector.addAll(this.issues);
    return new ValidationFailed(collector.issues, this.issues.length);
  }
}

/**
 * Our issues travel through zod as one custom issue per schema run, carrying the whole list in its
 * params: zod, and plugin-validation after it, copy every issue they get, and a list of a few hundred
 * thousand bad items (within the body limit) then cost seconds of CPU and overflowed a spread.
 */
interface IssueBatch {
  issues: ValidationIssue[];
}

function addBatch(
  context: { addIssue(issue: { code: "custom"; message: string; path: PropertyKey[]; params: IssueBatch }): void },
  issues: ValidationIssue[],
): void {
  const first = issues[0];
  if (first) context.addIssue({ code: "custom", message: first.message, path: [], params: { issues } });
}

/**
 * A rule written against an IssueSink, as a zod schema: its output is the rule's result, and the
 * issues it records (our codes and messages) are one batch. The rule records paths that start with
 * `field`; the batch's paths are relative to the value, as zod's are.
 */
export function ruleSchema<In, Out>(input: z.ZodType<In>, field: string, rule: (value: In, issues: IssueSink) => Out) {
  return input.transform((value, context) => {
    const issues: ValidationIssue[] = [];
    const output = rule(value, {
      add(path, code, message) {
        if (path[0] !== field) throw new Error(`The ${field} rule recorded an issue at ${path.join(".")}`);
        issues.push({ path: path.slice(1).map(String), code, message });
      },
    });
    addBatch(context, issues);
    return output;
  });
}

/**
 * An input type's whole schema from a function that runs the field schemas (`fieldValue`) and the
 * rules across fields in the order their issues are to be listed. (plugin-validation stops at the
 * first field whose own schema fails, so per-field `validate` options would lose the other issues.)
 */
export function inputSchema<In, Out>(rule: (input: In, issues: IssueSink) => Out) {
  return z.custom<In>().transform((input, context) => {
    const issues: ValidationIssue[] = [];
    const output = rule(input, {
      add(path, code, message) {
        issues.push({ path: path.map(String), code, message });
      },
    });
    addBatch(context, issues);
    return output;
  });
}

/** A field's value through its schema: the output, or undefined after its issues went to `issues` under `field`. */
export function fieldValue<Out>(
  schema: z.ZodType<Out>,
  field: string,
  value: unknown,
  issues: IssueSink,
): Out | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of validationIssuesOf(result.error.issues))
    issues.add([field, ...issue.path], issue.code, issue.message);
  return undefined;
}

/** An input through its schema: the parsed value, or every issue. */
export function checkInput<Out>(
  schema: z.ZodType<Out>,
  input: unknown,
): { value: Out; issues?: undefined } | { issues: ValidationIssue[] } {
  const result = schema.safeParse(input);
  return result.success ? { value: result.data } : { issues: validationIssuesOf(result.error.issues) };
}

type SchemaIssue = {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
  readonly params?: unknown;
};

/** A schema's issues as ours: each batch's issues, under the path zod gave the batch. */
export function validationIssuesOf(schemaIssues: readonly SchemaIssue[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const schemaIssue of schemaIssues) {
    const batch = (schemaIssue.params as Partial<IssueBatch> | undefined)?.issues;
    // Only ruleSchema and inputSchema make issues; another one means a schema was built without its rule.
    if (!batch) throw new Error(`A schema issue without our issues: ${schemaIssue.message}`);
    const prefix = (schemaIssue.path ?? []).map((segment) =>
      String(typeof segment === "object" ? segment.key : segment),
    );
    for (const issue of batch) issues.push(prefix.length ? { ...issue, path: [...prefix, ...issue.path] } : issue);
  }
  return issues;
}
