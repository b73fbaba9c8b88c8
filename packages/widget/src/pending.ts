/**
 * Changes not yet known to be saved, each with the one Idempotency-Key it is sent under: what
 * makes a change pressed twice, or retried, one change at the service.
 */
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
