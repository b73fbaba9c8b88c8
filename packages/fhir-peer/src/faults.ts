import { errorOutcome } from './outcomes.ts';

/**
 * A failure the peer simulates:
 * - `none`: behave normally.
 * - `down`: listening servers stop accepting connections (clients see a connection error);
 *   requests handed to `fetch` directly answer 503.
 * - `slow`: wait `slowMs` before handling each request.
 * - `error`: answer 500 with an OperationOutcome.
 * - `garbage`: answer 200 with a FHIR JSON content type and a body that is not JSON.
 */
export type FaultMode = 'none' | 'down' | 'slow' | 'error' | 'garbage';

/** Every fault mode, for validating input. */
export const FAULT_MODES: readonly FaultMode[] = ['none', 'down', 'slow', 'error', 'garbage'];

/** The media type of every FHIR response. */
export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** The response a fault answers with instead of handling the request, if the fault answers at once. */
export function faultResponse(mode: FaultMode): Response | undefined {
  switch (mode) {
    case 'down':
      return jsonResponse(503, errorOutcome('transient', 'Service unavailable (simulated outage)'));
    case 'error':
      return jsonResponse(500, errorOutcome('exception', 'Internal server error (simulated fault)'));
    case 'garbage':
      return new Response('{"resourceType":"Bundle","entry":[{"resource":', {
        status: 200,
        headers: { 'content-type': FHIR_JSON },
      });
    default:
      return undefined;
  }
}

/** A FHIR JSON response, with any further `headers`. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...headers, 'content-type': FHIR_JSON } });
}

/**
 * Resolves after `ms` milliseconds; rejects early with the signal's reason if `signal` aborts
 * (a client that hung up is not answered).
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) {
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
