import { badRequest, conflict, tooManyRequests } from '@medplum/core';
import type { OperationOutcome } from '@medplum/fhirtypes';
import type { InteractionRequest } from './interaction.ts';

/**
 * How `POST [base]` processes a `transaction` Bundle:
 * - `atomic`: all or nothing (a Medplum project with atomic transactions enabled).
 * - `batch`: every entry on its own, as Medplum server does by default; the answer is 200 with a
 *   `transaction-response` whose entries each carry their own status.
 */
export type TransactionMode = 'atomic' | 'batch';

/**
 * Serialization failures, as a Postgres-backed server reports writes that conflict with concurrent
 * transactions (SQLSTATE 40001). Writes are the create, update, patch and delete interactions,
 * whether sent alone or as entries of a batch or transaction Bundle, counted as they are attempted
 * (reads, searches, `seed` and the Bundle request itself are not writes).
 */
export interface SerializationFailures {
  /** The next `next` writes fail. The count goes down with each write; 0 or absent: none. */
  next?: number;
  /** After those, every `every`-th write fails (the `every`-th, 2×`every`-th… since this was set). */
  every?: number;
}

/** Rate limiting: requests are answered 429 with `Retry-After`. */
export interface RateLimit {
  /** The `Retry-After` header of each 429, in whole seconds. */
  retryAfterSeconds: number;
  /**
   * Only the next `next` requests are answered 429; the limit lifts itself after them.
   * Absent: every request is answered 429 until the limit is switched off.
   */
  next?: number;
}

/**
 * The strict behaviours of a real FHIR server (Medplum server on Postgres) that the peer can
 * switch on, as options of `createFhirPeer` and at run time with `setStrictness`. All are off by
 * default. In a change given to `setStrictness`, a key set to `undefined` switches that behaviour off.
 */
export interface StrictnessOptions {
  /** Default `atomic`. */
  transactions?: TransactionMode;
  /**
   * In `atomic` mode, the most entries a transaction that needs strict isolation may have: one with a
   * conditional create (`ifNoneExist`), conditional update (`PUT Type?query`) or conditional delete.
   * Such a transaction with more entries is refused with 400 and writes nothing. Transactions
   * without conditional entries, and `batch` mode, have no limit, as in Medplum (whose limit is 8).
   * Default: no limit.
   */
  maxTransactionEntries?: number | undefined;
  /** Default: no serialization failures. */
  serializationFailures?: SerializationFailures | undefined;
  /** Default: no rate limiting. */
  rateLimit?: RateLimit | undefined;
}

/** The strict behaviours in force; `next` counts show what remains. */
export interface Strictness {
  readonly transactions: TransactionMode;
  readonly maxTransactionEntries: number | undefined;
  readonly serializationFailures: Readonly<SerializationFailures> | undefined;
  readonly rateLimit: Readonly<RateLimit> | undefined;
}

/** What the strict behaviours have refused or failed since the peer was created. */
export interface StrictnessCounters {
  /** Requests answered 429 by the rate limit. */
  readonly throttledRequests: number;
  /** Writes failed with a simulated serialization failure (409). */
  readonly serializationFailures: number;
  /** Transactions refused because they had more than `maxTransactionEntries` entries. */
  readonly refusedTransactions: number;
  /** Entries of transactions processed in `batch` mode that answered with a non-2xx status, for any reason. */
  readonly failedTransactionEntries: number;
}

/** The words of Postgres for a serialization failure, which Medplum passes on. */
export const SERIALIZATION_FAILURE_TEXT =
  'could not serialize access due to read/write dependencies among transactions';

/** The words of Medplum for a transaction over its entry limit. */
export const TOO_MANY_ENTRIES_TEXT = 'Transaction requires strict isolation but has too many entries';

/**
 * The strict behaviours of one peer: their settings, the write and request counting that makes
 * them deterministic, and their counters.
 */
export class StrictnessControl {
  private transactions: TransactionMode = 'atomic';
  private maxEntries: number | undefined;
  private serialization: SerializationFailures | undefined;
  private writesSinceEverySet = 0;
  private limit: RateLimit | undefined;
  private readonly counts = {
    throttledRequests: 0,
    serializationFailures: 0,
    refusedTransactions: 0,
    failedTransactionEntries: 0,
  };

  constructor(options: StrictnessOptions = {}) {
    this.set(options);
  }

  get settings(): Strictness {
    return {
      transactions: this.transactions,
      maxTransactionEntries: this.maxEntries,
      serializationFailures: this.serialization && { ...this.serialization },
      rateLimit: this.limit && { ...this.limit },
    };
  }

  get counters(): StrictnessCounters {
    return { ...this.counts };
  }

  get transactionMode(): TransactionMode {
    return this.transactions;
  }

  get maxTransactionEntries(): number | undefined {
    return this.maxEntries;
  }

