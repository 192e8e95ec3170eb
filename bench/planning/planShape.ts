/**
 * The shape of a query plan, the same way for both planners the planning
 * scenario measures: @apollo/query-planner's QueryPlan and Hive Router's
 * (@graphql-hive/router-query-planner) JSON plan share the node kinds
 * (Sequence, Parallel, Flatten, Fetch, Condition, Defer, Subscription; Hive
 * adds BatchFetch). Pure functions.
 */

type Maybe<T> = T | null | undefined;

/** A plan node as far as counting needs it (both planners' node types fit this structurally). */
export interface PlanTreeNode {
  readonly kind: string;
  /** Sequence, Parallel. */
  readonly nodes?: readonly PlanTreeNode[];
  /** Flatten. */
  readonly node?: Maybe<PlanTreeNode>;
  /** Condition. */
  readonly ifClause?: Maybe<PlanTreeNode>;
  readonly elseClause?: Maybe<PlanTreeNode>;
  /** Subscription: a fetch; Defer: `{ node? }`. */
  readonly primary?: PlanTreeNode | { readonly node?: Maybe<PlanTreeNode> };
  /** Defer. */
  readonly deferred?: readonly { readonly node?: Maybe<PlanTreeNode> }[];
  /** Subscription. */
  readonly rest?: Maybe<PlanTreeNode>;
}

/** A whole plan: `{ kind: 'QueryPlan', node? }` in both planners. */
export interface PlanTree {
  readonly kind: string;
  readonly node?: Maybe<PlanTreeNode>;
}

export interface PlanShape {
  /** Fetch nodes (Hive's BatchFetch counts as one): subgraph requests per plan, before any is skipped for lack of representations. */
  readonly fetches: number;
  /** Sequential fetch levels: the longest chain of fetches that must run one after another (Sequence adds, Parallel takes the longest). */
  readonly depth: number;
}

const none = { fetches: 0, depth: 0 } as const;

function deferPrimary(node: PlanTreeNode): Maybe<PlanTreeNode> {
  const primary = node.primary;
  return primary && !('kind' in primary) ? primary.node : undefined;
}

function shapeOf(node: Maybe<PlanTreeNode>): PlanShape {
  if (!node) return none;
  switch (node.kind) {
    case 'Fetch':
    case 'BatchFetch':
      return { fetches: 1, depth: 1 };
    case 'Sequence':
    case 'Parallel': {
      const parts = (node.nodes ?? []).map(shapeOf);
      const fetches = parts.reduce((n, p) => n + p.fetches, 0);
      const depth = node.kind === 'Sequence' ? parts.reduce((n, p) => n + p.depth, 0) : parts.reduce((n, p) => Math.max(n, p.depth), 0);
      return { fetches, depth };
    }
    case 'Flatten':
      return shapeOf(node.node);
    case 'Condition': {
      // Either branch runs, never both: fetches of both are in the plan, the depth is the longer branch's.
      const a = shapeOf(node.ifClause);
      const b = shapeOf(node.elseClause);
      return { fetches: a.fetches + b.fetches, depth: Math.max(a.depth, b.depth) };
    }
    case 'Defer': {
      const primary = shapeOf(deferPrimary(node));
      const deferred = (node.deferred ?? []).map((d) => shapeOf(d.node));
      return {
        fetches: primary.fetches + deferred.reduce((n, p) => n + p.fetches, 0),
        depth: primary.depth + deferred.reduce((n, p) => Math.max(n, p.depth), 0),
      };
    }
    case 'Subscription': {
      const primary = node.primary && 'kind' in node.primary ? shapeOf(node.primary) : none;
      const rest = shapeOf(node.rest);
      return { fetches: primary.fetches + rest.fetches, depth: primary.depth + rest.depth };
    }
    default:
      // A kind neither planner had when this was written: better a failed measurement than a wrong count.
      throw new TypeError(`Expected a plan node of a known kind, received ${JSON.stringify(node.kind)}.`);
  }
}

/** Fetch nodes and sequential fetch levels of a plan. */
export function planShape(plan: PlanTree): PlanShape {
  if (plan.kind !== 'QueryPlan') throw new TypeError(`Expected a QueryPlan, received ${JSON.stringify(plan.kind)}.`);
  return shapeOf(plan.node);
}

/**
 * A plan as JSON, the size the planners are compared on: the form our
 * gateway's planning worker sends and caches (gateway/planning/planText.ts),
 * and without the AST of each fetch's operation that Apollo's planner adds
 * beside the operation text only when configured to
 * (`exposeDocumentNodeInFetchNode`; the gateway does not), so a planner
 * configured so would not look larger for it.
 */
export function comparablePlanJson(plan: PlanTree): string {
  return JSON.stringify(plan, (key, value: unknown) => (key === 'operationDocumentNode' || key === 'loc' ? undefined : value));
}
