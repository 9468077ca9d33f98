import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  getVariableValues,
  Kind,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
  type VariableDefinitionNode,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import { MAX_PAGE_SIZE } from "../../contacts/list-contacts.js";

// graphql-armor's cost formula (its defaults), which GRAPHQL_MAX_COST has always been measured in:
// a leaf costs 1, an object 2 plus 1.5 × each child, times the field's `first` or `last`.
const SCALAR_COST = 1;
const OBJECT_COST = 2;
const DEPTH_COST_FACTOR = 1.5;
const MAX_CACHED_VALUES = 32;

interface Plan {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  /** The variables passed as `first` or `last`; none: `fixed` is the cost. */
  sizes: readonly VariableDefinitionNode[];
  fixed: number | null;
  byValues: Map<string, number>;
}

// On the operation node, shared by every request with the same document text (Yoga's parse cache).
const plans = new WeakMap<OperationDefinitionNode, Plan>();

/**
 * graphql-armor's cost estimate of the operation that will execute, with each `first`/`last` taken
 * from its literal or, unlike armor's (which sees only literals), from the request's variables. Null
 * when the variables do not coerce: the executor refuses those before anything runs.
 */
export function operationCost(args: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variableValues?: Record<string, unknown> | null;
}): number | null {
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation) return null;
  let plan = plans.get(operation);
  if (!plan || plan.schema !== args.schema) {
    plan = makePlan(args.schema, args.document, operation);
    plans.set(operation, plan);
  }
  if (plan.fixed !== null) return plan.fixed;
  const coerced = getVariableValues(args.schema, plan.sizes, args.variableValues ?? {});
  if (coerced.errors) return null;
  const values = coerced.coerced;
  const key = plan.sizes.map((definition) => String(values[definition.variable.name.value])).join(",");
  const cached = plan.byValues.get(key);
  if (cached !== undefined) return cached;
  const cost = costOf(operation, plan.fragments, values);
  if (plan.byValues.size >= MAX_CACHED_VALUES) plan.byValues.clear();
  plan.byValues.set(key, cost);
  return cost;
}

function makePlan(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): Plan {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const names = new Set<string>();
  const visit = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const size = sizeArgument(selection.arguments);
        if (size?.kind === Kind.VARIABLE) names.add(size.name.value);
      }
      if (selection.kind !== Kind.FRAGMENT_SPREAD && selection.selectionSet) visit(selection.selectionSet);
    }
  };
  visit(operation.selectionSet);
  for (const fragment of fragments.values()) visit(fragment.selectionSet);
  const sizes = (operation.variableDefinitions ?? []).filter((definition) => names.has(definition.variable.name.value));
  const plan: Plan = { schema, fragments, sizes, fixed: null, byValues: new Map() };
  if (sizes.length === 0) plan.fixed = costOf(operation, fragments, {});
  return plan;
}

/** Armor reads the first of a field's `first`/`last` arguments only. */
function sizeArgument(args: readonly { name: { value: string }; value: ValueNode }[] | undefined) {
  return args?.find((argument) => argument.name.value === "first" || argument.name.value === "last")?.value;
}

/** The same arithmetic, in the same order, as graphql-armor-cost-limit's computeComplexity. */
function costOf(
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): number {
  const fragmentCosts = new Map<string, number>();
  const children = (selectionSet: SelectionSetNode, start: number) => {
    let cost = start;
    for (const child of selectionSet.selections) cost += DEPTH_COST_FACTOR * selectionCost(child);
    return cost;
  };
  const multiplier = (value: ValueNode | undefined) => {
    const size =
      value?.kind === Kind.INT
        ? Number.parseInt(value.value, 10)
        : value?.kind === Kind.VARIABLE
          ? variables[value.name.value]
          : null;
    // Every `first` of this schema is a contacts page, which holds at most MAX_PAGE_SIZE: a larger
    // value costs what it returns.
    return typeof size === "number" && Number.isFinite(size) ? Math.min(Math.max(size, 1), MAX_PAGE_SIZE) : 1;
  };
  const selectionCost = (node: SelectionNode): number => {
    if (node.kind === Kind.FIELD) {
      if (node.name.value === "__schema") return 0;
      if (!node.selectionSet) return SCALAR_COST;
      return children(node.selectionSet, OBJECT_COST) * multiplier(sizeArgument(node.arguments));
    }
    if (node.kind === Kind.INLINE_FRAGMENT) return children(node.selectionSet, OBJECT_COST);
    const fragment = fragments.get(node.name.value);
    if (!fragment) return SCALAR_COST;
    let fragmentCost = fragmentCosts.get(node.name.value);
    if (fragmentCost === undefined) {
      // Validation has refused fragment cycles before execution: this recursion ends.
      fragmentCost = children(fragment.selectionSet, OBJECT_COST);
      fragmentCosts.set(node.name.value, fragmentCost);
    }
    return SCALAR_COST + DEPTH_COST_FACTOR * fragmentCost;
  };
  let total = 0;
  for (const selection of operation.selectionSet.selections) total += selectionCost(selection);
  return total;
}

/**
 * Refuses, before anything runs, an operation whose cost is over `maxCost`: HTTP 400 and code
 * QUERY_TOO_COSTLY. Checked at execution rather than validation because only then are the
 * variables known (validation is cached per document text, whatever the variables).
 */
export function useCostLimit(maxCost: number): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const cost = operationCost(args);
      if (cost === null || cost <= maxCost) return;
      setResultAndStopExecution({
        errors: [
          new GraphQLError(`Query Cost limit of ${maxCost} exceeded, found ${cost}.`, {
            // `spec: false`: 400 even for clients that accept only application/json, as for armor's limits.
            extensions: { code: "QUERY_TOO_COSTLY", http: { status: 400, spec: false } },
          }),
        ],
      });
    },
  };
}
