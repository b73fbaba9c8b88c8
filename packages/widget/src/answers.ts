/**
 * What the relative answers, kept apart from rendering: the comment rules (the same as the
 * service's), from when a commitment will be up for confirmation, and one idempotency key per
 * answer until the service has saved it. Which answers a commitment takes today is not decided
 * here: the service lists them (`allowedAnswers`), and the element offers exactly those.
 */
import type { CommitmentAnswer, HomeConsentAnswerBody, SupportRequest } from '@sip/shared';

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
  | { state: 'saved'; at: Date }
  | { state: 'not-saved'; reason: 'network' | 'session' | 'server' | 'conflict' | 'validation'; retry: boolean }
  | { state: 'unknown' };

interface Pending<R> {
  key: string;
  json: string;
  request: R;
}

/**
 * Requests not yet known to be saved, each with the one Idempotency-Key it is sent under, by
 * what they are about (`targetOf`) within a plan. Sending the same request again (a retry, or
 * the same button pressed again) reuses the key, so the service saves it once; a different one
 * gets a new key. Memory only.
 */
export class PendingRequests<R extends { planId: string }> {
  #byTarget = new Map<string, Pending<R>>();

  constructor(private readonly targetOf: (request: R) => string) {}

  keyFor(request: R): string {
    const id = `${request.planId}/${this.targetOf(request)}`;
    const json = JSON.stringify(request);
    const pending = this.#byTarget.get(id);
    if (pending && pending.json === json) return pending.key;
    const key = crypto.randomUUID();
    this.#byTarget.set(id, { key, json, request });
    return key;
  }

  /** The request waiting for a retry on this target, if any. */
  get(planId: string, target: string): R | undefined {
    return this.#byTarget.get(`${planId}/${target}`)?.request;
  }

  /** The service saved it, or refused it for good: the key is not needed again. */
  settle(request: R): void {
    this.#byTarget.delete(`${request.planId}/${this.targetOf(request)}`);
  }
}

/** The relative's answers not yet known to be saved. */
export class PendingAnswers extends PendingRequests<AnswerRequest> {
  constructor() {
    super(targetOf);
  }
}
