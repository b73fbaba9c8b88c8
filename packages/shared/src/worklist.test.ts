import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Commitment, CommitmentEvent, RelativeSupport } from './plan.ts';
import { attentionItems, reviewDueOn } from './worklist.ts';

const staff = (at: string, status: CommitmentEvent['status']): CommitmentEvent => ({ at, status, by: 'staff' });
const own = (at: string, status: CommitmentEvent['status'], extra: Partial<CommitmentEvent> = {}): CommitmentEvent => ({ at, status, by: 'relative', ...extra });
const requested = staff('2026-11-20T10:00:00.000Z', 'requested');
const accepted = own('2026-11-21T08:00:00.000Z', 'accepted');

const commitment = (id: string, history: CommitmentEvent[]): Commitment => ({
  id,
  what: 'Handla mat',
  howOften: 'En gång i veckan',
  from: '2026-12-01',
  reviewDate: '2027-06-01',
  history,
});
const relative = (commitments: Commitment[], support?: RelativeSupport) => [{ id: 'maria', commitments, ...(support ? { support } : {}) }];
const summary = (items: ReturnType<typeof attentionItems>) => items.map((i) => [i.kind, i.open, i.since, i.resolvedAt ?? null]);

describe('what in the relatives section needs attention', () => {
  it('raises nothing for a commitment accepted and not yet due', () => {
    expect(attentionItems(relative([commitment('c1', [requested, accepted])]), '2027-05-31')).toEqual([]);
  });

  it('raises a passed review date the day after it, for an accepted or unanswered commitment', () => {
    expect(attentionItems(relative([commitment('c1', [requested, accepted])]), '2027-06-01')).toEqual([]);
    expect(attentionItems(relative([commitment('c1', [requested, accepted]), commitment('c2', [requested])]), '2027-06-02')).toEqual([
      { key: 'maria/c1/review-due/2027-06-01', kind: 'commitment-review-due', relativeId: 'maria', commitmentId: 'c1', since: '2027-06-01', open: true },
      { key: 'maria/c2/review-due/2027-06-01', kind: 'commitment-review-due', relativeId: 'maria', commitmentId: 'c2', since: '2027-06-01', open: true },
    ]);
  });

  it('closes a passed review date when the relative confirms again, and opens the next one when that passes', () => {
    const late = commitment('c1', [requested, accepted, own('2027-06-10T09:00:00.000Z', 'reconfirmed', { reviewDate: '2027-12-10' })]);
    expect(summary(attentionItems(relative([late]), '2027-06-11'))).toEqual([['commitment-review-due', false, '2027-06-01', '2027-06-10T09:00:00.000Z']]);
    expect(summary(attentionItems(relative([late]), '2027-12-11'))).toEqual([
      ['commitment-review-due', false, '2027-06-01', '2027-06-10T09:00:00.000Z'],
      ['commitment-review-due', true, '2027-12-10', null],
    ]);
    const inTime = commitment('c2', [requested, accepted, own('2027-05-25T09:00:00.000Z', 'reconfirmed', { reviewDate: '2027-11-25' })]);
    expect(attentionItems(relative([inTime]), '2027-06-11')).toEqual([]);
  });

  it('keeps a decline or withdrawal open until staff act on the commitment, then closed with when', () => {
    const declined = commitment('c1', [requested, own('2026-11-22T08:00:00.000Z', 'declined')]);
    const withdrawn = commitment('c2', [requested, accepted, own('2027-01-10T12:00:00.000Z', 'withdrawn')]);
    expect(summary(attentionItems(relative([declined, withdrawn]), '2027-01-11'))).toEqual([
      ['commitment-declined', true, '2026-11-22T08:00:00.000Z', null],
      ['commitment-withdrawn', true, '2027-01-10T12:00:00.000Z', null],
    ]);
    const replanned = commitment('c2', [...withdrawn.history, staff('2027-01-12T08:00:00.000Z', 'cancelled')]);
    expect(summary(attentionItems(relative([replanned]), '2027-07-01'))).toEqual([['commitment-withdrawn', false, '2027-01-10T12:00:00.000Z', '2027-01-12T08:00:00.000Z']]);
  });

  it('closes a passed review date that a later withdrawal made moot', () => {
    const after = commitment('c1', [requested, accepted, own('2027-06-05T12:00:00.000Z', 'withdrawn')]);
    expect(summary(attentionItems(relative([after]), '2027-06-06'))).toEqual([
      ['commitment-withdrawn', true, '2027-06-05T12:00:00.000Z', null],
      ['commitment-review-due', false, '2027-06-01', '2027-06-05T12:00:00.000Z'],
    ]);
  });

  it('keeps a request open until it is handled, and a contact request until a referral after it', () => {
    const support: RelativeSupport = {
      offered: [],
      requests: [
        { kind: 'contact-consultant', at: '2026-11-25T09:00:00+01:00' },
        { kind: 'needs-assessment', at: '2026-11-26T09:00:00+01:00', handledAt: '2026-11-28T10:00:00+01:00' },
        { kind: 'contact-consultant', at: '2026-12-02T09:00:00+01:00' },
      ],
      referredToConsultantAt: '2026-11-30T10:00:00+01:00',
    };
    const items = attentionItems(relative([], support), '2026-12-03');
    expect(items.map((i) => [i.key, i.open, i.resolvedAt ?? null])).toEqual([
      ['maria/contact-request/2026-11-25T09:00:00+01:00', false, '2026-11-30T10:00:00+01:00'],
      ['maria/needs-assessment-request/2026-11-26T09:00:00+01:00', false, '2026-11-28T10:00:00+01:00'],
      ['maria/contact-request/2026-12-02T09:00:00+01:00', true, null],
    ]);
  });
});

