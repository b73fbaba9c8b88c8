import { createHash } from 'node:crypto';
import { z } from '@hono/zod-openapi';

/** An `Idempotency-Key` header's value: 1–100 visible ASCII characters. */
export const idempotencyKeyValue = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[\x21-\x7E]+$/, 'must be visible ASCII characters');

/** JSON with sorted keys, so equal bodies hash equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** What an idempotency key is bound to: method, path and body (SHA-256), so the same key with another request is refused. */
export function requestHash(request: { method: string; path: string; body: unknown }): string {
  return createHash('sha256').update(`${request.method} ${request.path}\n${canonical(request.body)}`).digest('hex');
}
