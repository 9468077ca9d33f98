import { createYoga } from "graphql-yoga";
import { createContext, requireApiKeyForData } from "./context.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import { graphiqlOptions } from "./graphiql.js";
import { schema } from "./schema/index.js";

export interface AppOptions {
  prisma: PrismaClient;
  /** Prefilled in GraphiQL's headers: only the embedded demo workspace's key, never a real one. */
  demoApiKey?: string | null;
}

/** The HTTP application: GraphQL and GraphiQL at /graphql. Used by the server and by tests (`yoga.fetch`). */
export function createApp({ prisma, demoApiKey = null }: AppOptions) {
  return createYoga({
    schema,
    context: ({ request }) => createContext(prisma, request),
    plugins: [requireApiKeyForData()],
    // Unexpected errors reach clients as "Unexpected error." only: no stack, SQL or key material.
    maskedErrors: { isDev: false },
    graphiql: graphiqlOptions(demoApiKey),
    landingPage: false,
  });
}
