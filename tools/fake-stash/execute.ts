/**
 * A planned executor for the plain documents clients send: no fragments, directives or
 * introspection, only fields. graphql-js still parses and validates every document; this only
 * replaces its per-field bookkeeping (resolve-info objects, path tracking, completion dispatch),
 * which dominates when a page carries thousands of rows. Anything outside the plain subset, and
 * any error, goes to graphql-js so results and error shapes stay exactly graphql-js's.
 */
import {
  type DocumentNode,
  type FieldNode,
  getArgumentValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  type GraphQLField,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  isLeafType,
  Kind,
  type OperationDefinitionNode,
  OperationTypeNode,
  type SelectionSetNode,
} from 'graphql';

/** Thrown inside the fast path to hand the request over to graphql-js. */
class Fallback extends Error {}

type Complete = (value: unknown, ctx: unknown) => unknown;

interface FieldPlan {
  key: string;
  name: string;
  node: FieldNode;
  def: GraphQLField<unknown, unknown>;
  resolve: ((source: unknown, args: Record<string, unknown>, ctx: unknown) => unknown) | null;
  hasArgs: boolean;
  complete: Complete;
}

export interface Plan {
  operation: OperationDefinitionNode;
  root: FieldPlan[];
}

const NO_ARGS: Record<string, unknown> = Object.freeze({});
// Our resolvers never read `info`; a shared stub keeps the signature honest without allocating.
const NO_INFO = Object.freeze({}) as GraphQLResolveInfo;

function planSelection(type: GraphQLObjectType, set: SelectionSetNode, isRoot = false): FieldPlan[] {
  const fields = type.getFields();
  const plans: FieldPlan[] = [];
  const keys = new Set<string>();
  for (const sel of set.selections) {
    if (sel.kind !== Kind.FIELD || (sel.directives && sel.directives.length > 0)) throw new Fallback();
    const name = sel.name.value;
    const key = sel.alias?.value ?? name;
    if (keys.has(key) || name.startsWith('__')) throw new Fallback();
    keys.add(key);
    const def = fields[name];
    if (!def) throw new Fallback();
    const hasArgs = (sel.arguments?.length ?? 0) > 0 || def.args.length > 0;
    // Arguments are only coerced for root fields; nested ones are left to graphql-js.
    if (hasArgs && !isRoot) throw new Fallback();
    const resolve = def.resolve
      ? (s: unknown, a: Record<string, unknown>, c: unknown) =>
          (def.resolve as (s: unknown, a: unknown, c: unknown, i: GraphQLResolveInfo) => unknown)(s, a, c, NO_INFO)
      : null;
    plans.push({
      key,
      name,
      node: sel,
      def,
      resolve,
      hasArgs,
      complete: planType(def.type, sel.selectionSet),
    });
  }
  return plans;
}

function planType(type: GraphQLOutputType, set: SelectionSetNode | undefined): Complete {
  if (type instanceof GraphQLNonNull) {
    const inner = planType(type.ofType, set);
    return (v, ctx) => {
      if (v === null || v === undefined) throw new Fallback();
      return inner(v, ctx);
    };
  }
  const nullable = getNullableType(type);
  if (nullable instanceof GraphQLList) {
    const item = planType(nullable.ofType, set);
    return (v, ctx) => {
      if (v === null || v === undefined) return null;
      if (!Array.isArray(v)) throw new Fallback();
      const out = new Array<unknown>(v.length);
      for (let i = 0; i < v.length; i++) out[i] = item(v[i], ctx);
      return out;
    };
  }
  const named = getNamedType(type);
  if (isLeafType(named)) {
    return (v) => (v === null || v === undefined ? null : named.serialize(v));
  }
  if (!(named instanceof GraphQLObjectType) || !set) throw new Fallback();
  const fields = planSelection(named, set);
  return (v, ctx) => (v === null || v === undefined ? null : runFields(fields, v, ctx, null));
}

function runFields(
  fields: FieldPlan[],
  source: unknown,
  ctx: unknown,
  rootArgs: Map<FieldPlan, Record<string, unknown>> | null,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const args = rootArgs?.get(f) ?? NO_ARGS;
    const raw = f.resolve ? f.resolve(source, args, ctx) : (source as Record<string, unknown>)[f.name];
    out[f.key] = f.complete(raw, ctx);
  }
  return out;
}

const plans = new WeakMap<DocumentNode, Map<string, Plan | null>>();

/** A reusable plan for the operation, or null when the document needs full graphql-js. */
export function planFor(schema: GraphQLSchema, document: DocumentNode, operationName: string | null): Plan | null {
  let byOp = plans.get(document);
  if (!byOp) plans.set(document, (byOp = new Map()));
  const cacheKey = operationName ?? '';
  if (byOp.has(cacheKey)) return byOp.get(cacheKey) ?? null;
  let plan: Plan | null = null;
  try {
    const operation = getOperationAST(document, operationName ?? undefined);
    const queryType = schema.getQueryType();
    if (operation && operation.operation === OperationTypeNode.QUERY && queryType && !operation.directives?.length) {
      plan = { operation, root: planSelection(queryType, operation.selectionSet, true) };
    }
  } catch (e) {
    if (!(e instanceof Fallback)) throw e;
  }
  byOp.set(cacheKey, plan);
  return plan;
}

/**
 * Runs a plan. Returns null when graphql-js must take over (bad variables, a resolver error, a
 * null in a non-null position); the caller then executes the document with graphql-js.
 */
export function runPlan(
  schema: GraphQLSchema,
  plan: Plan,
  variables: Record<string, unknown>,
  ctx: unknown,
): { data: Record<string, unknown> } | null {
  const coerced = getVariableValues(schema, plan.operation.variableDefinitions ?? [], variables);
  if (coerced.errors) return null;
  try {
    const rootArgs = new Map<FieldPlan, Record<string, unknown>>();
    for (const f of plan.root) {
      if (f.hasArgs) rootArgs.set(f, getArgumentValues(f.def, f.node, coerced.coerced));
    }
    return { data: runFields(plan.root, undefined, ctx, rootArgs) };
  } catch {
    return null;
  }
}
