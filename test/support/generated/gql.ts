/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "fragment ContactFields on Contact {\n  id\n  workspaceId\n  firstName\n  lastName\n  email\n  phone\n  timezone\n  tags {\n    id\n    name\n  }\n  customFields {\n    name\n    value\n  }\n  createdAt\n  updatedAt\n}\n\nquery Contact($id: ID!) {\n  contact(id: $id) {\n    id\n    workspaceId\n    email\n    tags {\n      name\n    }\n    customFields {\n      name\n      value\n    }\n  }\n}": typeof types.ContactFieldsFragmentDoc,
    "query Contacts($workspaceId: ID, $first: Int, $after: String, $filter: ContactFilter) {\n  contacts(\n    workspaceId: $workspaceId\n    first: $first\n    after: $after\n    filter: $filter\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        id\n        workspaceId\n        firstName\n        lastName\n        email\n        phone\n        createdAt\n        tags {\n          name\n        }\n        customFields {\n          name\n          value\n        }\n      }\n    }\n  }\n}": typeof types.ContactsDocument,
    "mutation CreateContact($input: CreateContactInput!) {\n  createContact(input: $input) {\n    __typename\n    ... on CreateContactSuccess {\n      contact {\n        ...ContactFields\n      }\n    }\n    ... on ValidationError {\n      message\n      issues {\n        path\n        code\n        message\n      }\n    }\n    ... on ConflictError {\n      message\n      conflicts {\n        field\n        existingContactId\n      }\n    }\n    ... on ForbiddenError {\n      message\n    }\n  }\n}": typeof types.CreateContactDocument,
    "mutation DeleteContact($id: ID!) {\n  deleteContact(id: $id) {\n    __typename\n    ... on DeleteContactSuccess {\n      deletedContactId\n    }\n    ... on NotFoundError {\n      message\n    }\n    ... on ForbiddenError {\n      message\n    }\n  }\n}": typeof types.DeleteContactDocument,
    "mutation UpdateContact($id: ID!, $input: UpdateContactInput!) {\n  updateContact(id: $id, input: $input) {\n    __typename\n    ... on UpdateContactSuccess {\n      contact {\n        ...ContactFields\n      }\n    }\n    ... on ValidationError {\n      message\n      issues {\n        path\n        code\n      }\n    }\n    ... on ConflictError {\n      message\n      conflicts {\n        field\n        existingContactId\n      }\n    }\n    ... on NotFoundError {\n      message\n    }\n    ... on ForbiddenError {\n      message\n    }\n  }\n}": typeof types.UpdateContactDocument,
    "mutation UpsertContact($input: UpsertContactInput!) {\n  upsertContact(input: $input) {\n    __typename\n    ... on UpsertContactSuccess {\n      created\n      contact {\n        ...ContactFields\n      }\n    }\n    ... on ValidationError {\n      message\n      issues {\n        path\n        code\n      }\n    }\n    ... on ConflictError {\n      message\n      conflicts {\n        field\n        existingContactId\n      }\n    }\n    ... on ForbiddenError {\n      message\n    }\n  }\n}": typeof types.UpsertContactDocument,
};
const documents: Documents = {
    "fragment ContactFields on Contact {\n  id\n  workspaceId\n  firstName\n  lastName\n  email\n  phone\n  timezone\n  tags {\n    id\n    name\n  }\n  customFields {\n    name\n    value\n  }\n  createdAt\n  updatedAt\n}\n\nquery Contact($id: ID!) {\n  contact(id: $id) {\n    id\n    workspaceId\n    email\n    tags {\n      name\n    }\n    customFields {\n      name\n      value\n    }\n  }\n}": types.ContactFieldsFragmentDoc,
    "query Contacts($workspaceId: ID, $first: Int, $after: String, $filter: ContactFilter) {\n  contacts(\n    workspaceId: $workspaceId\n    first: $first\n    after: $after\n    filter: $filter\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        id\n        workspaceId\n        firstName\n        lastName\n        email\n        phone\n        createdAt\n        tags {\n          name\n        }\n        customFields {\n          name\n          value\n        }\n      }\n    }\n  }\n}": types.ContactsDocument,
    "mutation CreateContact($input: CreateContactInput!) {\n  createContact(input: $input) {\n    __typename\n    ... on CreateContactSuccess {\n      contact {\n        ...ContactFields\n      }\n    }\n    ... on ValidationError {\n      message\n      issues {\n        path\n        code\n        message\n      }\n    }\n    ... on ConflictError {\n      message\n      conflicts {\n        field\n        existingContactId\n      }\n    }\n    ... on ForbiddenError {\n      message\n    }\n  }\n}": types.CreateContactDocument,
    "mutation DeleteContact($id: ID!) {\n  deleteContact(id: $id) {\n    __typename\n    ... on DeleteContactSuccess {\n      deletedContactId\n    }\n    ... on NotFoundError {\n      message\n    }\n    ... on ForbiddenError {\n      message\n    }\n  }\n}": types.DeleteContactDocument,
    "mutation UpdateContact($id: ID!, $input: UpdateContactInput!) {\n  updateContact(id: $id, input: $input) {\n    __typename\n    ... on UpdateContactSuccess {\n      contact {\n        ...ContactFields\n      }\n    }\n    ... on ValidationError {\n      message\n      issues {\n        path\n        code\n      }\n    }\n    ... on ConflictError {\n      message\n      conflicts {\n        field\n        existingContactId\n      }\n    }\n    ... on NotFoundError {\n      message\n    }\n    ... on ForbiddenError {\n      message\n    }\n  }\n}": types.UpdateContactDocument,
    "mutation UpsertContact($input: UpsertContactInput!) {\n  upsertContact(input: $input) {\n    __typename\n    ... on UpsertContactSuccess {\n      created\n      contact {\n        ...ContactFields\n      }\n    }\n    ... on ValidationError {\n      message\n      issues {\n        path\n        code\n      }\n    }\n    ... on ConflictError {\n      message\n      conflicts {\n        field\n        existingContactId\n      }\n    }\n    ... on ForbiddenError {\n      message\n    }\n  }\n}": types.UpsertContactDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment ContactFields on Contact {\n  id\n  workspaceId\n  firstName\n  lastName\n  email\n  phone\n  timezone\n  tags {\n    id\n    name\n  }\n  customFields {\n    name\n    value\n  }\n  createdAt\n  updatedAt\n}\n\nquery Contact($id: ID!) {\n  contact(id: $id) {\n    id\n    workspaceId\n    email\n    tags {\n      name\n    }\n    customFields {\n      name\n      value\n    }\n  }\n}"): (typeof documents)["fragment ContactFields on Contact {\n  id\n  workspaceId\n  firstName\n  lastName\n  email\n  phone\n  timezone\n  tags {\n    id\n    name\n  }\n  customFields {\n    name\n    value\n  }\n  createdAt\n  updatedAt\n}\n\nquery Contact($id: ID!) {\n  contact(id: $id) {\n    id\n    workspaceId\n    email\n    tags {\n      name\n    }\n    customFields {\n      name\n      value\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Contacts($workspaceId: ID, $first: Int, $after: String, $filter: ContactFilter) {\n  contacts(\n    workspaceId: $workspaceId\n    first: $first\n    after: $after\n    filter: $filter\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        id\n        workspaceId\n        firstName\n        lastName\n        email\n        phone\n        createdAt\n        tags {\n          name\n        }\n        customFields {\n          name\n          value\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query Contacts($workspaceId: ID, $first: Int, $after: String, $filter: ContactFilter) {\n  contacts(\n    workspaceId: $workspaceId\n    first: $first\n    after: $after\n    filter: $filter\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        id\n        workspaceId\n        firstName\n        lastName\n        email\n        phone\n        createdAt\n        tags {\n          name\n        }\n        customFields {\n          name\n          value\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateContact($input: CreateContactInput!) {\n  createContact(input: $input) {\n    __typename\n    ... on CreateContactSuccess {\n      contact {\n        ...ContactFields\n      }\n    }\n    ... on ValidationError {\n      message\n      issues {\n        path\n        code\n        message\n      }\n    }\n    ... on ConflictError {\n      message\n      conflicts {\n        field\n        existingContactId\n      }\n    }\n    ... on ForbiddenError {\n      message\n    }\n  }\n}"): (typeof documents)["mutation CreateContact($input: CreateContactInput!) {\n  createContact(input: $input) {\n    __typename\n    ... on CreateContactSuccess {\n      contact {\n        ...ContactFields\n      }\n    }\n    ... on ValidationError {\n      message\n      issues {\n        path\n        code\n        message\n      }\n    }\n    ... on ConflictError {\n      message\n      conflicts {\n        field\n        existingContactId\n      }\n    }\n    ... on ForbiddenError {\n      message\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DeleteContact($id: ID!) {\n  deleteContact(id: $id) {\n    __typename\n    ... on DeleteContactSuccess {\n      deletedContactId\n    }\n    ... on NotFoundError {\n      message\n    }\n    ... on ForbiddenError {\n      message\n    }\n  }\n}"): (typeof documents)["mutation DeleteContact($id: ID!) {\n  deleteContact(id: $id) {\n    __typename\n    ... on DeleteContactSuccess {\n      deletedContactId\n    }\n    ... on NotFoundError {\n      message\n    }\n    ... on ForbiddenError {\n      message\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation UpdateContact($id: ID!, $input: UpdateContactInput!) {\n  updateContact(id: $id, input: $input) {\n    __typename\n    ... on UpdateContactSuccess {\n      contact {\n        ...ContactFields\n      }\n    }\n    ... on ValidationError {\n      message\n      issues {\n        path\n        code\n      }\n    }\n    ... on ConflictError {\n      message\n      conflicts {\n        field\n        existingContactId\n      }\n    }\n    ... on NotFoundError {\n      message\n    }\n    ... on ForbiddenError {\n      message\n    }\n  }\n}"): (typeof documents)["mutation UpdateContact($id: ID!, $input: UpdateContactInput!) {\n  updateContact(id: $id, input: $input) {\n    __typename\n    ... on UpdateContactSuccess {\n      contact {\n        ...ContactFields\n      }\n    }\n    ... on ValidationError {\n      message\n      issues {\n        path\n        code\n      }\n    }\n    ... on ConflictError {\n      message\n      conflicts {\n        field\n        existingContactId\n      }\n    }\n    ... on NotFoundError {\n      message\n    }\n    ... on ForbiddenError {\n      message\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation UpsertContact($input: UpsertContactInput!) {\n  upsertContact(input: $input) {\n    __typename\n    ... on UpsertContactSuccess {\n      created\n      contact {\n        ...ContactFields\n      }\n    }\n    ... on ValidationError {\n      message\n      issues {\n        path\n        code\n      }\n    }\n    ... on ConflictError {\n      message\n      conflicts {\n        field\n        existingContactId\n      }\n    }\n    ... on ForbiddenError {\n      message\n    }\n  }\n}"): (typeof documents)["mutation UpsertContact($input: UpsertContactInput!) {\n  upsertContact(input: $input) {\n    __typename\n    ... on UpsertContactSuccess {\n      created\n      contact {\n        ...ContactFields\n      }\n    }\n    ... on ValidationError {\n      message\n      issues {\n        path\n        code\n      }\n    }\n    ... on ConflictError {\n      message\n      conflicts {\n        field\n        existingContactId\n      }\n    }\n    ... on ForbiddenError {\n      message\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;