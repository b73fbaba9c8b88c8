/**
 * The client for the individual's own API (`/api/me`): the bearer token with one renewal on 401,
 * problem+json errors, changes under an Idempotency-Key, and If-Match on their own words. Types
 * only from `@sip/shared`: no schema code reaches the bundle.
 */
import { ApiError, sendWithToken, codeFor, type TokenSource } from '@sip/shared/client';
import type { MyPlanListItem, OwnAccessLog, OwnConsentDecision, OwnGoals, OwnPlan, OwnSharingDecision } from './types.ts';

/** A plan as the service answered it, with the ETag its changes are made on. */
export interface PlanAnswer {
  plan: OwnPlan;
  etag: string;
}

export class IndividualApi {
  constructor(
    private readonly base: string,
    private readonly tokens: TokenSource,
  ) {}

  listPlans(): Promise<{ items: MyPlanListItem[] }> {
    return this.#json('GET', '/api/me/plans').then((r) => r.body as { items: MyPlanListItem[] });
  }

  /** My plan, whole, and its ETag (the version my changes are made on). */
  readPlan(planId: string): Promise<PlanAnswer> {
    return this.#plan('GET', this.#path(planId));
  }

  /** Gives, narrows or withdraws my consent to the plan: the plan as it is after, as a read gives it. */
  decideConsent(planId: string, body: OwnConsentDecision, key: string): Promise<PlanAnswer> {
    return this.#plan('PUT', this.#path(planId, '/consent'), { body, idempotencyKey: key });
  }

  /** Shares with one relative, narrows it, or withdraws it. */
  decideSharing(planId: string, relativeId: string, body: OwnSharingDecision, key: string): Promise<PlanAnswer> {
    return this.#plan('PUT', this.#path(planId, `/relatives/${encodeURIComponent(relativeId)}/sharing`), { body, idempotencyKey: key });
  }

  /** My own goals and what I do myself, on the version read (412 when the plan changed since). */
  saveOwnGoals(planId: string, body: OwnGoals, ifMatch: string, key: string): Promise<PlanAnswer> {
    return this.#plan('PUT', this.#path(planId, '/own-goals'), { body, ifMatch, idempotencyKey: key });
  }

  /** Who has read my plan, newest first. */
  async readAccessLog(planId: string): Promise<OwnAccessLog> {
    return (await this.#json('GET', this.#path(planId, '/access-log'))).body as OwnAccessLog;
  }

  #path(planId: string, rest = ''): string {
    return `/api/me/own-plans/${encodeURIComponent(planId)}${rest}`;
  }

  async #plan(method: 'GET' | 'PUT', path: string, options: { body?: unknown; ifMatch?: string; idempotencyKey?: string } = {}): Promise<PlanAnswer> {
    const { body, etag } = await this.#json(method, path, options);
    const plan = body as OwnPlan;
    if (!plan || typeof plan !== 'object' || typeof plan.planId !== 'string') throw new ApiError('bad-response');
    return { plan, etag: etag ?? `W/"${plan.version}"` };
  }

  async #json(
    method: 'GET' | 'PUT' | 'PATCH' | 'POST',
    path: string,
    options: { body?: unknown; ifMatch?: string; idempotencyKey?: string } = {},
  ): Promise<{ body: unknown; etag: string | undefined }> {
    const response = await sendWithToken(this.tokens, codeFor, method, `${this.base}${path}`, options);
    try {
      return { body: await response.json(), etag: response.headers.get('etag') ?? undefined };
    } catch {
      throw new ApiError('bad-response', response.status);
    }
  }
}
