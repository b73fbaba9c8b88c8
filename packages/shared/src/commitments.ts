/**
 * The life of a relative's voluntary commitment, once: which answers the relative can give in
 * which state (a decline can be changed to an accept until staff act on it), when a commitment may be confirmed again, who may cancel it, and who counts as
 * a child. The service enforces it, the relative's API lists `allowedAnswers` from it, and the
 * widget offers exactly those.
 */
import { ageOn, parsePersonId } from './identifiers.ts';
import { commitmentReviewDate, commitmentStatus, type Commitment, type CommitmentStatus } from './plan.ts';
import { addDays, daysBetween, reconfirmOpensOn } from './review-window.ts';


/** What a relative can answer on a commitment proposed to them. */
export const commitmentAnswers = ['accept', 'decline', 'withdraw', 'reconfirm'] as const;
export type CommitmentAnswerKind = (typeof commitmentAnswers)[number];

/** The review interval used when a commitment's own is empty (its review date on its first day). */
export const FALLBACK_REVIEW_DAYS = 180;
/** The shortest interval to the next review: longer than the window, so a confirmation always ends the review. */
export const MIN_REVIEW_INTERVAL_DAYS = 30;


/** A person as the relatives section knows them: the child flag staff recorded, a person id, a birth date. */
export interface PersonFacts {
  child?: boolean | undefined;
  personId?: string | undefined;
  birthDate?: string | undefined;
}

/**
 * Whether a person is a child (under 18) on a day: recorded as one, or younger than 18 by their
 * personnummer, samordningsnummer or birth date. Children are never asked for commitments or
 * for consent to the home as a place of care.
 */
export function isChildOn(person: PersonFacts, on: Date): boolean {
  if (person.child) return true;
  if (person.personId && parsePersonId(person.personId)) return ageOn(person.personId, on) < 18;
  if (person.birthDate && /^\d{4}-\d{2}-\d{2}$/.test(person.birthDate)) {
    const compact = `${person.birthDate.replaceAll('-', '')}0000`;
    const year = Number(compact.slice(0, 4));
    const month = Number(compact.slice(4, 6));
    const day = Number(compact.slice(6, 8));
    let age = on.getUTCFullYear() - year;
    if (on.getUTCMonth() + 1 < month || (on.getUTCMonth() + 1 === month && on.getUTCDate() < day)) age -= 1;
    return age < 18;
  }
  return false;
}

/** Why an answer cannot be given now, or null when it can. `status` 409: not in this state; 422: not for this person. */
export function answerRefusal(
  commitment: Pick<Commitment, 'history' | 'reviewDate'>,
  answer: CommitmentAnswerKind,
  context: { child: boolean; today: string; planClosed?: boolean | undefined },
): { status: 409 | 422; reason: string } | null {
  if (context.planClosed) return { status: 409, reason: 'The plan is closed: it takes no more answers' };
  const status: CommitmentStatus = commitmentStatus(commitment);
  if (status === 'cancelled') {
    return { status: 409, reason: 'This commitment was cancelled by staff: there is nothing to answer. Contact your SIP coordinator.' };
  }
  if (context.child && (answer === 'accept' || answer === 'reconfirm')) {
    return { status: 422, reason: 'Children are not asked to take on care commitments' };
  }
  switch (answer) {
    case 'accept':
      // A relative who said no may change their mind while the no stands: until staff act on the
      // commitment (cancel it, or propose it anew), the decline is theirs to take back.
      return status === 'requested' || status === 'declined'
        ? null
        : { status: 409, reason: `The commitment is ${status}: only a requested commitment, or one you declined, can be accepted` };
    case 'decline':
      return status === 'requested' ? null : { status: 409, reason: `The commitment is ${status}: only a requested commitment can be declined` };
    case 'withdraw':
      return status === 'accepted' ? null : { status: 409, reason: `The commitment is ${status}: only an accepted commitment can be withdrawn` };
    case 'reconfirm': {
      if (status !== 'accepted') return { status: 409, reason: `The commitment is ${status}: only an accepted commitment can be confirmed again` };
      const due = commitmentReviewDate(commitment);
      if (context.today < reconfirmOpensOn(due)) {
        return { status: 409, reason: `The commitment is due for review on ${due}: it can be confirmed again from ${reconfirmOpensOn(due)}` };
      }
      return null;
    }
  }
}

/** The answers the relative can give on the commitment today, in the order the widget offers them. */
export function allowedAnswers(
  commitment: Pick<Commitment, 'history' | 'reviewDate'>,
  context: { child: boolean; today: string; planClosed?: boolean | undefined },
): CommitmentAnswerKind[] {
  return (['reconfirm', 'accept', 'decline', 'withdraw'] as const).filter((answer) => answerRefusal(commitment, answer, context) === null);
}

/**
 * The next review date when the relative confirms again: the commitment's own interval, counted
 * from the date that was due (from today when confirmed late), never shorter than
 * {@link MIN_REVIEW_INTERVAL_DAYS}, so a confirmation always ends the review.
 */
export function nextReviewDate(commitment: Pick<Commitment, 'history' | 'reviewDate' | 'from'>, today: string): string {
  const due = commitmentReviewDate(commitment);
  const interval = daysBetween(commitment.from, commitment.reviewDate);
  const days = Math.max(interval >= 1 ? interval : FALLBACK_REVIEW_DAYS, MIN_REVIEW_INTERVAL_DAYS);
  return addDays(due > today ? due : today, days);
}

/** Whether staff may cancel the commitment: any time until it is cancelled. The relative's consent to it ends with it. */
export function staffMayCancel(commitment: Pick<Commitment, 'history'>): boolean {
  return commitmentStatus(commitment) !== 'cancelled';
}

/** The commitments that still ask something of the relative: requested or accepted. */
export function isOpenCommitment(commitment: Pick<Commitment, 'history'>): boolean {
  const status = commitmentStatus(commitment);
  return status === 'requested' || status === 'accepted';
}
