import type { Resource } from '@medplum/fhirtypes';

/** The HTTP methods of the FHIR RESTful API (HEAD is answered as GET without a body). */
export type InteractionMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One FHIR interaction, from an HTTP request or from a Bundle entry. */
export interface InteractionRequest {
  method: InteractionMethod;
  /** The path below the base URL, e.g. `Patient/123/_history/2`, without a leading slash. */
  path: string;
  query: URLSearchParams;
  /** Parsed JSON, or form parameters for `POST Type/_search`. */
  body?: unknown;
  ifMatch?: string;
  ifNoneExist?: string;
  ifNoneMatch?: string;
}

/** The outcome of one interaction: an HTTP status and a resource, Bundle or OperationOutcome. */
export interface InteractionResult {
  status: number;
  body?: Resource;
}

/** Version details of a stored resource in a result, for ETag, Last-Modified and Location. */
export interface ResultVersion {
  versionId: string;
  lastUpdated: string;
  /** The absolute versioned URL, set when the result created the resource. */
  location?: string;
}

/** The version details of the stored resource a result carries, if it carries one. */
export function resultVersion(result: InteractionResult, baseUrl: string): ResultVersion | undefined {
  const resource = result.body;
  const versionId = resource?.meta?.versionId;
  const lastUpdated = resource?.meta?.lastUpdated;
  if (!resource || !versionId || !lastUpdated) {
    return undefined;
  }
  const location =
    result.status === 201 ? `${baseUrl}/${resource.resourceType}/${resource.id}/_history/${versionId}` : undefined;
  return { versionId, lastUpdated, ...(location ? { location } : undefined) };
}

/** The version id in an entity tag such as `W/"3"`, `"3"` or `3`. */
export function parseETag(etag: string): string {
  return /^(?:W\/)?"?([^"]*)"?$/.exec(etag.trim())?.[1] ?? etag;
}
