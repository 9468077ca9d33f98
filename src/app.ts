import { createYoga } from "graphql-yoga";
import { createContext, requireApiKeyForData } from "./context.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import { schema } from "./schema/index.js";

export interface AppOptions {
  prisma: PrismaClient;
}

/** The HTTP application: GraphQL and GraphiQL at /graphql. Used by the server and by tests (`yoga.fetch`). */
export function createApp({ prisma }: AppOptions) {
  return createYoga({
    schema,
    context: ({ request }) => createContext(prisma, request),
    plugins: [requireApiKeyForData()],
    // Unexpected errors reach clients as "Unexpected error." only: no stack, SQL or key material.
    maskedErrors: { isDev: false },
    graphiql: { title: "Contacts API" },
    landingPage: false,
  });
}
