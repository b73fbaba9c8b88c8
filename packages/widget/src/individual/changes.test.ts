import { describe, expect, it } from 'vitest';
import { PendingRequests } from '../pending.ts';
import { checkOwnWords, OWN_LINE_MAX, OWN_LINES_MAX, readUntil, receiptReference, sharingInForce, targetOf, type Change } from './changes.ts';

describe("the individual's own words", () => {
  it('are one item a line, trimmed, empty lines dropped; a line the plan has keeps its id', () => {
    const before = [
      { id: 'g1', text: 'Kunna bo kvar hemma' },
      { id: 'g2', text: 'Gå till affären själv' },
    ];
    expect(checkOwnWords('  Gå till affären själv \n\n Träffa barnbarnen\r\nKunna bo kvar hemma', before)).toEqual({
      ok: true,
      items: [{ id: 'g2', text: 'Gå till affären själv' }, { text: 'Träffa barnbarnen' }, { id: 'g1', text: 'Kunna bo kvar hemma' }],
    });
    // The same text twice keeps the id once.
    expect(checkOwnWords('Kunna bo kvar hemma\nKunna bo kvar hemma', before)).toEqual({
      ok: true,
      items: [{ id: 'g1', text: 'Kunna bo kvar hemma' }, { text: 'Kunna bo kvar hemma' }],
    });
    expect(checkOwnWords('   \n  ')).toEqual({ ok: true, items: [] });
  });

  it('are refused as the service refuses them: too long a line, too many lines, control characters', () => {
    expect(checkOwnWords('x'.repeat(OWN_LINE_MAX))).toMatchObject({ ok: true });
    expect(checkOwnWords('x'.repeat(OWN_LINE_MAX + 1))).toEqual({ ok: false, problem: 'too-long' });
    expect(checkOwnWords(Array.from({ length: OWN_LINES_MAX + 1 }, (_, i) => `rad ${i}`).join('\n'))).toEqual({ ok: false, problem: 'too-many' });
    expect(checkOwnWords('med\u0007klocka')).toEqual({ ok: false, problem: 'control' });
    expect(checkOwnWords('med\ttab')).toMatchObject({ ok: true });
  });
});

describe('a last day', () => {
  const today = new Date(2026, 11, 3, 12);

  it('is empty (no last day) or a real calendar day from today on', () => {
    expect(readUntil('', today)).toEqual({ ok: true, value: undefined });
    expect(readUntil(' 2026-12-03 ', today)).toEqual({ ok: true, value: '2026-12-03' });
    expect(readUntil('2027-06-30', today)).toEqual({ ok: true, value: '2027-06-30' });
  });

  it('is refused when it has passed, is no calendar day or is written another way', () => {
    for (const typed of ['2026-12-02', '2027-02-30', '2027-13-01', '30/6 2027', '2027-6-30', 'i morgon']) {
      expect(readUntil(typed, today), typed).toEqual({ ok: false });
    }
  });
});

describe('a relative’s sharing', () => {
  const now = new Date(2026, 11, 3, 12);
  const sharing = { categories: ['goals' as const], form: 'written' as const, recordedAt: '2026-01-01T00:00:00Z', recordedBy: { name: 'Astrid' } };

  it('is in force when given, not withdrawn, within its days, and naming a category', () => {
    expect(sharingInForce({ sharing }, now)).toBe(true);
    expect(sharingInForce({ sharing: { ...sharing, validUntil: '2026-12-03' } }, now)).toBe(true);
    expect(sharingInForce({ sharing: { ...sharing, validUntil: '2026-12-02' } }, now)).toBe(false);
    expect(sharingInForce({ sharing: { ...sharing, validFrom: '2026-12-04' } }, now)).toBe(false);
    expect(sharingInForce({ sharing: { ...sharing, revokedAt: '2026-12-01T00:00:00Z' } }, now)).toBe(false);
    expect(sharingInForce({ sharing: { ...sharing, categories: [] } }, now)).toBe(false);
    expect(sharingInForce({ sharing: null }, now)).toBe(false);
  });
});

describe('changes', () => {
  it('have one target each within a plan: the consent, each relative, their own words', () => {
    const changes: Change[] = [
      { kind: 'consent', planId: 'p', body: { decision: 'withdraw' }, status: 'withdrawn' },
      { kind: 'sharing', planId: 'p', relativeId: 'r1', body: { decision: 'withdraw' }, status: 'withdrawn' },
      { kind: 'own-words', planId: 'p', body: { individualGoals: [] }, ifMatch: 'W/"1"', status: 'saved' },
    ];
    expect(changes.map(targetOf)).toEqual(['consent', 'sharing-r1', 'own-words']);
  });

  it('are referred to in a receipt by the plan and the version the change made', () => {
    expect(receiptReference({ planId: '6f1c2a3b-0000-4000-8000-000000000000', revision: 12 })).toBe('6F1C2A3B-12');
  });
});

describe('a change pressed twice, or retried', () => {
  it('goes under one idempotency key until it is settled; another change on the same target gets a new one', () => {
    const pending = new PendingRequests<Change>(targetOf);
    const withdraw: Change = { kind: 'consent', planId: 'p', body: { decision: 'withdraw' }, status: 'withdrawn' };
    const key = pending.keyFor(withdraw);
    expect(pending.keyFor({ ...withdraw })).toBe(key);
    expect(pending.get('p', 'consent')).toEqual(withdraw);
    const give: Change = { kind: 'consent', planId: 'p', body: { decision: 'give', information: ['goals'], actors: ['SE1'] }, status: 'given' };
    const other = pending.keyFor(give);
    expect(other).not.toBe(key);
    // Another target keeps its own.
    const sharing: Change = { kind: 'sharing', planId: 'p', relativeId: 'r1', body: { decision: 'withdraw' }, status: 'withdrawn' };
    const sharingKey = pending.keyFor(sharing);
    expect(pending.keyFor(give)).toBe(other);
    pending.settle(give);
    expect(pending.get('p', 'consent')).toBeUndefined();
    expect(pending.keyFor(give)).not.toBe(other);
    expect(pending.keyFor(sharing)).toBe(sharingKey);
  });
});
