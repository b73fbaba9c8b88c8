import { describe, expect, it } from 'vitest';
import { backoff, parseChange } from './live.ts';

describe('following the plan', () => {
  it('waits longer after each failed attempt, up to 30 seconds', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 5, 6, 20].map((n) => backoff(n, mid))).toEqual([750, 1500, 3000, 6000, 12000, 22500, 22500, 22500]);
    expect(backoff(0, () => 0)).toBe(500);
    expect(backoff(10, () => 1)).toBe(30000);
  });

  it('reads a change event’s ids, and nothing else', () => {
    const data = { planId: 'p', type: 'plan.updated', partId: null, version: 4, revision: 10, organisationId: 'SE1', at: '2026-12-03T10:00:00Z' };
    expect(parseChange(JSON.stringify(data))).toEqual(data);
    expect(parseChange('nope')).toBeUndefined();
    expect(parseChange('{"planId":"p"}')).toBeUndefined();
  });
});
