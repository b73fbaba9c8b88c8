/**
 * Conflicts: what the user typed (mine), what the form opened with (base) and what the plan
 * holds now (current), field by field. Nothing the user typed is dropped.
 */
export type DraftValue = string | string[];
/** A form's values by field key; the key is the field's path in the request body. */
export type Draft = Record<string, DraftValue>;

/** A value as text, for comparing and showing: a list of choices sorted. */
export function textOf(value: DraftValue | undefined): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return [...value].sort().join(', ');
  return value.replace(/\r\n/g, '\n').trim();
}

export function sameValue(a: DraftValue | undefined, b: DraftValue | undefined): boolean {
  return textOf(a) === textOf(b);
}

export interface FieldComparison {
  key: string;
  mine: DraftValue | undefined;
  current: DraftValue | undefined;
  /** The user changed it from what the form opened with. */
  mineChanged: boolean;
  /** Someone else changed it since the form opened. */
  theirsChanged: boolean;
  /** Mine and the current one differ. */
  differs: boolean;
}

/** Every field in any of the three drafts, in the order the form holds them. */
export function compareDrafts(base: Draft, mine: Draft, current: Draft): FieldComparison[] {
  const keys = [...new Set([...Object.keys(mine), ...Object.keys(current), ...Object.keys(base)])];
  return keys.map((key) => ({
    key,
    mine: mine[key],
    current: current[key],
    mineChanged: !sameValue(mine[key], base[key]),
    theirsChanged: !sameValue(current[key], base[key]),
    differs: !sameValue(mine[key], current[key]),
  }));
}

/** Whether anything the user changed collides with something changed by someone else. */
export function hasCollision(comparisons: FieldComparison[]): boolean {
  return comparisons.some((c) => c.mineChanged && c.theirsChanged && c.differs);
}

/**
 * The user's values on top of the current version: each field the user changed takes their
 * value, every other field the current one.
 */
export function mergeMine(base: Draft, mine: Draft, current: Draft): Draft {
  const merged: Draft = { ...current };
  for (const key of new Set([...Object.keys(mine), ...Object.keys(current)])) {
    if (!sameValue(mine[key], base[key])) merged[key] = mine[key] ?? '';
  }
  return merged;
}

/** The lines of one version, each marked when the other version does not have it. */
export function linesAgainst(value: DraftValue | undefined, other: DraftValue | undefined): { text: string; changed: boolean }[] {
  const split = (v: DraftValue | undefined) => (Array.isArray(v) ? [...v].sort() : textOf(v).split('\n')).filter((line) => line !== '');
  const theirs = new Set(split(other));
  return split(value).map((text) => ({ text, changed: !theirs.has(text) }));
}
