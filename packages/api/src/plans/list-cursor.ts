/**
 * The key a list of plans is paged by: the last plan of a page, by when it last changed (to the
 * microsecond, as the database keeps it) and its id, given to the caller as an opaque `after`
 * value for the next page. It holds no personal data, only what the plan's own URL does.
 */
import { z } from '@hono/zod-openapi';

export interface ListKey {
  /** When the plan last changed, as the database keeps it: ISO 8601 in UTC with microseconds. */
  at: string;
  id: string;
}

const KEY = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function encodeListKey(key: ListKey): string {
  return Buffer.from(`${key.at}/${key.id}`, 'utf8').toString('base64url');
}

/** The `after` parameter: a value a page of the list gave as `next`. */
export const listKeySchema = z
  .string()
  .max(120)
  .regex(/^[A-Za-z0-9_-]+$/, 'not a value a page of this list gave as `next`')
  .transform((value, ctx): ListKey => {
    const match = KEY.exec(Buffer.from(value, 'base64url').toString('utf8'));
    // A real instant: the calendar checked by a round trip (no 30 February reaches the database).
    const ms = match ? Date.parse(match[1]!) : Number.NaN;
    if (!match || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== match[1]!.slice(0, 19)) {
      ctx.addIssue({ code: 'custom', message: 'not a value a page of this list gave as `next`' });
      return z.NEVER;
    }
    return { at: match[1]!, id: match[2]! };
  });
