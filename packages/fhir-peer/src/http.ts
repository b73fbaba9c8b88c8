import type { Resource } from '@medplum/fhirtypes';
import { FHIR_JSON } from './faults.ts';
import type { InteractionMethod, InteractionRequest, InteractionResult } from './interaction.ts';
import { resultVersion } from './interaction.ts';
import { HttpProblem } from './outcomes.ts';

/** An HTTP request read into a FHIR interaction. */
export interface ParsedRequest {
  /** The absolute base URL the request was addressed to, e.g. `http://127.0.0.1:4321/fhir`. */
  baseUrl: string;
  interaction: InteractionRequest;
  /** True for HEAD, which is answered like GET without a body. */
  head: boolean;
  /** The `return` preference of the `Prefer` header, if any. */
  preferReturn: string | undefined;
}

const methods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
const jsonTypes = new Set([
  'application/fhir+json',
  'application/json',
  'application/json+fhir',
  'application/json-patch+json',
]);

/**
 * Reads a WHATWG request addressed to `basePath` into an interaction.
 * @throws HttpProblem for a path outside `basePath` (404), an unknown method (405), an unsupported
 * content type (415) or a body that is not JSON (400).
 */
export async function parseRequest(request: Request, basePath: string): Promise<ParsedRequest> {
  const url = new URL(request.url);
  if (url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) {
    throw new HttpProblem(404, 'not-found', `Not under the FHIR base path ${basePath || '/'}`);
  }
  const method = request.method.toUpperCase();
  if (!methods.has(method)) {
    throw new HttpProblem(405, 'not-supported', `Method ${method} is not supported`);
  }
  const optional = (name: keyof InteractionRequest, header: string): Partial<InteractionRequest> => {
    const value = request.headers.get(header);
    return value ? { [name]: value } : {};
  };
  const hasBody = method === 'POST' || method === 'PUT' || method === 'PATCH';
  return {
    baseUrl: url.origin + basePath,
    head: method === 'HEAD',
    preferReturn: /(?:^|[;,\s])return=([\w-]+)/i.exec(request.headers.get('prefer') ?? '')?.[1],
    interaction: {
      method: (method === 'HEAD' ? 'GET' : method) as InteractionMethod,
      path: url.pathname.slice(basePath.length).replace(/^\/+/, ''),
      query: url.searchParams,
      ...(hasBody ? { body: await readBody(request) } : undefined),
      ...optional('ifMatch', 'if-match'),
      ...optional('ifNoneExist', 'if-none-exist'),
      ...optional('ifNoneMatch', 'if-none-match'),
    },
  };
}

/**
 * Writes an interaction result as an HTTP response: FHIR JSON, with `ETag` and `Last-Modified`
 * for a stored resource, `Location` when one was created, and the body shaped by `Prefer: return=`.
 */
export function renderResponse(result: InteractionResult, parsed: ParsedRequest): Response {
  const headers = new Headers({ 'content-type': FHIR_JSON });
  const version = resultVersion(result, parsed.baseUrl);
  if (version) {
    headers.set('etag', `W/"${version.versionId}"`);
    headers.set('last-modified', new Date(version.lastUpdated).toUTCString());
    if (version.location) {
      headers.set('location', version.location);
    }
  }
  let body: Resource | undefined = result.body;
  const isWrite = parsed.interaction.method !== 'GET' && parsed.interaction.method !== 'DELETE';
  if (result.status === 304 || parsed.head) {
    body = undefined;
  } else if (version && isWrite && parsed.preferReturn === 'minimal') {
    body = undefined;
  } else if (version && isWrite && parsed.preferReturn === 'OperationOutcome') {
    const text = `${result.status === 201 ? 'Created' : 'Updated'} ${body?.resourceType}/${body?.id}`;
    body = {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'information', code: 'informational', details: { text } }],
    };
  }
  return new Response(body ? JSON.stringify(body) : null, { status: result.status, headers });
}

async function readBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (!text.trim()) {
    return undefined;
  }
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/x-www-form-urlencoded') {
    return new URLSearchParams(text);
  }
  if (type && !jsonTypes.has(type)) {
    throw new HttpProblem(415, 'not-supported', `Unsupported content type ${type}; send application/fhir+json`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpProblem(400, 'structure', 'The request body is not valid JSON');
  }
}
