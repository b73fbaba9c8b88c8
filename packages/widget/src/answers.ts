/**
 * What the relative answers, kept apart from rendering: the comment rules (the same as the
 * service's), from when a commitment will be up for confirmation, and one idempotency key per
 * answer until the service has saved it. Which answers a commitment takes today is not decided
 * here: the service lists them (`allowedAnswers`), and the element offers exactly those.
 */
import type { AnswerReceipt, CommitmentAnswer, HomeConsentAnswerBody, SupportRequest } from '@sip/shared';

export const COMMENT_MAX = 2000;
/** Control characters other than tab and newline: the service refuses them. */
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

export type CommentProblem = { kind: 'too-long'; length: number } | { kind: 'control' };

/** Why a comment or note cannot be sent, or undefined when it can. */
export function checkComment(value: string): CommentProblem | undefined {
  if (value.length > COMMENT_MAX) return { kind: 'too-long', length: value.length };
  if (CONTROL.test(value)) return { kind: 'control' };
  return undefined;
}

/**
 * The first day an accepted commitment can be confirmed again, to tell the relative when they
 * will be asked: the service's own rule. Whether it can be confirmed today is the service's to
 * say (`allowedAnswers`).
 */
export { reconfirmOpensOn } from '@sip/shared/review-window';

/** One answer, as it goes to the service. */
export type AnswerRequest =
  | { kind: 'commitment'; planId: string; commitmentId: string; body: CommitmentAnswer }
  | { kind: 'home-consent'; planId: string; body: HomeConsentAnswerBody }
  | { kind: 'request'; planId: string; body: SupportRequest };

/** What an answer is about, within a plan: one outcome and one pending answer each. */
export function targetOf(request: AnswerRequest): string {
  switch (request.kind) {
    case 'commitment':
      return `c-${request.commitmentId}`;
    case 'home-consent':
      return 'home';
    case 'request':
      return `req-${request.body.kind}`;
  }
}

/** What the relative sees about an answer. */
export type Outcome =
  | { state: 'sending' }
  /** `receipt`: the service's, for the relative to keep; `what`: the commitment answered. */
  | { state: 'saved'; at: Date; receipt?: AnswerReceipt | undefined; what?: string | undefined }
  /** `requestId`: the service's id of the refused request, for the relative to quote. */
  | { state: 'not-saved'; reason: 'network' | 'session' | 'server' | 'conflict' | 'validation'; retry: boolean; requestId?: string | undefined }
  | { state: 'unknown' };

interface Pending {
  key: string;
  json: string;
  request: AnswerRequest;
}

/**
 * Answers not yet known to be saved, each with the one Idempotency-Key it is sent under.
 * Sending the same answer again (a retry, or the same button pressed again) reuses the key,
 * so the service saves it once; a different answer gets a new key. Memory only.
 */
export class PendingAnswers {
  #byTarget = new Map<string, Pending>();

  keyFor(request: AnswerRequest): string {
    const id = `${request.planId}/${targetOf(request)}`;
    const json = JSON.stringify(request);
    const pending = this.#byTarget.get(id);
    if (pending && pending.json === json) return pending.key;
    const key = crypto.randomUUID();
    this.#byTarget.set(id, { key, json, request });
    return key;
  }

  /** The answer waiting for a retry on this target, if any. */
  get(planId: string, target: string): AnswerRequest | undefined {
    return this.#byTarget.get(`${planId}/${target}`)?.request;
  }

  /** The service saved it, or refused it for good: the key is not needed again. */
  settle(request: AnswerRequest): void {
    this.#byTarget.delete(`${request.planId}/${targetOf(request)}`);
  }
}
