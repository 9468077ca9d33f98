import type { CombinedError, ValidationIssue } from "@contacts-api/client";
import { TokenRequestError } from "./token.ts";

/** Where a validation issue is shown: the key of a form field, or "form" for the others. */
export function fieldKey(path: readonly string[]): string {
  const [first, second] = path;
  if (first === "customFields" && second !== undefined) return `customFields.${second}`;
  if (first === "firstName" || first === "lastName" || first === "email" || first === "phone") return first;
  if (first === "timezone" || first === "tags") return first;
  return "form";
}

/** The messages of a `ValidationError`, by the field they are shown under. */
export function issuesByField(issues: readonly ValidationIssue[]): Map<string, string[]> {
  const byField = new Map<string, string[]>();
  for (const issue of issues) {
    const key = fieldKey(issue.path);
    byField.set(key, [...(byField.get(key) ?? []), issue.message]);
  }
  return byField;
}

/** A sentence for what the contract does not type: the token URL, the network, a refused token. */
export function describeRequestError(error: CombinedError, apiUrl: string): string {
  if (error.networkError instanceof TokenRequestError)
    return `${error.networkError.message}. Check the token URL in the settings.`;
  if (error.graphQLErrors.some((e) => e.extensions?.code === "UNAUTHENTICATED")) {
    return "The API refused the token, even a fresh one. Check the token URL in the settings.";
  }
  if (error.networkError) return `Cannot reach the API at ${apiUrl}: ${error.networkError.message}`;
  return error.graphQLErrors.map((e) => e.message).join(" ") || error.message;
}
