import { FhirValidationError } from '../fhir/validate.ts';
import { UpstreamError } from '../upstreams/upstream.ts';

/**
 * The receiver answered, but not every entry of a transaction was written: whatever the HTTP
 * status, the delivery failed. `statuses` are the entries' own HTTP statuses, in entry order.
 */
export class EntriesRefused extends Error {
  constructor(
    readonly upstream: string,
    readonly statuses: number[],
  ) {
    super(`${upstream}: ${statuses.filter((s) => s < 200 || s >= 300).length} of ${statuses.length} entries not written`);
    this.name = 'EntriesRefused';
  }

  /** The first status that is not a success. */
  get status(): number {
    return this.statuses.find((s) => s < 200 || s >= 300) ?? 500;
  }
}

/** A delivery that cannot be made as things stand, whatever the receiver: e.g. the individual is unknown there. */
export class CannotDeliver extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'CannotDeliver';
  }
}

/**
 * A delivery that cannot be made yet, but that a later attempt may make: e.g. the individual
 * could not be looked up in the receiver's record because it did not answer. Retried with backoff.
 */
export class NotYetDeliverable extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'NotYetDeliverable';
  }
}

/** HTTP statuses a retry may fix: the receiver was busy, in conflict, or changed meanwhile. */
const RETRYABLE = new Set([408, 409, 412, 425, 429]);

export interface DeliveryFailure {
  /** A retry will not fix it: set the delivery aside until the cause is fixed. */
  permanent: boolean;
  /** A short, data-free reason for the outbox row and the publication status. */
  reason: string;
  /** The receiver asked to wait this long (`Retry-After`). */
  retryAfterMs?: number;
  /** The receiver answered (it is not down), even if it refused. */
  answered: boolean;
}

function statusFailure(status: number, reason: string, retryAfterMs?: number): DeliveryFailure {
  if (status === 429) return { permanent: false, reason: 'throttled', answered: true, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  const permanent = status >= 400 && status < 500 && !RETRYABLE.has(status);
  return { permanent, reason: `${reason} ${status}`, answered: true };
}

/** How a failed delivery is to be treated: retried with backoff, or set aside. */
export function deliveryFailure(error: unknown): DeliveryFailure {
  if (error instanceof CannotDeliver) return { permanent: true, reason: error.reason, answered: true };
  // Paced by the backoff alone: the lookup that failed is tried again with the next attempt.
  if (error instanceof NotYetDeliverable) return { permanent: false, reason: error.reason, answered: true };
  if (error instanceof FhirValidationError) return { permanent: true, reason: 'invalid-fhir', answered: false };
  if (error instanceof EntriesRefused) return statusFailure(error.status, 'entries-refused');
  if (error instanceof UpstreamError) {
    if (error.reason === 'refused' && error.status !== undefined) return statusFailure(error.status, 'refused', error.retryAfterMs);
    return { permanent: false, reason: [error.reason, error.status].filter(Boolean).join(' '), answered: error.reason === 'auth' || error.reason === 'bad-response' };
  }
  const e = error as { reason?: string; name?: string };
  return { permanent: false, reason: String(e.reason ?? e.name ?? 'error').slice(0, 100), answered: false };
}
