import { useGraphQlJit } from "@envelop/graphql-jit";
import { buildExecutionContext, execute } from "@graphql-tools/executor";
import { type DocumentNode, type ExecutionResult, GraphQLError, type SourceLocation } from "graphql";
import type { Plugin } from "graphql-yoga";

/**
 * Executes each operation with graphql-jit: a document is compiled once into plain JavaScript
 * (cached with Yoga's parsed document), which builds its answer as plain objects: cheaper than
 * graphql-js's interpreter on a page's thousand-odd fields (figures in BENCHMARKS.md).
 *
 * Two differences from graphql-js are mended here, so that clients see none:
 * - graphql-jit's variable coercion lets through input fields that the schema does not have, so
 *   Yoga's executor first resolves the operation and coerces the variables as it always did; a
 *   request it refuses is answered by that executor, with the same errors and HTTP 400;
 * - graphql-jit's field errors carry `locations` but not the source positions from which Yoga
 *   rebuilds every error it sends (masked or not), so they are rebuilt as graphql-js errors.
 */
export function useCompiledExecution(): (Plugin | ReturnType<typeof useGraphQlJit>)[] {
  // Compiling costs several validations, so a document is compiled the second time it runs: a
  // client that sends a new document every time never pays it.
  // Yoga's parse cache hands the same document object to every request with the same text.
  const seen = new WeakSet<DocumentNode>();
  const enableIf = ({ document }: { document: DocumentNode }) => {
    if (seen.has(document)) return true;
    seen.add(document);
    return false;
  };
  // A document that cannot be compiled answers with its errors; nothing to log besides.
  return [asGraphQLJsWould, useGraphQlJit({}, { enableIf, onError: () => {} })];
}

const asGraphQLJsWould: Plugin = {
  onExecute({ args, setResultAndStopExecution }) {
    if (!("schema" in buildExecutionContext(args))) {
      setResultAndStopExecution(execute(args) as ExecutionResult);
      return;
    }
    return {
      onExecuteDone({ result, setResult }) {
        if (!("errors" in result) || !result.errors?.length) return;
        setResult({ ...result, errors: result.errors.map((error) => withSourcePositions(error, args.document)) });
      },
    };
  },
};

function withSourcePositions(error: GraphQLError, document: DocumentNode): GraphQLError {
  const source = document.loc?.source;
  if (error.nodes || error.positions || !error.locations?.length || !source) return error;
  const lineStarts = [0];
  for (const match of source.body.matchAll(/\r\n|[\n\r]/g)) lineStarts.push(match.index + match[0].length);
  const offset = ({ line, column }: SourceLocation) => (lineStarts[line - 1] ?? 0) + column - 1;
  return new GraphQLError(error.message, {
    source,
    positions: error.locations.map(offset),
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}
