import type { GraphiQLOptions } from "graphql-yoga";

export const EXAMPLE_MUTATION = `# Create a contact. Your API key goes in the Headers tab below, as
#   { "Authorization": "Bearer sk_live_..." }
# Every failure is a typed result: ask for the ones you want to handle.
mutation CreateContact($input: CreateContactInput!) {
  createContact(input: $input) {
    __typename
    ... on CreateContactSuccess {
      contact { id firstName email phone timezone tags { name } customFields { name value } createdAt }
    }
    ... on ValidationError { message issues { path code message } }
    ... on ConflictError { message conflicts { field existingContactId } }
    ... on ForbiddenError { message }
  }
}
`;

const EXAMPLE_VARIABLES = {
  input: {
    firstName: "Ada",
    lastName: "Lovelace",
    email: "ada@example.com",
    phone: "+12125550123",
    tags: ["vip", "newsletter"],
  },
};

/**
 * GraphiQL opens on a working createContact example. The header editor shows how to pass the key;
 * on the embedded demo database it holds the demo workspace key, so the example runs in one click.
 */
export function graphiqlOptions(demoApiKey: string | null): GraphiQLOptions {
  const headers = JSON.stringify(
    { Authorization: `Bearer ${demoApiKey ?? "<your sk_live_ or sk_test_ API key>"}` },
    null,
    2,
  );
  return {
    title: "Contacts API",
    defaultTabs: [{ query: EXAMPLE_MUTATION, variables: JSON.stringify(EXAMPLE_VARIABLES, null, 2), headers }],
    headers,
    shouldPersistHeaders: true,
  };
}
