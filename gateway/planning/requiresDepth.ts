/**
 * A static estimate of planning cost, computed before any planning: how many
 * fields that need another subgraph's data (`@requires` in the supergraph)
 * an operation nests inside one another.
 *
 * Why: the federation planner's work multiplies with each such level (on the
 * region's supergraph, a chain of fee ceilings through their dependants: 5
 * levels plan in ~0.35 s, 6 in ~7 s), so an operation over the limit is refused at once,
 * without a worker's time; the planning budget (plannerPool.ts) remains the
 * defence for whatever this estimate does not see.
 */
import type { Supergraph } from '@apollo/federation-internals';
import { isAbstractType, isCompositeType, getNamedType } from 'graphql';
import type { DocumentNode, FragmentDefinitionNode, GraphQLCompositeType, GraphQLSchema, SelectionSetNode } from 'graphql';

/** `Type.field` of every supergraph field some subgraph resolves with `@requires`. */
export function requiresFieldsOf(supergraph: Supergraph): Set<string> {
  const out = new Set<string>();
  for (const type of supergraph.schema.types()) {
    if (type.kind !== 'ObjectType' && type.kind !== 'InterfaceType') continue;
    for (const field of type.fields()) {
      const requires = field
        .appliedDirectivesOf<{ requires?: string }>('join__field')
        .some((d) => typeof d.arguments().requires === 'string');
      if (requires) out.add(`${type.name}.${field.name}`);
    }
  }
  return out;
}

/**
 * The most `@requires` fields on one path of the operation (fragments
 * followed). The document must be valid: validation has rejected unknown
 * fields and fragment cycles already.
 */
export function requiresDepth(
  document: DocumentNode,
  operationName: string | null,
  schema: GraphQLSchema,
  requiresFields: ReadonlySet<string>,
): number {
  if (requiresFields.size === 0) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation;
  for (const definition of document.definitions) {
    if (definition.kind === 'FragmentDefinition') fragments.set(definition.name.value, definition);
    else if (definition.kind === 'OperationDefinition' && (operationName === null || definition.name?.value === operationName))
      operation ??= definition;
  }
  if (!operation) return 0;
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;

  const needsRequires = (parent: GraphQLCompositeType, field: string): boolean => {
    if (!isAbstractType(parent)) return requiresFields.has(`${parent.name}.${field}`);
    return schema.getPossibleTypes(parent).some((t) => requiresFields.has(`${t.name}.${field}`));
  };

  // Memoised per (selection set, type): fragments spread many times are walked once.
  const memo = new Map<SelectionSetNode, Map<string, number>>();
  const walk = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType): number => {
    const known = memo.get(selectionSet)?.get(parent.name);
    if (known !== undefined) return known;
    let deepest = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === 'Field') {
        if (!selection.selectionSet) {
          if (needsRequires(parent, selection.name.value)) deepest = Math.max(deepest, 1);
          continue;
        }
        const fieldDef = 'getFields' in parent ? parent.getFields()[selection.name.value] : undefined;
        const fieldType = fieldDef ? getNamedType(fieldDef.type) : undefined;
        const below = fieldType && isCompositeType(fieldType) ? walk(selection.selectionSet, fieldType) : 0;
        deepest = Math.max(deepest, below + (needsRequires(parent, selection.name.value) ? 1 : 0));
      } else {
        const fragment = selection.kind === 'FragmentSpread' ? fragments.get(selection.name.value) : selection;
        if (!fragment) continue;
        const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
        deepest = Math.max(deepest, walk(fragment.selectionSet, condition && isCompositeType(condition) ? condition : parent));
      }
    }
    let byType = memo.get(selectionSet);
    if (!byType) memo.set(selectionSet, (byType = new Map()));
    byType.set(parent.name, deepest);
    return deepest;
  };
  return walk(operation.selectionSet, root);
}
