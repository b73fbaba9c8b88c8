/**
 * Cell suppression with complementary suppression, for tables of counts tied by sums (a year is
 * the sum of its months, a total the sum of its parts). A count under the threshold is never
 * published; nor is any set of published counts left from which a count under it can be worked
 * out: neither a single cell (the one unknown of a sum), nor the sum of the unknown parts of a
 * sum whose total is known.
 *
 * Cells are named by strings; `hidden` cells are never published (a complement the report does
 * not show, e.g. the plans without relatives), but an attacker may work them out, so they take
 * part like any other.
 */

export interface SumRelation {
  total: string;
  parts: readonly string[];
}

export interface SuppressionInput {
  values: ReadonlyMap<string, number>;
  relations: readonly SumRelation[];
  hidden: ReadonlySet<string>;
  threshold: number;
}

const small = (value: number, threshold: number) => value >= 1 && value < threshold;

/** The cells an attacker knows from the published ones, through the sums: each sum with one unknown gives it. */
export function derivable(published: ReadonlySet<string>, relations: readonly SumRelation[]): Set<string> {
  const known = new Set(published);
  let changed = true;
  while (changed) {
    changed = false;
    for (const relation of relations) {
      const cells = [relation.total, ...relation.parts];
      const unknown = cells.filter((cell) => !known.has(cell));
      if (unknown.length === 1) {
        known.add(unknown[0]!);
        changed = true;
      }
    }
  }
  return known;
}

/** A count under the threshold an attacker can work out from the published cells, as the cells of the sum that gives it away; or null. */
export function findDisclosure(
  published: ReadonlySet<string>,
  input: Pick<SuppressionInput, 'values' | 'relations' | 'threshold'>,
): { relation: SumRelation; cell?: string } | null {
  const { values, relations, threshold } = input;
  const known = derivable(published, relations);
  const value = (cell: string) => values.get(cell) ?? 0;
  for (const relation of relations) {
    const cells = [relation.total, ...relation.parts];
    const unknown = cells.filter((cell) => !published.has(cell));
    // A cell worked out through this sum alone or with others.
    for (const cell of unknown) {
      if (known.has(cell) && small(value(cell), threshold)) {
        const others = cells.filter((c) => c !== cell);
        if (others.every((c) => known.has(c))) return { relation, cell };
      }
    }
    // The total known: the unknown parts together are the total less the known parts.
    if (known.has(relation.total)) {
      const unknownParts = relation.parts.filter((part) => !known.has(part));
      if (unknownParts.length >= 2 && small(unknownParts.reduce((sum, part) => sum + value(part), 0), threshold)) return { relation };
    }
  }
  // A cell known through sums without a single sum showing it (chains): any that is small.
  for (const cell of known) {
    if (!published.has(cell) && small(value(cell), threshold)) {
      const relation = relations.find((r) => r.total === cell || r.parts.includes(cell));
      if (relation) return { relation, cell };
    }
  }
  return null;
}

/**
 * The cells to suppress: every count under the threshold, and then, while the published cells
 * still give one away, the smallest published cell of the sum that does (a part before the
 * total). Returns the published cells; every other cell is suppressed (or hidden).
 *
 * Cells that share no sum, however many sums apart, cannot tell anything of each other: the
 * table is protected one such group at a time (a figure's months, quarters and years with the
 * figures summed with it), which keeps the work in proportion to the group, not the table.
 */
export function protect(input: SuppressionInput): Set<string> {
  const parent = new Map<string, string>();
  const root = (cell: string): string => {
    let r = cell;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(cell, r);
    return r;
  };
  const join = (a: string, b: string) => {
    const [ra, rb] = [root(a), root(b)];
    if (ra !== rb) parent.set(ra, rb);
  };
  for (const cell of input.values.keys()) root(cell);
  for (const relation of input.relations) for (const part of relation.parts) join(relation.total, part);
  const groups = new Map<string, { values: Map<string, number>; relations: SumRelation[] }>();
  const groupOf = (cell: string) => {
    const r = root(cell);
    let group = groups.get(r);
    if (!group) groups.set(r, (group = { values: new Map(), relations: [] }));
    return group;
  };
  for (const [cell, value] of input.values) groupOf(cell).values.set(cell, value);
  for (const relation of input.relations) groupOf(relation.total).relations.push(relation);
  const published = new Set<string>();
  for (const group of groups.values()) {
    for (const cell of protectGroup({ ...input, values: group.values, relations: group.relations })) published.add(cell);
  }
  return published;
}

/** {@link protect} for cells tied by sums into one group. */
function protectGroup(input: SuppressionInput): Set<string> {
  const { values, relations, hidden, threshold } = input;
  const published = new Set<string>();
  for (const [cell, value] of values) if (!hidden.has(cell) && value >= threshold) published.add(cell);
  for (;;) {
    const disclosure = findDisclosure(published, input);
    if (!disclosure) return published;
    const { relation, cell } = disclosure;
    const candidates = relation.parts.filter((part) => part !== cell && published.has(part));
    const byValue = (a: string, b: string) => (values.get(a) ?? 0) - (values.get(b) ?? 0) || a.localeCompare(b);
    let victim = candidates.sort(byValue)[0];
    if (!victim && relation.total !== cell && published.has(relation.total)) victim = relation.total;
    // Known only through other sums: suppress the smallest published cell of any sum the cells of this one are in.
    if (!victim) {
      const near = new Set([relation.total, ...relation.parts]);
      victim = relations
        .filter((r) => [r.total, ...r.parts].some((c) => near.has(c)))
        .flatMap((r) => [r.total, ...r.parts])
        .filter((c) => published.has(c))
        .sort(byValue)[0];
    }
    // Nothing near: the smallest published cell of all (the table only loses cells, so this ends).
    victim ??= [...published].sort(byValue)[0];
    if (!victim) return published;
    published.delete(victim);
  }
}
