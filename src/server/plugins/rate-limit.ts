import { type FieldNode, GraphQLError, Kind, type ValueNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { GraphQLContext } from "../context.js";
import type { RateLimiter, RequestKind } from "../rate-limit.js";
import { rootFieldsOf } from "./root-fields.js";

/**
 * Throttles each API key: a mutation takes one token from its write bucket per root field that
 * runs (15 aliased creates are 15 writes), a query one token from its read bucket, and each
 * importContacts also takes one token per row from the import-rows bucket. Over a limit: HTTP 429
 * with Retry-After and code RATE_LIMITED, and nothing runs. An operation asking for more than a
 * bucket's burst is refused with HTTP 400 (TOO_MANY_WRITES, TOO_MANY_IMPORT_ROWS) instead: no wait
 * would ever let it through, so a 429 would only invite retries; the client must split it.
 */
export function useRateLimits(limiter: RateLimiter): Plugin<GraphQLContext> {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const caller = (args.contextValue as GraphQLContext).caller;
      if (!caller) return;
      const root = rootFieldsOf(args);
      // A mutation of only `__typename` (or all skipped) still costs one write.
      const writes = root?.operation.operation === "mutation" ? Math.max(1, root.dataFields) : 0;
      const importRows = (root?.fields ?? [])
        .filter((field) => field.name === "importContacts")
        .reduce((sum, field) => sum + importRowCount(field.node, args.variableValues ?? {}), 0);
      const demands: [RequestKind, number][] =
        writes > 0
          ? [
              ["write", writes],
              ["importRows", importRows],
            ]
          : [["read", 1]];
      const decision = await limiter.consumeAll(caller, demands);
      if (decision.allowed) return;
      if ("burst" in decision) {
        const [code, what] =
          decision.kind === "importRows"
            ? ["TOO_MANY_IMPORT_ROWS", `imports ${importRows} rows`]
            : ["TOO_MANY_WRITES", `makes ${writes} writes`];
        setResultAndStopExecution({
          errors: [
            new GraphQLError(
              `This operation ${what}; an API key may make at most ${decision.burst} at once: split it`,
              { extensions: { code, http: { status: 400 } } },
            ),
          ],
        });
        return;
      }
      setResultAndStopExecution({
        errors: [
          new GraphQLError(`Rate limit exceeded: retry in ${decision.retryAfterSeconds} s`, {
            extensions: {
              code: "RATE_LIMITED",
              http: { status: 429, headers: { "Retry-After": String(decision.retryAfterSeconds) } },
            },
          }),
        ],
      });
    },
  };
}

/**
 * The rows an importContacts selection sends in `input.contacts`, literal or from variables, as sent:
 * a value execution will refuse counts what it holds (it runs nothing), a single row given without
 * a list counts one, as GraphQL reads it.
 */
function importRowCount(node: FieldNode, variables: Record<string, unknown>): number {
  const input = node.arguments?.find((argument) => argument.name.value === "input")?.value;
  const contactsOf = (value: ValueNode | undefined): unknown => {
    if (!value) return undefined;
    if (value.kind === Kind.VARIABLE) return (variables[value.name.value] as { contacts?: unknown } | null)?.contacts;
    if (value.kind !== Kind.OBJECT) return undefined;
    const contacts = value.fields.find((field) => field.name.value === "contacts")?.value;
    if (contacts?.kind === Kind.VARIABLE) return variables[contacts.name.value];
    return contacts?.kind === Kind.LIST ? contacts.values : contacts ? [contacts] : undefined;
  };
  const contacts = contactsOf(input);
  return Array.isArray(contacts) ? contacts.length : contacts == null ? 0 : 1;
}
