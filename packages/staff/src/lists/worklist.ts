/**
 * The work list's logic: what kind of item is most urgent, the order within it, and the item in
 * the plan each one opens at. Pure, so it is tested without a browser.
 */
import type { AttentionKind, Principal } from '@sip/shared';

/** One item of `GET /api/worklist`. */
export interface WorklistApiItem {
  planId: string;
  relativeId: string | null;
  relativeName: string | null;
  commitmentId: string | null;
  kind: AttentionKind | 'consent-withdrawn' | 'consent-expired';
  since: string;
  overallResponsibility: Principal | null;
}

/** A work list item as shown: the API's, or a plan whose follow-up date has come (`GET /api/plans?followUpDue=true`). */
export type WorkKind = WorklistApiItem['kind'] | 'follow-up-due';

export interface WorkItem {
  planId: string;
  kind: WorkKind;
  since: string;
  relativeId: string | null;
  relativeName: string | null;
  commitmentId: string | null;
  overallResponsibility: Principal | null;
  /** The request's place in the relative's `support.requests`, for a contact or assessment request. */
  requestIndex?: number;
}

/**
 * Most urgent first: the plan as a whole may not be carried out (consent withdrawn or run
 * out), then a relative who stopped or said no, then a follow-up that is due, then review dates
 * passed, then requests waiting for an answer.
 */
export const URGENCY: readonly WorkKind[] = [
  'consent-withdrawn',
  'consent-expired',
  'commitment-withdrawn',
  'commitment-declined',
  'leave-role-request',
  'follow-up-due',
  'commitment-review-due',
  'contact-request',
  'needs-assessment-request',
];

export const REQUEST_KINDS = {
  'contact-request': 'contact-consultant',
  'needs-assessment-request': 'needs-assessment',
  'leave-role-request': 'leave-role',
} as const;

/** Whether the item is a relative's request, which the editor marks handled. */
export const isRequestKind = (kind: WorkKind): kind is keyof typeof REQUEST_KINDS => kind in REQUEST_KINDS;

/** The moment an item arose, in milliseconds; a date (a review date) counts from its start. */
function sinceOf(item: WorkItem): number {
  const at = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(item.since) ? `${item.since}T00:00:00Z` : item.since);
  return Number.isNaN(at) ? Number.POSITIVE_INFINITY : at;
}

/** The items grouped by kind, most urgent group first, each group the longest waiting first. */
export function groupByUrgency(items: readonly WorkItem[]): { kind: WorkKind; items: WorkItem[] }[] {
  return URGENCY.map((kind) => ({
    kind,
    items: items
      .filter((i) => i.kind === kind)
      .sort((a, b) => sinceOf(a) - sinceOf(b) || a.planId.localeCompare(b.planId) || (a.relativeId ?? '').localeCompare(b.relativeId ?? '')),
  })).filter((group) => group.items.length > 0);
}

/**
 * The item in the plan the editor opens at: `relative:<id>:commitment:<id>` for a commitment,
 * `relative:<id>:request:<index>` for a request (`relative:<id>` when its place is not known),
 * `follow-up` for a follow-up that is due, `consent` for the consent to the plan.
 */
export function focusOf(item: WorkItem): string {
  switch (item.kind) {
    case 'consent-withdrawn':
    case 'consent-expired':
      return 'consent';
    case 'follow-up-due':
      return 'follow-up';
    case 'commitment-declined':
    case 'commitment-withdrawn':
    case 'commitment-review-due':
      if (item.relativeId && item.commitmentId) return `relative:${item.relativeId}:commitment:${item.commitmentId}`;
      return item.relativeId ? `relative:${item.relativeId}` : 'relatives';
    case 'contact-request':
    case 'needs-assessment-request':
    case 'leave-role-request':
      if (!item.relativeId) return 'relatives';
      return item.requestIndex === undefined ? `relative:${item.relativeId}` : `relative:${item.relativeId}:request:${item.requestIndex}`;
  }
}

/**
 * Where a request item sits among the relative's requests: the one of its kind made at the
 * instant the item says (the work list names a request by when it was made).
 */
export function requestIndexOf(
  item: Pick<WorkItem, 'kind' | 'since'>,
  requests: readonly { kind: string; at: string }[] | undefined,
): number | undefined {
  if (!isRequestKind(item.kind)) return undefined;
  const kind = REQUEST_KINDS[item.kind];
  const at = Date.parse(item.since);
  const index = (requests ?? []).findIndex((r) => r.kind === kind && (r.at === item.since || Date.parse(r.at) === at));
  return index < 0 ? undefined : index;
}

/** A stable key for an item, for Lit's `repeat` and for keeping focus across a refresh. */
export function keyOf(item: WorkItem): string {
  return [item.planId, item.kind, item.relativeId ?? '', item.commitmentId ?? '', item.since].join('|');
}
