import { type DocumentNode, GraphQLError, Kind, visit } from "graphql";
import type { Plugin, YogaInitialContext } from "graphql-yoga";

/**
 * No input of this API nests deeper than a few levels (`input.customFields.<name>`); deeper values
 * are refused before code that walks them recursively (hashing for Idempotency-Key) runs out of stack.
 */
export const MAX_VARIABLE_DEPTH = 32;

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Text PostgreSQL can store: no NUL character (a text value cannot hold one: the statement fails)
 * and no unpaired UTF-16 surrogate (not Unicode: the driver would store U+FFFD instead, so what is
 * stored would differ from what was sent and returned). JSON and GraphQL escapes can carry both.
 */
export function isStorableText(value: string): boolean {
  return !value.includes("\u0000") && !UNPAIRED_SURROGATE.test(value);
}

type Problem = { code: "INVALID_TEXT" | "VARIABLES_TOO_DEEP" | "EXTENSIONS_TOO_DEEP"; where: string };

/** The first problem in a variables object: unstorable text (in values or keys), or too deep a nesting. */
function findProblem(variables: unknown): Problem | null {
  return walk(variables, "", "VARIABLES_TOO_DEEP", true);
}

/**
 * Walks a JSON value without recursion (its depth is what is being checked): the first value nested
 * deeper than MAX_VARIABLE_DEPTH, or with `checkText`, the first unstorable text.
 */
function walk(root: unknown, rootPath: string, deepCode: Problem["code"], checkText: boolean): Problem | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: rootPath, depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    if (typeof value === "string") {
      if (checkText && !isStorableText(value)) return { code: "INVALID_TEXT", where: path };
    } else if (typeof value === "object" && value !== null) {
      if (depth > MAX_VARIABLE_DEPTH) return { code: deepCode, where: path };
      if (Array.isArray(value)) {
        value.forEach((item, index) => {
          stack.push({ value: item, path: `${path}[${index}]`, depth: depth + 1 });
        });
      } else {
        for (const [key, item] of Object.entries(value)) {
          if (checkText && !isStorableText(key))
            return { code: "INVALID_TEXT", where: `a key in ${path || "the variables"}` };
          stack.push({ value: item, path: path ? `${path}.${key}` : `$${key}`, depth: depth + 1 });
        }
      }
    }
  }
  return null;
}

/** Documents already checked: Yoga hands the same parsed document to every request with the same query. */
const checkedDocuments = new WeakMap<DocumentNode, boolean>();

function documentHasUnstorableText(document: DocumentNode): boolean {
  let found = checkedDocuments.get(document);
  if (found === undefined) {
    found = visitForUnstorableText(document);
    checkedDocuments.set(document, found);
  }
  return found;
}

function visitForUnstorableText(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.STRING]: (node) => {
      if (!isStorableText(node.value)) found = true;
    },
  });
  return found;
}

const MESSAGES: Record<Problem["code"], string> = {
  INVALID_TEXT: "Text that cannot be stored (a NUL character or an unpaired UTF-16 surrogate) in",
  VARIABLES_TOO_DEEP: `Variables nested deeper than ${MAX_VARIABLE_DEPTH} levels at`,
  EXTENSIONS_TOO_DEEP: `Extensions nested deeper than ${MAX_VARIABLE_DEPTH} levels at`,
};

const REFUSAL_CODES = new Set(Object.keys(MESSAGES));

function refusal({ code, where }: Problem): GraphQLError {
  return new GraphQLError(`${MESSAGES[code]} ${where}`, { extensions: { code, http: { status: 400, spec: false } } });
}

/**
 * Refuses with HTTP 400 and a code, before anything runs, a request whose variables or string
 * literals hold text no text column can store (INVALID_TEXT: a NUL reached the database and failed
 * the request with an internal error), or whose variables or extensions nest absurdly deep
 * (VARIABLES_TOO_DEEP, EXTENSIONS_TOO_DEEP). The query's depth is the abuse limits' concern, and
 * Yoga accepts only a string as operationName, so this bounds the whole body.
 */
export function useInputGuard(): Plugin<YogaInitialContext> {
  return {
    onParams({ params, setResult }) {
      const problem =
        findProblem(params.variables ?? null) ??
        walk(params.extensions ?? null, "extensions", "EXTENSIONS_TOO_DEEP", false);
      if (problem) setResult({ errors: [refusal(problem)] });
    },
    onParse() {
      return ({ result, replaceParseResult }) => {
        if (result && !(result instanceof Error) && documentHasUnstorableText(result as DocumentNode)) {
          replaceParseResult(refusal({ code: "INVALID_TEXT", where: "a string of the query" }));
        }
      };
    },
    // Yoga marks every parse error as a spec error after the fact (200 to application/json
    // clients): keep the 400, as for the abuse limits.
    onResultProcess({ result }) {
      for (const single of Array.isArray(result) ? result : [result]) {
        for (const error of ("errors" in single && single.errors) || []) {
          const http = error.extensions?.http as { spec?: boolean } | undefined;
          if (http && REFUSAL_CODES.has(String(error.extensions?.code))) http.spec = false;
        }
      }
    },
  };
}
