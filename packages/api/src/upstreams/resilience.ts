import {
  circuitBreaker,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  isBrokenCircuitError,
  retry,
  timeout,
  TimeoutStrategy,
  wrap,
  type IPolicy,
} from 'cockatiel';

export interface ResilienceOptions {
  /** Per attempt. */
  timeoutMs: number;
  /** Attempts of an idempotent call, the first included. */
  maxAttempts: number;
  /** First backoff delay; later ones grow exponentially, with decorrelated jitter. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Consecutive failures that open the circuit. */
  breakerThreshold: number;
  /** How long an open circuit waits before letting one probe through. */
  halfOpenAfterMs: number;
}

export const defaultResilience: Omit<ResilienceOptions, 'timeoutMs'> = {
  maxAttempts: 3,
  initialDelayMs: 100,
  maxDelayMs: 2000,
  breakerThreshold: 5,
  halfOpenAfterMs: 10_000,
};

/** Whether a failed upstream call may succeed if tried again. */
export function isTransient(error: unknown): boolean {
  if (isBrokenCircuitError(error)) return false;
  if ((error as { reason?: string }).reason === 'timeout') return true;
  const status = (error as { response?: { status?: number; data?: unknown } }).response?.status;
  if (status === undefined) return true; // network error or timeout
  if (status === 429 || status >= 500) return true;
  // A 2xx whose body was not JSON: the upstream answered garbage.
  return status < 300;
}

/**
 * Policies for one upstream: every call has a timeout and counts towards the circuit
 * breaker; idempotent calls are also retried with backoff and jitter. An open circuit
 * fails calls at once, then lets a probe through after `halfOpenAfterMs`.
 */
export function upstreamPolicies(options: ResilienceOptions) {
  const perAttempt = timeout(options.timeoutMs, TimeoutStrategy.Aggressive);
  const breaker = circuitBreaker(handleWhen(isTransient), {
    halfOpenAfter: options.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.breakerThreshold),
  });
  // A 429 is not retried here: the server said how long to wait, and the caller (the outbox,
  // or the next sync) waits that long instead of asking again within milliseconds.
  const retrying = retry(handleWhen((error) => isTransient(error) && (error as { response?: { status?: number } }).response?.status !== 429), {
    maxAttempts: options.maxAttempts - 1,
    backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs, maxDelay: options.maxDelayMs }),
  });
  const once: IPolicy = wrap(breaker, perAttempt);
  const idempotent: IPolicy = wrap(retrying, breaker, perAttempt);
  return { once, idempotent, breaker };
}
