/**
 * The client for the relative's own API (`/api/me`): the bearer token, one renewal on 401,
 * problem+json errors, and answers sent under an Idempotency-Key. Types only from
 * `@sip/shared`: no schema code reaches the bundle.
 */
import type {
  AnswerReceipt,
  CommitmentAnswer,
  HomeConsent,
  HomeConsentAnswerBody,
  MyCommitment,
  MyPlan,
  MyPlanListItem,
  MyPlanSummary,
  RelativeSupport,
  SupportRequest,
} from '@sip/shared';
import { ApiError as HttpApiError, codeFor as httpCodeFor, sendWithToken, type HttpErrorCode, type ProblemDocument, type TokenSource } from '@sip/shared/client';

export { normaliseBase, type AccessTokenProvider, type FieldError, type ProblemDocument, type TokenSource } from '@sip/shared/client';

/** What went wrong, in terms the element can act on: no If-Match is sent, so no failed precondition. */
export type ApiErrorCode = Exclude<HttpErrorCode, 'precondition-failed'>;

/** An ApiError of the shared client, with the codes the widget reads. */
export interface ApiError extends HttpApiError {
  readonly code: ApiErrorCode;
}
export const ApiError = HttpApiError as new (code: ApiErrorCode, status?: number, problem?: ProblemDocument) => ApiError;

/** The code of an HTTP error status as the widget reads it: 412 is a conflict, 428 and 503 a server error. */
function codeFor(status: number): ApiErrorCode {
  if (status === 428 || status === 503) return 'server';
  const code = httpCodeFor(status);
  return code === 'precondition-failed' ? 'conflict' : code;
}

/** An answer's response carries its receipt (absent from a service too old to give one). */
export interface Receipted {
  receipt?: AnswerReceipt;
}

export class RelativeApi {
  constructor(
    private readonly base: string,
    private readonly tokens: TokenSource,
  ) {}

  /** The plans I am a relative in: the list also names those I am the individual in, which are not this widget's. */
  async listPlans(): Promise<{ items: MyPlanSummary[] }> {
    const { items } = await this.#json<{ items: MyPlanListItem[] }>('GET', '/api/me/plans');
    return { items: items.filter((item): item is MyPlanSummary => item.role === 'relative') };
  }

  readPlan(planId: string): Promise<MyPlan> {
    return this.#json('GET', `/api/me/plans/${encodeURIComponent(planId)}`);
  }

  answerCommitment(planId: string, commitmentId: string, body: CommitmentAnswer, key: string): Promise<MyCommitment & Receipted> {
    const path = `/api/me/plans/${encodeURIComponent(planId)}/commitments/${encodeURIComponent(commitmentId)}/answer`;
    return this.#json('POST', path, body, key);
  }

  answerHomeConsent(planId: string, body: HomeConsentAnswerBody, key: string): Promise<HomeConsent & Receipted> {
    return this.#json('POST', `/api/me/plans/${encodeURIComponent(planId)}/home-consent`, body, key);
  }

  requestSupport(planId: string, body: SupportRequest, key: string): Promise<RelativeSupport & Receipted> {
    return this.#json('POST', `/api/me/plans/${encodeURIComponent(planId)}/requests`, body, key);
  }

  async #json<T>(method: 'GET' | 'POST', path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    const response = await sendWithToken(this.tokens, codeFor, method, `${this.base}${path}`, { body, idempotencyKey });
    try {
      return (await response.json()) as T;
    } catch {
      throw new ApiError('bad-response', response.status);
    }
  }
}
