import { ForbiddenError, ValidationFailed } from "../errors/domain-errors.js";
import { builder } from "../schema/builder.js";
import { callerOf } from "../server/context.js";
import { CLIENT_TOKEN_LIFETIME_SECONDS, type MintedClientToken } from "./client-tokens.js";
import { MAX_SUBJECT_LENGTH, mintClientToken } from "./mint-client-token.js";

const { min, max } = CLIENT_TOKEN_LIFETIME_SECONDS;

const CreateClientTokenInput = builder.inputType("CreateClientTokenInput", {
  description: "A short-lived token for one end user of your app, to hand to their browser.",
  fields: (t) => ({
    workspaceId: t.id({
      required: false,
      description:
        "The workspace it may reach. Required with an account API key; with a workspace key, omit it or give that workspace.",
    }),
    scopes: t.stringList({
      required: true,
      description: "What it may do: some of your key's scopes (contacts:read, contacts:write, workspace:admin).",
    }),
    subject: t.string({
      required: true,
      description: `Your end user's id in your own app, 1 to ${MAX_SUBJECT_LENGTH} characters: rate limits count per subject.`,
    }),
    expiresInSeconds: t.int({
      required: false,
      description: `Its lifetime, from ${min} to ${max} seconds; ${CLIENT_TOKEN_LIFETIME_SECONDS.default} when omitted.`,
    }),
  }),
});

const ClientTokenRef = builder.objectRef<MintedClientToken>("CreateClientTokenSuccess").implement({
  description: "The token was minted: send it as `Authorization: Bearer <token>` until it expires.",
  fields: (t) => ({
    token: t.exposeString("token", { description: "The token. Keep it in memory only; never log it." }),
    expiresAt: t.expose("expiresAt", {
      type: "DateTime",
      description: "When it stops working: mint a new one before.",
    }),
  }),
});

builder.mutationField("createClientToken", (t) =>
  t.field({
    type: ClientTokenRef,
    description:
      "Mints a client token, so that a browser never holds a secret key. Only an API key may mint (a client token may not), with some of its own scopes. Revoking the key ends its tokens too.",
    args: { input: t.arg({ type: CreateClientTokenInput, required: true, description: "The token." }) },
    errors: {
      types: [ValidationFailed, ForbiddenError],
      union: { name: "CreateClientTokenResult", description: "The new token, or why not." },
      // The union's success member is the token itself, so a client reads `token` and `expiresAt` at once.
      directResult: true,
    },
    // No scope of its own: it needs the scopes it grants, which the minting rule checks.
    resolve: (_root, { input }, context) =>
      mintClientToken(context.prisma, callerOf(context), input, context.clientTokens),
  }),
);
