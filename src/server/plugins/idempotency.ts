import { createHash } from "node:crypto";
import stableStringify from "fast-json-stable-stringify";
import { type ExecutionResult, GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { GraphQLContext } from "../context.js";
import { claimIdempotencyKey, completeIdempotencyKey, releaseIdempotencyKey } from "./idempotency-store.js";
import { rootFieldsOf } from "./root-fields.js";

/** The mutations a client may retry safely with an Idempotency-Key header. */
const IDEMPOTENT_FIELDS = new Set(["createContact", "upsertContact", "importContacts"]);
const MAX_KEY_LENGTH = 255;

function failure(message: string, code: string, status: number): ExecutionResult {
  return { errors: [new GraphQLError(message, { extensions: { code, http: { status } } })] };
}

/**
 * `Idempotency-Key` on createContact, upsertContact and importContacts, per API key: the first completed result
 * (success or typed error) is stored for 24 hours and replayed to a retry with the same key and the
 * same request; another request with that key is refused (422), and so is a retry while the first
 * still runs (409). A request that fails unexpectedly stores nothing, so it can be retried.
 * The fields are those that will run (fragments and @skip/@include resolved). One key covers one
 * field: an operation with an idempotent field beside another mutation field is refused (400), as
 * a retry could not replay part of it.
 */
export function useIdempotency(prisma: PrismaClient): Plugin<GraphQLContext> {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as GraphQLContext & { request?: Request; params?: unknown };
      const key = context.request?.headers.get("idempotency-key");
      const caller = context.caller;
      if (key == null || !caller) return;
      const root = rootFieldsOf(args);
      const idempotent =
        root?.operation.operation === "mutation" && root.fields.some((field) => IDEMPOTENT_FIELDS.has(field.name));
      if (!idempotent) return;
      if (key.length < 1 || key.length > MAX_KEY_LENGTH) {
        setResultAndStopExecution(
          failure(`Idempotency-Key must be 1 to ${MAX_KEY_LENGTH} characters`, "IDEMPOTENCY_KEY_INVALID", 400),
        );
        return;
      }
      if (root.dataFields > 1) {
        setResultAndStopExecution(
          failure(
            "An Idempotency-Key covers one mutation field: send createContact, upsertContact or importContacts alone",
            "IDEMPOTENCY_KEY_MULTIPLE_FIELDS",
            400,
          ),
        );
        return;
      }
      const requestHash = createHash("sha256")
        .update(stableStringify(context.params ?? null))
        .digest("hex");
      const claim = await claimIdempotencyKey(prisma, caller.apiKeyId, key, requestHash);
      if (claim.kind === "replay") {
        setResultAndStopExecution(JSON.parse(claim.response));
        return;
      }
      if (claim.kind === "reused") {
        setResultAndStopExecution(
          failure("This Idempotency-Key was used for a different request", "IDEMPOTENCY_KEY_REUSED", 422),
        );
        return;
      }
      if (claim.kind === "in-use") {
        setResultAndStopExecution(
          failure("A request with this Idempotency-Key is still being processed", "IDEMPOTENCY_KEY_IN_USE", 409),
        );
        return;
      }
      return {
        async onExecuteDone({ result }) {
          if (!("data" in result || "errors" in result)) return;
          if (result.errors?.length) await releaseIdempotencyKey(prisma, caller.apiKeyId, key);
          else await completeIdempotencyKey(prisma, caller.apiKeyId, key, JSON.stringify(result));
        },
      };
    },
  };
}