describe('the earliest review date in force', () => {
  const day = fc.integer({ min: 0, max: 60 }).map((n) => new Date(Date.UTC(2027, 0, 1 + n)).toISOString().slice(0, 10));
  const event = fc.record({
    at: day.map((d) => `${d}T09:00:00.000Z`),
    status: fc.constantFrom<CommitmentEvent['status']>('requested', 'accepted', 'declined', 'withdrawn', 'cancelled', 'reconfirmed'),
    by: fc.constantFrom<CommitmentEvent['by']>('staff', 'relative'),
    reviewDate: fc.option(day, { nil: undefined }),
  });
  const aCommitment = fc.record({ id: fc.constantFrom('c1', 'c2', 'c3'), reviewDate: day, history: fc.array(event, { minLength: 1, maxLength: 5 }) });
  const section = fc.array(
    fc.record({ id: fc.constantFrom('maria', 'bengt'), commitments: fc.uniqueArray(aCommitment, { selector: (c) => c.id, maxLength: 3 }) }),
    { maxLength: 3 },
  );

  it('is passed exactly when the work list has an open review-due item', () => {
    fc.assert(
      fc.property(section, day, (relatives, today) => {
        const sectionRelatives = relatives.map((r) => ({
          id: r.id,
          commitments: r.commitments.map((c) => ({ ...c, what: 'Handla mat', howOften: 'En gång i veckan', from: '2027-01-01', history: c.history.map((e) => (e.reviewDate ? e : { at: e.at, status: e.status, by: e.by })) })),
        }));
        const open = attentionItems(sectionRelatives, today).some((i) => i.kind === 'commitment-review-due' && i.open);
        const due = reviewDueOn(sectionRelatives);
        expect(open).toBe(due !== null && due < today);
      }),
      { numRuns: 500 },
    );
  });

  it('is the earliest date of the commitments in force, and none without one', () => {
    expect(reviewDueOn(relative([]))).toBeNull();
    expect(reviewDueOn(relative([commitment('c1', [requested, own('2026-11-22T08:00:00.000Z', 'declined')])]))).toBeNull();
    const later = { ...commitment('c2', [requested, accepted]), reviewDate: '2027-09-01' };
    expect(reviewDueOn(relative([later, commitment('c1', [requested])]))).toBe('2027-06-01');
    const reconfirmed = commitment('c1', [requested, accepted, own('2027-05-20T08:00:00.000Z', 'reconfirmed', { reviewDate: '2027-12-01' })]);
    expect(reviewDueOn(relative([reconfirmed, later]))).toBe('2027-09-01');
  });
});
