/**
 * Test helper: the hostile operation of the planning tests. Since issue 13 a
 * chain of relatives plans in linear time; what still multiplies the
 * planner's work is a field with `@requires` inside the result of another:
 * the fee ceiling's dependants' fee ceilings. Depth 5 takes the stock
 * planner about 0.35 s, 6 about 7 s, each level several times the last.
 */
export function ceilingChain(depth: number, hetu = '010150-999K', comment = ''): string {
  return `${comment}{ customer(hetu: "${hetu}") { ${'feeCeiling(year: 2026) { includesDependants { '.repeat(depth)}surname${' } }'.repeat(depth)} } }`;
}
