/**
 * The client for the individual's own API (`/api/me`): the bearer token with one renewal on 401,
 * problem+json errors, changes under an Idempotency-Key, and If-Match on their own words. Types
 * only from `@sip/shared`: no schema code reaches the bundle.
 */
import { ApiError, sendWithToken, codeFor, type TokenSource } from '@sip/shared/client';
import type {
  IndividualAccessLog,
  IndividualConsentBody,
  IndividualConsentWithdrawal,
  IndividualPlan,
  IndividualSharingBody,
  MyPlanListItem,
  OwnWordsBody,
} from './types.ts';

export class IndividualApi {
  constructor(
    private readonly base: string,
    private readonly tokens: TokenSource,
  ) {}

  listPlans(): Promise<{ items: MyPlanListItem[] }> {
    return this.#json('GET', '/api/me/plans').then((r) => r.body as { items: MyPlanListItem[] });
  }

  async readPlan(planId: string): Promise<{ plan: IndividualPlan; etag: string | undefined }> {
    const { body, etag } = await this.#json('GET', `/api/me/plans/${encodeURIComponent(planId)}`);
    return { plan: body as IndividualPlan, etag };
  }

  setConsent(planId: string, body: IndividualConsentBody | IndividualConsentWithdrawal, key: string) {
    return this.#json('PUT', `/api/me/plans/${encodeURIComponent(planId)}/consent`, { body, idempotencyKey: key });
  }

  setSharing(planId: string, relativeId: string, body: IndividualSharingBody, key: string) {
    const path = `/api/me/plans/${encodeURIComponent(planId)}/relatives/${encodeURIComponent(relativeId)}/sharing`;
    return this.#json('PUT', path, { body, idempotencyKey: key });
  }

  saveOwnWords(planId: string, body: OwnWordsBody, ifMatch: string, key: string) {
    return this.#json('PATCH', `/api/me/plans/${encodeURIComponent(planId)}/own-words`, { body, ifMatch, idempotencyKey: key });
  }

  async readAccessLog(planId: string): Promise<IndividualAccessLog> {
    return (await this.#json('GET', `/api/me/plans/${encodeURIComponent(planId)}/access-log`)).body as IndividualAccessLog;
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
