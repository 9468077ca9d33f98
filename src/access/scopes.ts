import { ValidationFailed } from "../errors/domain-errors.js";

/**
 * What an API key may do in the workspaces it reaches. Each root field declares the one it needs
 * (`authScopes`, enforced by @pothos/plugin-scope-auth); introspection and `__typename` need none.
 */
export const API_SCOPES = ["contacts:read", "contacts:write", "workspace:admin"] as const;

export type ApiScope = (typeof API_SCOPES)[number];

/** What each scope is for, in the admin command line's help (the fields each root field names itself). */
export const SCOPE_PURPOSES: Record<ApiScope, string> = {
  "contacts:read": "every query",
  "contacts:write": "creating, upserting, updating and deleting contacts",
  "workspace:admin": "custom variables and workspace settings",
};

export function isApiScope(value: string): value is ApiScope {
  return (API_SCOPES as readonly string[]).includes(value);
}

/**
 * The scopes a comma-separated list names, each once, in API_SCOPES order. A list that names no
 * scope, or one we do not have, is refused, naming the scopes there are.
 */
export function parseScopes(list: string): ApiScope[] {
  const names = list
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  const unknown = names.filter((name) => !isApiScope(name));
  if (names.length === 0 || unknown.length > 0) {
    const what =
      names.length === 0 ? "No scope given" : `Unknown scope ${unknown.map((name) => JSON.stringify(name)).join(", ")}`;
    throw new ValidationFailed([
      { path: ["scopes"], code: "INVALID_SCOPE", message: `${what}: give some of ${API_SCOPES.join(", ")}` },
    ]);
  }
  return API_SCOPES.filter((scope) => names.includes(scope));
}
