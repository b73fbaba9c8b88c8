import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../http/context.ts';
import { FhirError } from './outcome.ts';

/** The `_format` values that mean JSON (FHIR R4 3.1.0.1.9), besides the JSON media types. */
const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json', 'application/json+fhir']);

/** The media ranges of an `Accept` header that JSON answers: JSON itself and the wildcards. */
const JSON_RANGES = new Set(['application/json', 'application/fhir+json', 'application/json+fhir', 'application/*', '*/*']);

/** Whether a `_format` value asks for JSON: `json`, or a JSON media type with or without parameters. */
export function formatIsJson(format: string): boolean {
  const type = format.split(';')[0]!.trim().toLowerCase();
  return JSON_FORMATS.has(type);
}

/**
 * Whether an `Accept` header lets the answer be JSON: absent or empty, or naming a JSON media
 * type or a wildcard without `q=0`.
 */
export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((s) => s.trim().toLowerCase());
    if (!type || !JSON_RANGES.has(type)) return false;
    const q = params.find((param) => param.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/**
 * Content negotiation for the whole face: the face answers JSON only, so a `_format` or an
 * `Accept` that rules JSON out is a 406 (as an OperationOutcome, in JSON: the one format there is).
 */
export const negotiateJson = createMiddleware<AppEnv>(async (c, next) => {
  const formats = new URL(c.req.url).searchParams.getAll('_format');
  const refused = formats.find((format) => !formatIsJson(format));
  if (refused !== undefined) {
    throw new FhirError(406, 'not-supported', `Only JSON is served here: _format=json (or application/fhir+json), not ${JSON.stringify(refused.slice(0, 100))}`);
  }
  if (formats.length === 0 && !acceptsJson(c.req.header('accept'))) {
    throw new FhirError(406, 'not-supported', 'Only JSON is served here: accept application/fhir+json or application/json');
  }
  await next();
});

/** Whether the request asks for strict handling of what the server does not know (`Prefer: handling=strict`). */
export function prefersStrict(c: Context): boolean {
  const prefer = c.req.header('prefer');
  if (!prefer) return false;
  return prefer
    .split(/[,;]/)
    .map((s) => s.trim().toLowerCase().replace(/\s*=\s*/, '='))
    .includes('handling=strict');
}

/**
 * Whether `If-None-Match` names the current version: `*`, or an entity tag equal to `etag` under
 * the weak comparison (RFC 9110 13.1.2), which ignores the `W/` prefix.
 */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//i, '');
  const current = opaque(etag);
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === current);
}
