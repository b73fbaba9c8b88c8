/**
 * What the individual changes, kept apart from rendering: the changes as they go to the service,
 * what each is about (one outcome and one idempotency key each), the checks the service makes
 * on their own words and on a last day, and the reference a receipt names.
 */
import type { ChangeStatus } from './events.ts';
import type { ConsentCategory, IndividualConsentBody, IndividualConsentWithdrawal, IndividualSharingBody, OwnWordsBody } from './types.ts';

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
  | { kind: 'consent'; planId: string; body: IndividualConsentBody | IndividualConsentWithdrawal; status: ChangeStatus }
  | { kind: 'sharing'; planId: string; relativeId: string; body: IndividualSharingBody; status: ChangeStatus }
  | { kind: 'own-words'; planId: string; body: OwnWordsBody; ifMatch: string; status: ChangeStatus };

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
export const OWN_LINE_MAX = 2000;
export const OWN_LINES_MAX = 50;
/** Control characters other than tab and newline: the service refuses them. */
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

/** Their own words in a box, one item a line (empty lines dropped), or why they cannot be sent. */
export function checkOwnWords(value: string): { ok: true; items: { text: string }[] } | { ok: false; problem: 'too-long' | 'too-many' | 'control' } {
  const lines = value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  if (lines.some((line) => CONTROL.test(line.replace(/\t/g, ' ')))) return { ok: false, problem: 'control' };
  if (lines.some((line) => line.length > OWN_LINE_MAX)) return { ok: false, problem: 'too-long' };
  if (lines.length > OWN_LINES_MAX) return { ok: false, problem: 'too-many' };
  return { ok: true, items: lines.map((text) => ({ text })) };
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
  const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  if (typed < day) return { ok: false };
  return { ok: true, value: typed };
}

/**
 * The reference a receipt names: the service's own for the change when it gives one, otherwise
 * the first part of the idempotency key the change was sent under (the same for a retry).
 */
export function receiptReference(answer: unknown, key: string): string {
  const reference = answer && typeof answer === 'object' ? (answer as { reference?: unknown }).reference : undefined;
  if (typeof reference === 'string' && reference) return reference;
  return key.slice(0, 8).toUpperCase();
}
