import { z } from "zod";
import { type IssueSink, ruleSchema } from "../../errors/validation-issues.js";

export const MAX_TAG_LENGTH = 255;
export const MAX_TAGS_PER_REQUEST = 100;

/**
 * Tag names as given: each trimmed, 1 to 255 characters, duplicates (after trimming) collapsed,
 * case kept (`VIP` and `vip` are two tags), at most 100 distinct names.
 */
export function normalizeTagNames(values: readonly string[], path: string, issues: IssueSink): string[] {
  const names = new Set<string>();
  values.forEach((value, index) => {
    const name = value.trim();
    if (name === "") {
      issues.add([path, index], "EMPTY", "A tag name must not be empty");
    } else if (name.length > MAX_TAG_LENGTH) {
      issues.add([path, index], "TOO_LONG", `A tag name must be at most ${MAX_TAG_LENGTH} characters`);
    } else {
      names.add(name);
    }
  });
  if (names.size > MAX_TAGS_PER_REQUEST) {
    issues.add([path], "TOO_MANY", `At most ${MAX_TAGS_PER_REQUEST} distinct tags per request`);
  }
  return [...names];
}

/** The tag rule as a schema per list (tags to add, tags to remove): the distinct trimmed names. */
export const TAG_NAMES_SCHEMAS = {
  tags: ruleSchema(z.array(z.string()), "tags", (values, issues) => normalizeTagNames(values, "tags", issues)),
  removeTags: ruleSchema(z.array(z.string()), "removeTags", (values, issues) =>
    normalizeTagNames(values, "removeTags", issues),
  ),
};

const caseInsensitive = new Intl.Collator("en", { sensitivity: "base" });

/**
 * The order in which names are returned: case-insensitive first, then plain code-unit order to
 * break ties, so `VIP` comes just before `vip`. Used for tags and for custom values.
 */
export function compareNames(a: string, b: string): number {
  return caseInsensitive.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

export function sortByName<T extends { name: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compareNames(a.name, b.name));
}

/** Items of several workspaces: by name, then by workspace so that equal names keep one order. */
export function sortByNameAcrossWorkspaces<T extends { name: string; workspaceId: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compareNames(a.name, b.name) || a.workspaceId.localeCompare(b.workspaceId));
}
