/**
 * What the individual changes, kept apart from rendering: the changes as they go to the service,
 * what each is about (one outcome and one idempotency key each), the checks the service makes
 * on their own words and on a last day, and the reference a receipt names.
 */
import type { ChangeStatus } from './events.ts';
import type { ConsentCategory, OwnConsentDecision, OwnGoals, OwnPlan, OwnSharingDecision } from './types.ts';

/** The categories a consent or a relative's sharing names, in the order the forms list them. */
export const consentCategories: readonly ConsentCategory[] = [
  'goals',
  'needs',
  'health-interventions',
  'social-interventions',
  'contacts',
  'meetings',
  'follow-up',
];

/** One change, as it goes to the service, with the status it gives when saved. */
export type Change =
  | { kind: 'consent'; planId: string; body: OwnConsentDecision; status: ChangeStatus }
  | { kind: 'sharing'; planId: string; relativeId: string; body: OwnSharingDecision; status: ChangeStatus }
  | { kind: 'own-words'; planId: string; body: OwnGoals; ifMatch: string; status: ChangeStatus };

/** What a change is about, within a plan. */
export function targetOf(change: Change): string {
  switch (change.kind) {
    case 'consent':
      return 'consent';
    case 'sharing':
      return `sharing-${change.relativeId}`;
    case 'own-words':
      return 'own-words';
  }
}

/** What the individual sees about a change. */
export type Outcome =
  | { state: 'sending' }
  | { state: 'saved'; at: Date; reference: string; status: ChangeStatus }
  | { state: 'not-saved'; reason: 'network' | 'session' | 'server' | 'conflict' | 'validation'; retry: boolean }
  | { state: 'unknown' };

/** The longest line of their own words, and the most lines, as the service takes them. */
export const OWN_LINE_MAX = 4000;
export const OWN_LINES_MAX = 100;
/** Control characters other than tab and newline: the service refuses them. */
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

/**
 * Their own words in a box, one item a line (empty lines dropped), or why they cannot be sent.
 * A line the plan already has keeps its item's id, so what staff linked to it stays linked.
 */
export function checkOwnWords(
  value: string,
  before: readonly { id?: string | undefined; text: string }[] = [],
): { ok: true; items: { id?: string; text: string }[] } | { ok: false; problem: 'too-long' | 'too-many' | 'control' } {
  const lines = value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  if (lines.some((line) => CONTROL.test(line.replace(/\t/g, ' ')))) return { ok: false, problem: 'control' };
  if (lines.some((line) => line.length > OWN_LINE_MAX)) return { ok: false, problem: 'too-long' };
  if (lines.length > OWN_LINES_MAX) return { ok: false, problem: 'too-many' };
  const unused = [...before];
  return {
    ok: true,
    items: lines.map((text) => {
      const index = unused.findIndex((item) => item.text.trim() === text && item.id);
      const id = index >= 0 ? unused.splice(index, 1)[0]!.id : undefined;
      return id ? { id, text } : { text };
    }),
  };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A last day as typed: empty (none), or a real calendar date (YYYY-MM-DD) not before today. */
export function readUntil(value: string, today: Date): { ok: true; value: string | undefined } | { ok: false } {
  const typed = value.trim();
  if (!typed) return { ok: true, value: undefined };
  const match = DATE.exec(typed);
  if (!match) return { ok: false };
  const date = new Date(`${typed}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== typed) return { ok: false };
  if (typed < localDay(today)) return { ok: false };
  return { ok: true, value: typed };
}

/**
 * The reference a receipt names: the plan and the version of it the change made, which the
 * plan's history keeps (who changed what, when), so staff find it by it.
 */
export function receiptReference(plan: Pick<OwnPlan, 'planId' | 'revision'>): string {
  return `${plan.planId.slice(0, 8).toUpperCase()}-${plan.revision}`;
}

/** The calendar day of a moment in the reader's time zone, as `YYYY-MM-DD`. */
export function localDay(now: Date): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

/** Whether what the individual shares with a relative holds today: given, not withdrawn, within its days. */
export function sharingInForce(relative: Pick<OwnPlan['relatives'][number], 'sharing'>, now = new Date()): boolean {
  const sharing = relative.sharing;
  if (!sharing || sharing.revokedAt || sharing.categories.length === 0) return false;
  const today = localDay(now);
  return !(sharing.validFrom && today < sharing.validFrom) && !(sharing.validUntil && today > sharing.validUntil);
}
