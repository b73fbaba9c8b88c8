import { describe, expect, it } from 'vitest';
import { allowedAnswers, answerRefusal, isChildOn, nextReviewDate } from './commitments.ts';
import type { Commitment } from './plan.ts';

const at = '2026-12-01T10:00:00Z';
const commitment = (statuses: Commitment['history'][number]['status'][], reviewDate = '2027-03-01'): Commitment => ({
  id: 'c1',
  what: 'Handla',
  howOften: 'Varje vecka',
  from: '2026-12-01',
  reviewDate,
  history: statuses.map((status) => ({ at, status, by: status === 'requested' || status === 'cancelled' ? 'staff' : 'relative' })),
});
const adult = { child: false, today: '2026-12-02' };

describe('a commitment’s life', () => {
  it('offers accept and decline while requested, withdraw while accepted, confirm again near the review, nothing once ended', () => {
    expect(allowedAnswers(commitment(['requested']), adult)).toEqual(['accept', 'decline']);
    expect(allowedAnswers(commitment(['requested', 'accepted']), adult)).toEqual(['withdraw']);
    expect(allowedAnswers(commitment(['requested', 'accepted'], '2026-12-10'), adult)).toEqual(['reconfirm', 'withdraw']);
    for (const ended of [['requested', 'accepted', 'withdrawn'], ['requested', 'cancelled'], ['requested', 'declined', 'cancelled']] as const) {
      expect(allowedAnswers(commitment([...ended]), adult), ended.join()).toEqual([]);
    }
  });

  it('lets a decline be changed to an accept until staff act on it, never a second decline', () => {
    expect(allowedAnswers(commitment(['requested', 'declined']), adult)).toEqual(['accept']);
    expect(answerRefusal(commitment(['requested', 'declined']), 'decline', adult)).toMatchObject({ status: 409 });
    expect(allowedAnswers(commitment(['requested', 'declined', 'accepted']), adult)).toEqual(['withdraw']);
    // Staff proposed it anew after the no: a fresh request, answered as any other.
    expect(allowedAnswers(commitment(['requested', 'declined', 'requested']), adult)).toEqual(['accept', 'decline']);
    expect(allowedAnswers(commitment(['requested', 'declined', 'cancelled']), adult)).toEqual([]);
    expect(allowedAnswers(commitment(['requested', 'declined']), { ...adult, child: true })).toEqual([]);
  });

  it('offers a child nothing to take on, and nothing at all on a closed plan', () => {
    expect(allowedAnswers(commitment(['requested']), { ...adult, child: true })).toEqual(['decline']);
    expect(answerRefusal(commitment(['requested']), 'accept', { ...adult, child: true })).toMatchObject({ status: 422 });
    expect(allowedAnswers(commitment(['requested', 'accepted']), { ...adult, planClosed: true })).toEqual([]);
  });

  it('sets the next review beyond the window, from the date that was due', () => {
    expect(nextReviewDate(commitment(['requested', 'accepted'], '2026-12-10'), '2026-12-02')).toBe('2027-01-09');
    expect(nextReviewDate(commitment(['requested', 'accepted'], '2026-12-01'), '2026-12-05')).toBe('2027-06-03');
  });

  it('knows a child by the recorded flag, the person id or the birth date, on the day', () => {
    expect(isChildOn({ personId: '201209019841' }, new Date('2026-12-02'))).toBe(true);
    expect(isChildOn({ personId: '201209019841' }, new Date('2030-09-01'))).toBe(false);
    expect(isChildOn({ birthDate: '2010-05-01' }, new Date('2026-12-02'))).toBe(true);
    expect(isChildOn({ child: true, personId: '196807059826' }, new Date('2026-12-02'))).toBe(true);
    expect(isChildOn({}, new Date('2026-12-02'))).toBe(false);
  });
});
