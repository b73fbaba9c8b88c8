/**
 * The changes made without a form: a status change, an invited participant removed, a
 * relative's request marked handled. Each is kept as what the user meant (an intent), so that
 * when the service answers 412 (someone saved first) it can be shown beside the plan as it is
 * now and sent again, built from the current version.
 */
import { planTransitions, type PlanStatus, type PlanView, type RelativeSupport } from '@sip/shared';
import { path } from '../api.ts';

export type Intent =
  | { kind: 'status'; status: PlanStatus }
  | { kind: 'remove-participant'; participantId: string; name: string }
  /** A request is named by when it was made and its kind: its place in the list may change. */
  | { kind: 'mark-handled'; relativeId: string; requestAt: string; requestKind: RelativeSupport['requests'][number]['kind'] };

/** The section of the editor an intent belongs to (where its message and its conflict show). */
export function intentSection(intent: Intent): string {
  switch (intent.kind) {
    case 'status':
      return 'status';
    case 'remove-participant':
      return 'participants';
    case 'mark-handled':
      return `relative:${intent.relativeId}`;
  }
}

/**
 * Whether the intent can still be carried out on this version of the plan: `possible`, `done`
 * (the plan already is as the user wanted) or `impossible` (what it was about is gone, or the
 * plan can no longer get there).
 */
export function intentState(intent: Intent, plan: PlanView): 'possible' | 'done' | 'impossible' {
  switch (intent.kind) {
    case 'status':
      if (plan.status === intent.status) return 'done';
      return planTransitions[plan.status].includes(intent.status) ? 'possible' : 'impossible';
    case 'remove-participant': {
      const participant = plan.participants.find((p) => p.id === intent.participantId);
      if (!participant) return 'done';
      return participant.kind === 'invited' ? 'possible' : 'impossible';
    }
    case 'mark-handled': {
      const request = requestOf(intent, plan);
      if (!request) return 'impossible';
      return request.handledAt ? 'done' : 'possible';
    }
  }
}

type MarkHandled = Extract<Intent, { kind: 'mark-handled' }>;

/** Where the request is in its relative's list now; -1 when it is gone. */
export function requestIndex(intent: MarkHandled, plan: PlanView): number {
  const support = plan.relativesSection.relatives.find((r) => r.id === intent.relativeId)?.support;
  return support?.requests.findIndex((r) => r.at === intent.requestAt && r.kind === intent.requestKind) ?? -1;
}

/** The request as it is now. */
export function requestOf(intent: MarkHandled, plan: PlanView) {
  return plan.relativesSection.relatives.find((r) => r.id === intent.relativeId)?.support?.requests[requestIndex(intent, plan)];
}

export interface IntentRequest {
  method: 'POST' | 'DELETE' | 'PUT';
  path: string;
  body?: unknown;
  /** The version the change is made against, as If-Match. */
  ifMatch: string;
}

/** The request that carries the intent out on this version of the plan; undefined unless `possible`. */
export function intentRequest(intent: Intent, plan: PlanView, now: Date): IntentRequest | undefined {
  if (intentState(intent, plan) !== 'possible') return undefined;
  switch (intent.kind) {
    case 'status':
      return { method: 'POST', path: path`/api/plans/${plan.id}/status`, body: { status: intent.status }, ifMatch: `W/"${plan.version}"` };
    case 'remove-participant':
      return { method: 'DELETE', path: path`/api/plans/${plan.id}/participants/${intent.participantId}`, ifMatch: `W/"${plan.version}"` };
    case 'mark-handled': {
      const support = plan.relativesSection.relatives.find((r) => r.id === intent.relativeId)!.support!;
      const target = requestOf(intent, plan);
      const handledAt = now.toISOString();
      const body: RelativeSupport = { ...support, requests: support.requests.map((r) => (r === target ? { ...r, handledAt } : r)) };
      return {
        method: 'PUT',
        path: path`/api/plans/${plan.id}/relatives/${intent.relativeId}/support`,
        body,
        ifMatch: `W/"${plan.relativesSection.version}"`,
      };
    }
  }
}
