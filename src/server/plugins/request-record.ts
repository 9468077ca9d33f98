import { getOperationAST } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { GraphQLContext } from "../context.js";
import { currentRequestRecord } from "../observability/request-context.js";
import { rootFieldsOf } from "./root-fields.js";

/** Notes what the request was (operation, root fields, API key id) and how it ended, for logs and metrics. */
export function useRequestRecord(): Plugin<GraphQLContext> {
  return {
    onExecute({ args }) {
      const record = currentRequestRecord();
      if (!record) return;
      const root = rootFieldsOf(args);
      const operation = root?.operation ?? getOperationAST(args.document, args.operationName);
      record.operationName = operation?.name?.value ?? args.operationName ?? undefined;
      record.operationType = operation?.operation;
      // The fields that run, each name once: aliases neither hide a field nor multiply metric labels.
      record.rootFields = root ? [...new Set(root.fields.map((field) => field.name))].sort().join(",") : undefined;
      const caller = (args.contextValue as GraphQLContext).caller;
      record.apiKeyId = caller?.apiKeyId;
      record.subject = caller?.subject ?? undefined;
      return {
        onExecuteDone({ result }) {
          if (!("errors" in result || "data" in result)) return;
          for (const error of result.errors ?? []) {
            record.outcomes.push(String(error.extensions?.code ?? "ERROR"));
          }
          if (record.outcomes.length === 0) record.outcomes.push("ok");
        },
      };
    },
  };
}
