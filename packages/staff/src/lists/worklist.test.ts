import { describe, expect, it } from 'vitest';
import { focusOf, groupByUrgency, requestIndexOf, type WorkItem } from './worklist.ts';

const item = (over: Partial<WorkItem>): WorkItem => ({
  planId: 'p1',
  kind: 'commitment-declined',
  since: '2026-01-01T10:00:00Z',
  relativeId: 'r1',
  relativeName: 'Maria',
  commitmentId: 'c1',
  overallResponsibility: 'municipality',
  ...over,
});

describe('the work list', () => {
  it('groups by kind, most urgent first, the longest waiting first within each', () => {
    const items = [
      item({ kind: 'contact-request', commitmentId: null, since: '2025-01-01T00:00:00Z' }),
      item({ kind: 'commitment-declined', since: '2026-02-01T00:00:00Z', planId: 'late' }),
      item({ kind: 'commitment-review-due', since: '2025-12-01' }),
      item({ kind: 'follow-up-due', since: '2026-01-05', relativeId: null, commitmentId: null }),
      item({ kind: 'consent-withdrawn', relativeId: null, commitmentId: null, since: '2026-03-01T00:00:00Z' }),
      item({ kind: 'commitment-declined', since: '2026-01-01T00:00:00Z', planId: 'early' }),
    ];
    const groups = groupByUrgency(items);
    expect(groups.map((g) => g.kind)).toEqual(['consent-withdrawn', 'commitment-declined', 'follow-up-due', 'commitment-review-due', 'contact-request']);
    expect(groups[1]!.items.map((i) => i.planId)).toEqual(['early', 'late']);
  });

  it('a review date and an instant on the same day: the date counts from the start of the day', () => {
    const groups = groupByUrgency([item({ kind: 'commitment-review-due', since: '2026-01-01T08:00:00Z', planId: 'b' }), item({ kind: 'commitment-review-due', since: '2026-01-01', planId: 'a' })]);
    expect(groups[0]!.items.map((i) => i.planId)).toEqual(['a', 'b']);
  });

  it('names the item in the plan each opens at', () => {
    expect(focusOf(item({}))).toBe('relative:r1:commitment:c1');
    expect(focusOf(item({ kind: 'commitment-withdrawn' }))).toBe('relative:r1:commitment:c1');
    expect(focusOf(item({ kind: 'commitment-review-due' }))).toBe('relative:r1:commitment:c1');
    expect(focusOf(item({ kind: 'contact-request', commitmentId: null, requestIndex: 2 }))).toBe('relative:r1:request:2');
    expect(focusOf(item({ kind: 'needs-assessment-request', commitmentId: null, requestIndex: 0 }))).toBe('relative:r1:request:0');
    expect(focusOf(item({ kind: 'contact-request', commitmentId: null }))).toBe('relative:r1');
    expect(focusOf(item({ kind: 'follow-up-due', relativeId: null, commitmentId: null }))).toBe('follow-up');
    expect(focusOf(item({ kind: 'consent-withdrawn', relativeId: null, commitmentId: null }))).toBe('consent');
    expect(focusOf(item({ kind: 'consent-expired', relativeId: null, commitmentId: null }))).toBe('consent');
  });

  it("finds a request's place among the relative's requests by its kind and instant", () => {
    const requests = [
      { kind: 'needs-assessment', at: '2026-01-01T10:00:00Z' },
      { kind: 'contact-consultant', at: '2026-01-01T10:00:00Z' },
      { kind: 'contact-consultant', at: '2026-01-02T10:00:00.000Z' },
    ];
    expect(requestIndexOf({ kind: 'contact-request', since: '2026-01-01T10:00:00Z' }, requests)).toBe(1);
    expect(requestIndexOf({ kind: 'contact-request', since: '2026-01-02T10:00:00Z' }, requests)).toBe(2);
    expect(requestIndexOf({ kind: 'needs-assessment-request', since: '2026-01-01T10:00:00Z' }, requests)).toBe(0);
    expect(requestIndexOf({ kind: 'contact-request', since: '2026-05-01T10:00:00Z' }, requests)).toBeUndefined();
    expect(requestIndexOf({ kind: 'commitment-declined', since: '2026-01-01T10:00:00Z' }, requests)).toBeUndefined();
    expect(requestIndexOf({ kind: 'contact-request', since: '2026-01-01T10:00:00Z' }, undefined)).toBeUndefined();
  });
});
