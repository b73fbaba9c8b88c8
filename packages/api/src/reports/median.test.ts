import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { medianOf } from './relatives-support.ts';

/** percentile_cont(0.5) as SQL defines it: the value at position (n − 1) / 2 of the sorted values, interpolated. */
function percentileCont(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) / 2;
  const below = sorted[Math.floor(position)]!;
  const above = sorted[Math.ceil(position)]!;
  return below + (above - below) * (position - Math.floor(position));
}

describe('the median of days counted by value', () => {
  it('is SQL percentile_cont(0.5) of the values the counts stand for, and counts them (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -30, max: 400 }), { minLength: 1, maxLength: 200 }), (values) => {
        const counts = new Map<number, number>();
        for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
        expect(medianOf(counts)).toEqual({ median: percentileCont(values), of: values.length });
      }),
    );
  });

  it('takes halfway between the two middle values of an even number', () => {
    expect(medianOf(new Map([[2, 1], [9, 1]]))).toEqual({ median: 5.5, of: 2 });
    expect(medianOf(new Map([[1, 3], [20, 1]]))).toEqual({ median: 1, of: 4 });
    expect(medianOf(new Map([[1, 2], [20, 2]]))).toEqual({ median: 10.5, of: 4 });
  });
});
