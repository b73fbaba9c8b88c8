/**
 * What in a relatives section needs a principal's attention: the staff work list, and the FHIR
 * Tasks addressed to the principal responsible for the plan. Both come from this one reading
 * of the section, so the list and the published Tasks never disagree.
 */
import { commitmentReviewDate, commitmentStatus, type Commitment, type Relative } from './plan.ts';

export type AttentionKind =
  | 'commitment-declined'
  | 'commitment-withdrawn'
  | 'commitment-review-due'
  | 'contact-request'
  | 'needs-assessment-request'
  | 'leave-role-request';

/** The work-list item a relative's request gives rise to. */
export const REQUEST_ATTENTION = {
  'contact-consultant': 'contact-request',
  'needs-assessment': 'needs-assessment-request',
  'leave-role': 'leave-role-request',
} as const satisfies Record<string, AttentionKind>;

export interface AttentionItem {
  /** Stable within the plan: `<relative id>/<what>`; the FHIR Task's identifier is built on it. */
  key: string;
  kind: AttentionKind;
  relativeId: string;
  commitmentId: string | null;
  /** When it arose: the answer's or request's instant, or the review date that passed. */
  since: string;
  /** On the work list until it is dealt with. */
  open: boolean;
  /** When it was dealt with (not open): the event that closed it. */
  resolvedAt?: string;
}

type SectionRelative = Pick<Relative, 'commitments' | 'support'> & { id: string };

/**
 * The earliest review date among the section's commitments still in force (accepted, or
 * proposed and unanswered), or null: the day after it, {@link attentionItems} has an open
 * review-due item, and not before. The service keeps it with the plan, so that the plans whose
 * review dates have passed are found by an index.
 */
export function reviewDueOn(relatives: readonly Pick<SectionRelative, 'commitments'>[]): string | null {
  let earliest: string | null = null;
  for (const relative of relatives) {
    for (const commitment of relative.commitments ?? []) {
      const status = commitmentStatus(commitment);
      if (status !== 'accepted' && status !== 'requested') continue;
      const date = commitmentReviewDate(commitment);
      if (earliest === null || date < earliest) earliest = date;
    }
  }
  return earliest;
}

/** The UTC day of an instant, as the work list counts days. */
const dayOf = (instant: string) => new Date(instant).toISOString().slice(0, 10);

/**
 * Every attention item the section has given rise to, open or dealt with, as of `today`
 * (YYYY-MM-DD): declines and withdrawals until staff act on the commitment, review dates
 * passed until the relative confirms again, and requests until staff handle them.
 */
export function attentionItems(relatives: readonly SectionRelative[], today: string): AttentionItem[] {
  const items: AttentionItem[] = [];
  for (const relative of relatives) {
    for (const commitment of relative.commitments ?? []) items.push(...commitmentItems(relative.id, commitment, today));
    const referred = relative.support?.referredToConsultantAt;
    for (const request of relative.support?.requests ?? []) {
      const kind: AttentionKind = REQUEST_ATTENTION[request.kind];
      const referredAfter = request.kind === 'contact-consultant' && referred && Date.parse(referred) >= Date.parse(request.at) ? referred : undefined;
      const resolvedAt = request.handledAt ?? referredAfter;
      items.push({
        key: `${relative.id}/${kind}/${request.at}`,
        kind,
        relativeId: relative.id,
        commitmentId: null,
        since: request.at,
        open: !resolvedAt,
        ...(resolvedAt ? { resolvedAt } : {}),
      });
    }
  }
  return items;
}

function commitmentItems(relativeId: string, commitment: Commitment, today: string): AttentionItem[] {
  const items: AttentionItem[] = [];
  const status = commitmentStatus(commitment);
  const history = commitment.history;
  const base = { relativeId, commitmentId: commitment.id };

  // A decline or a withdrawal: open while it is the commitment's state, dealt with by whatever came next.
  for (const kind of ['declined', 'withdrawn'] as const) {
    const index = history.findLastIndex((e) => e.status === kind);
    if (index < 0) continue;
    const next = history[index + 1];
    items.push({
      ...base,
      key: `${relativeId}/${commitment.id}/${kind}`,
      kind: `commitment-${kind}`,
      since: history[index]!.at,
      open: status === kind && !next,
      ...(next ? { resolvedAt: next.at } : {}),
    });
  }

  // Each review date in turn: passed before the relative confirmed again, or passed now.
  const reviewDates = [commitment.reviewDate, ...history.filter((e) => e.status === 'reconfirmed' && e.reviewDate).map((e) => e.reviewDate!)];
  const confirmations = history.filter((e) => e.status === 'reconfirmed' && e.reviewDate);
  reviewDates.forEach((date, i) => {
    const key = `${relativeId}/${commitment.id}/review-due/${date}`;
    const confirmedAgain = confirmations[i];
    if (confirmedAgain) {
      if (dayOf(confirmedAgain.at) > date) items.push({ ...base, key, kind: 'commitment-review-due', since: date, open: false, resolvedAt: confirmedAgain.at });
      return;
    }
    if (date !== commitmentReviewDate(commitment)) return;
    if (status === 'accepted' || status === 'requested') {
      if (date < today) items.push({ ...base, key, kind: 'commitment-review-due', since: date, open: true });
      return;
    }
    // Declined, withdrawn or cancelled after the date had passed: the review is moot.
    const ended = history[history.length - 1]!;
    if (dayOf(ended.at) > date) items.push({ ...base, key, kind: 'commitment-review-due', since: date, open: false, resolvedAt: ended.at });
  });
  return items;
}
