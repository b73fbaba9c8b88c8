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
