/**
 * The SQLSTATE of a database error, wherever it sits in the chain of causes (drizzle wraps
 * the driver's error; postgres.js and PGlite both give the code as `code`), or undefined.
 */
export function sqlState(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * Whether the database refused a value as such: a data exception (SQLSTATE class 22: a NUL in
 * text or JSON, a date out of range, text that is no uuid) or an integrity constraint it breaks
 * (class 23). Retrying the same value cannot succeed; other errors (a lost connection, a
 * serialization failure) are about the moment, not the value.
 */
export function isValueRefusal(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && (state.startsWith('22') || state.startsWith('23'));
}

/** Errors of the connection itself, as the socket or postgres.js name them. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_DESTROYED',
  'CONNECTION_ENDED',
]);

/**
 * Whether the database could not be reached, rather than refusing what was asked: the
 * connection was refused, reset or timed out; the server is shutting down or starting
 * (57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now), a connection
 * exception (class 08), or too many connections (53300). The same request may succeed later:
 * the answer is 503 with Retry-After, not 500. A statement cut off this way did not commit,
 * unless the connection was lost while its COMMIT was on the way back; a write retried under
 * its Idempotency-Key is safe either way.
 */
export function isUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number): boolean => {
    if (!e || typeof e !== 'object' || depth > 5 || seen.has(e)) return false;
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (CONNECTION_CODES.has(code)) return true;
      if (/^(08[0-9A-Z]{3}|57P0[123]|53300)$/.test(code)) return true;
    }
    // A host name that resolves to several addresses fails with one error for each.
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0 && errors.every((inner) => visit(inner, depth + 1))) return true;
    return visit((e as { cause?: unknown }).cause, depth + 1);
  };
  return visit(error, 0);
}
