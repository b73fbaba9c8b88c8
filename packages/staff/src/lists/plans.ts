/** The plan list's pure logic: follow-up dates in words, person ids compared, field errors placed. */
import { parsePersonId, type PlanStatus } from '@sip/shared';

/** Where a plan's follow-up stands on `today` (YYYY-MM-DD): only a plan in force is due. */
export function followUpState(date: string | null, status: PlanStatus, today: string): 'none' | 'past' | 'today' | 'ahead' | 'not-in-force' {
  if (!date) return 'none';
  if (status !== 'active' && status !== 'followed_up') return 'not-in-force';
  if (date < today) return 'past';
  if (date === today) return 'today';
  return 'ahead';
}

/** The reader's local day, as YYYY-MM-DD. */
export function localDay(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Whether two personnummer or samordningsnummer are the same person's, however written. */
export function samePerson(a: string, b: string): boolean {
  const x = parsePersonId(a)?.value;
  return !!x && x === parsePersonId(b)?.value;
}

/** A personnummer as people write it: `19400301-9801`. */
export function formatPersonId(personId: string): string {
  const value = parsePersonId(personId)?.value;
  return value ? `${value.slice(0, 8)}-${value.slice(8)}` : personId;
}

export type NewPlanField = 'title' | 'principal' | 'individual' | 'form';

/**
 * Which field of the new-plan form an error is about: the API's JSON pointers (`/title`,
 * `/principals/municipality/id`) and zod's paths (`['title']`) alike.
 */
export function fieldOfPath(path: string | readonly PropertyKey[]): NewPlanField {
  const first = typeof path === 'string' ? path.split('/').filter(Boolean)[0] : path[0] === undefined ? undefined : String(path[0]);
  if (first === 'title') return 'title';
  if (first === 'principals') return 'principal';
  if (first === 'individual') return 'individual';
  return 'form';
}
