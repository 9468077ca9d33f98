import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  getOperationAST,
  getVariableValues,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from "graphql";
// graphql-js's own field collection, the one execution runs (fragments, type conditions, @skip and
// @include): graphql 16 keeps it out of the package root, and has no "exports" map to forbid this.
import { collectFields } from "graphql/execution/collectFields.js";

export interface RootField {
  /** The schema field, e.g. `createContact`. */
  name: string;
  /** Its key in the response (the alias, else the name); fields sharing a key run once. */
  responseName: string;
  /** Its selection in the document (the first, when several share the key), arguments included. */
  node: FieldNode;
}

export interface RootFields {
  operation: OperationDefinitionNode;
  /** The root fields that will run, one per response key, in execution order. */
  fields: readonly RootField[];
  /** How many of them read or write data: all but `__typename`, `__schema` and `__type`. */
  dataFields: number;
}

/** What a plugin's onExecute has of the request. */
export interface ExecutionArgsLike {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: Record<string, unknown> | null;
}

interface Plan {
  schema: GraphQLSchema;
  rootType: GraphQLObjectType;
  fragments: Record<string, FragmentDefinitionNode>;
  /** The variables of @skip/@include on root selections; none: `fixed` is the answer. */
  conditions: readonly VariableDefinitionNode[];
  fixed: RootFields | null;
  /** Answers by the conditions' values (booleans, so few combinations; cleared when many). */
  byValues: Map<string, RootFields>;
}

const MAX_CACHED_COMBINATIONS = 64;

// On the operation node, which Yoga's parse cache shares between requests with the same text; a
// WeakMap, so a document dropped from that cache takes its entry with it.
const plans = new WeakMap<OperationDefinitionNode, Plan | null>();
// Several plugins ask during one execution; envelop hands them all the same args object.
const perExecution = new WeakMap<object, RootFields | null>();

/**
 * The root fields of the operation that will execute, as graphql-js collects them: fragments
 * spread, type conditions and @skip/@include applied with the request's variables. Null when the
 * operation cannot execute (no such operation, or variables the executor will refuse): execution
 * then answers with its own errors, before any resolver runs.
 */
export function rootFieldsOf(args: ExecutionArgsLike): RootFields | null {
  if (perExecution.has(args)) return perExecution.get(args) ?? null;
  const found = compute(args);
  perExecution.set(args, found);
  return found;
}

function compute(args: ExecutionArgsLike): RootFields | null {
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation) return null;
  let plan = plans.get(operation);
  if (plan === undefined || (plan && plan.schema !== args.schema)) {
    plan = makePlan(args.schema, args.document, operation);
    plans.set(operation, plan);
  }
  if (!plan) return null;
  if (plan.fixed) return plan.fixed;
  const coerced = getVariableValues(args.schema, plan.conditions, args.variableValues ?? {});
  if (coerced.errors) return null;
  const values = coerced.coerced;
  const key = plan.conditions.map((definition) => String(values[definition.variable.name.value])).join(",");
  const cached = plan.byValues.get(key);
  if (cached) return cached;
  const found = collect(plan, operation, values);
  if (plan.byValues.size >= MAX_CACHED_COMBINATIONS) plan.byValues.clear();
  if (found) plan.byValues.set(key, found);
  return found;
}

function makePlan(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): Plan | null {
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) return null;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  const names = conditionVariables(operation.selectionSet, fragments);
  const conditions = (operation.variableDefinitions ?? []).filter((definition) =>
    names.has(definition.variable.name.value),
  );
  const plan: Plan = { schema, rootType, fragments, conditions, fixed: null, byValues: new Map() };
  if (conditions.length === 0) {
    plan.fixed = collect(plan, operation, {});
    if (!plan.fixed) return null;
  }
  return plan;
}

/** The variables that @skip/@include read on the root selection set, through its fragments. */
function conditionVariables(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  names = new Set<string>(),
  seen = new Set<string>(),
): Set<string> {
  for (const selection of selectionSet.selections) {
    for (const directive of selection.directives ?? []) {
      for (const argument of directive.arguments ?? []) {
        if (argument.value.kind === Kind.VARIABLE) names.add(argument.value.name.value);
      }
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) conditionVariables(selection.selectionSet, fragments, names, seen);
    if (selection.kind === Kind.FRAGMENT_SPREAD && !seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments[selection.name.value];
      if (fragment) conditionVariables(fragment.selectionSet, fragments, names, seen);
    }
  }
  return names;
}

function collect(plan: Plan, operation: OperationDefinitionNode, variables: Record<string, unknown>) {
  let collected: Map<string, readonly FieldNode[]>;
  try {
    collected = collectFields(plan.schema, plan.fragments, variables, plan.rootType, operation.selectionSet);
  } catch {
    // A condition the executor refuses too (e.g. `@skip(if: $v)` with $v null).
    return null;
  }
  const fields: RootField[] = [];
  let dataFields = 0;
  for (const [responseName, nodes] of collected) {
    const node = nodes[0];
    if (!node) continue;
    const name = node.name.value;
    fields.push({ name, responseName, node });
    if (!name.startsWith("__")) dataFields++;
  }
  return { operation, fields, dataFields } satisfies RootFields;
}