  /**
   * Changes the behaviours named in `changes`; a key set to `undefined` switches its behaviour off.
   * Every value is checked before any is applied.
   * @throws TypeError for an unknown transaction mode or a count that is not a non-negative integer.
   */
  set(changes: StrictnessOptions): void {
    const has = (key: keyof StrictnessOptions): boolean => Object.hasOwn(changes, key);
    const { transactions, maxTransactionEntries, serializationFailures, rateLimit } = changes;
    if (has('transactions') && transactions !== undefined && transactions !== 'atomic' && transactions !== 'batch') {
      throw new TypeError(`Unknown transaction mode: ${String(transactions)}`);
    }
    if (maxTransactionEntries !== undefined) {
      checkCount('maxTransactionEntries', maxTransactionEntries, 1);
    }
    if (serializationFailures !== undefined) {
      if (serializationFailures.next !== undefined) {
        checkCount('serializationFailures.next', serializationFailures.next, 0);
      }
      if (serializationFailures.every !== undefined) {
        checkCount('serializationFailures.every', serializationFailures.every, 1);
      }
    }
    if (rateLimit !== undefined) {
      checkCount('rateLimit.retryAfterSeconds', rateLimit.retryAfterSeconds, 0);
      if (rateLimit.next !== undefined) {
        checkCount('rateLimit.next', rateLimit.next, 0);
      }
    }
    if (has('transactions')) {
      this.transactions = transactions ?? 'atomic';
    }
    if (has('maxTransactionEntries')) {
      this.maxEntries = maxTransactionEntries;
    }
    if (has('serializationFailures')) {
      this.serialization = serializationFailures && { ...serializationFailures };
      this.writesSinceEverySet = 0;
      this.dropSpentSerializationFailures();
    }
    if (has('rateLimit')) {
      this.limit = rateLimit && { ...rateLimit };
      if (this.limit?.next === 0) {
        this.limit = undefined;
      }
    }
  }

  /** Makes the next `count` writes fail, keeping any `every` setting and its count. */
  failNextWrites(count: number): void {
    checkCount('count', count, 0);
    this.serialization = { ...this.serialization, next: count };
    this.dropSpentSerializationFailures();
  }

  /** Answers the next `count` requests with 429 and `Retry-After: retryAfterSeconds`. */
  throttleNext(count: number, retryAfterSeconds: number): void {
    this.set({ rateLimit: { retryAfterSeconds, next: count } });
  }

  /**
   * Decides whether a request is throttled, counting it against a `next` limit.
   * @returns The `Retry-After` seconds when it is.
   */
  takeThrottle(): number | undefined {
    const limit = this.limit;
    if (!limit) {
      return undefined;
    }
    if (limit.next !== undefined) {
      limit.next--;
      if (limit.next <= 0) {
        this.limit = undefined;
      }
    }
    this.counts.throttledRequests++;
    return limit.retryAfterSeconds;
  }

  /**
   * Decides whether an interaction fails with a serialization failure, counting it if it is a write.
   * @returns The 409 OperationOutcome when it fails.
   */
  takeWriteFailure(request: InteractionRequest): OperationOutcome | undefined {
    const settings = this.serialization;
    if (!settings || !isWrite(request)) {
      return undefined;
    }
    let fails = false;
    if (settings.next) {
      settings.next--;
      fails = true;
    } else if (settings.every) {
      this.writesSinceEverySet++;
      fails = this.writesSinceEverySet % settings.every === 0;
    }
    this.dropSpentSerializationFailures();
    if (!fails) {
      return undefined;
    }
    this.counts.serializationFailures++;
    return withDiagnostics(conflict(SERIALIZATION_FAILURE_TEXT, '40001'), SERIALIZATION_FAILURE_TEXT);
  }

  /** The 400 OperationOutcome refusing a transaction over the entry limit, counted. */
  refuseTransaction(): OperationOutcome {
    this.counts.refusedTransactions++;
    return withDiagnostics(badRequest(TOO_MANY_ENTRIES_TEXT), TOO_MANY_ENTRIES_TEXT);
  }

  /** Counts the failed entries of a transaction processed in `batch` mode. */
  countFailedEntries(count: number): void {
    this.counts.failedTransactionEntries += count;
  }

  /** The 429 OperationOutcome of a throttled request. */
  static throttledOutcome(retryAfterSeconds: number): OperationOutcome {
    return withDiagnostics(tooManyRequests, `Too many requests; retry after ${retryAfterSeconds} seconds`);
  }

  private dropSpentSerializationFailures(): void {
    const settings = this.serialization;
    if (settings && !settings.next && !settings.every) {
      this.serialization = undefined;
    } else if (settings && !settings.next) {
      delete settings.next;
    }
  }
}

/** True for create, update, patch and delete (not `POST Type/_search` or a Bundle at the base). */
function isWrite(request: InteractionRequest): boolean {
  const segments = request.path.split('/').filter(Boolean).length;
  switch (request.method) {
    case 'POST':
      return segments === 1;
    case 'PUT':
    case 'PATCH':
    case 'DELETE':
      return segments > 0;
    default:
      return false;
  }
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new TypeError(`${name} must be an integer of at least ${min}: ${value}`);
  }
}

function withDiagnostics(outcome: OperationOutcome, diagnostics: string): OperationOutcome {
  return { ...outcome, issue: outcome.issue.map((issue) => ({ ...issue, diagnostics })) };
}
