/**
 * Resolver maps combined type by type: spreading two maps that both resolve
 * fields of one type (`{ ...ids, ...labels }`) would keep only the second
 * map's fields of that type, and the first's would silently stop resolving.
 */
type ResolverMap = Readonly<Record<string, object>>;

/** The union of resolver maps: for a type several maps resolve, every map's fields (a later map wins a field both name). */
export function combineResolvers<A extends ResolverMap, B extends ResolverMap>(a: A, b: B): A & B {
  const out: Record<string, object> = { ...a };
  for (const [type, fields] of Object.entries(b)) out[type] = { ...(out[type] ?? {}), ...fields };
  return out as A & B;
}
