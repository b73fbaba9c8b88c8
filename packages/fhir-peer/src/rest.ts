import { getStatus, isOk, isResourceType, parseSearchRequest } from '@medplum/core';
import type { FhirRequest } from '@medplum/fhir-router';
import { FhirRouter } from '@medplum/fhir-router';
import type { Bundle } from '@medplum/fhirtypes';
import { capabilityStatement } from './capability.ts';
import { patientCompartmentParams } from './definitions.ts';
import type { InteractionMethod, InteractionRequest, InteractionResult } from './interaction.ts';
import { parseETag } from './interaction.ts';
import { describeError, HttpProblem } from './outcomes.ts';
import { addPagingLinks, readPageWindow, withPageWindow } from './paging.ts';
import type { PeerRepository } from './repository.ts';
import type { StrictnessControl } from './strictness.ts';
import { processBundle } from './transaction.ts';

/** How an interaction is being run. */
export interface InteractionContext {
  /** The absolute base URL, used for links, `fullUrl` and `Location`. */
  baseUrl: string;
  /** True inside a transaction: ids the transaction assigned to new resources are kept. */
  assignedIds?: boolean;
  /** True for entries of a batch or transaction, which must not contain another bundle. */
  bundled?: boolean;
}

/**
 * The FHIR RESTful API of one peer: Medplum's `FhirRouter` over a {@link PeerRepository}, plus what
 * the router leaves out — the CapabilityStatement, If-Match and If-None-Match, 201 for
 * update-as-create, paging links and `fullUrl`s, `POST Type/_search`, atomic transactions, and the
 * strict behaviours of a real server that {@link StrictnessControl} switches on.
 */
export class RestApi {
  private readonly router = new FhirRouter();

  constructor(
    private readonly repository: PeerRepository,
    private readonly settings: { name: string; defaultPageSize: number; startedAt: string; smart?: boolean },
    private readonly strictness: StrictnessControl
  ) {}

  /**
   * Runs one interaction; failures come back as a result with an OperationOutcome, never as a rejection.
   * A write chosen by the simulated serialization failures answers 409 without running.
   */
  async execute(request: InteractionRequest, context: InteractionContext): Promise<InteractionResult> {
    try {
      const serializationFailure = this.strictness.takeWriteFailure(request);
      if (serializationFailure) {
        return { status: 409, body: serializationFailure };
      }
      return await this.dispatch(request, context);
    } catch (error) {
      const { status, outcome } = describeError(error);
      return { status, body: outcome };
    }
  }

  private async dispatch(request: InteractionRequest, context: InteractionContext): Promise<InteractionResult> {
    const { method, segments, query, body } = searchByPostAsGet(request);
    const [resourceType, id] = segments;
    if (!resourceType) {
      return this.atBase(method, body, context);
    }
    if (resourceType === 'metadata' && segments.length === 1) {
      if (method !== 'GET') {
        throw new HttpProblem(405, 'not-supported', 'metadata supports GET only');
      }
      const { name, startedAt, smart } = this.settings;
      return { status: 200, body: capabilityStatement(context.baseUrl, name, startedAt, smart ?? false) };
    }
    if (!isResourceType(resourceType)) {
      throw new HttpProblem(404, 'not-found', `Unknown resource type: ${resourceType}`);
    }
    if (id === '_history' || id === '_search') {
      throw new HttpProblem(400, 'not-supported', `${method} ${segments.join('/')} is not supported`);
    }

    const isHistory = segments.length === 3 && segments[2] === '_history';
    const isCompartmentSearch = segments.length === 3 && !isHistory;
    if (method !== 'GET' || !(segments.length === 1 || isHistory || isCompartmentSearch)) {
      return this.route(request, context, method, segments, query, body);
    }
    const window = readPageWindow(query, this.settings.defaultPageSize);
    const pageQuery = withPageWindow(query, window);
    const result = isCompartmentSearch
      ? { status: 200, body: await this.searchCompartment(segments, pageQuery) }
      : await this.route(request, context, method, segments, pageQuery, undefined);
    if (result.body?.resourceType === 'Bundle' && result.status === 200) {
      addFullUrls(result.body, context.baseUrl);
      addPagingLinks(result.body, `${context.baseUrl}/${segments.join('/')}`, pageQuery, window);
    }
    return result;
  }

  /** `POST [base]`: a transaction or batch. */
  private atBase(method: InteractionMethod, body: unknown, context: InteractionContext): Promise<InteractionResult> {
    if (method === 'POST' && !context.bundled) {
      return processBundle(body, {
        repository: this.repository,
        baseUrl: context.baseUrl,
        strictness: this.strictness,
        execute: (entry, assignedIds) => this.execute(entry, { ...context, assignedIds, bundled: true }),
      });
    }
    throw context.bundled
      ? new HttpProblem(400, 'not-supported', 'Bundles cannot be nested')
      : new HttpProblem(405, 'not-supported', 'Only transaction and batch are supported at the base URL');
  }

  /**
   * Hands an interaction to Medplum's router, adding what the router leaves out: the If-Match
   * check, 201 for update-as-create, and 304 for a matching If-None-Match.
   */
  private async route(
    request: InteractionRequest,
    context: InteractionContext,
    method: InteractionMethod,
    segments: string[],
    query: URLSearchParams,
    body: unknown
  ): Promise<InteractionResult> {
    const [resourceType = '', id] = segments;
    if (request.ifMatch !== undefined && method !== 'GET' && method !== 'POST') {
      if (!id || segments.length !== 2) {
        throw new HttpProblem(400, 'invalid', 'If-Match needs a [type]/[id] URL');
      }
      this.repository.checkVersion(resourceType, id, parseETag(request.ifMatch));
    }
    if ((method === 'PUT' || (method === 'POST' && segments.length === 1)) && !isJsonObject(body)) {
      throw new HttpProblem(400, 'invalid', 'The request body must be a FHIR resource');
    }
    const url = segments.join('/') + (query.size ? `?${query}` : '');
    const route = this.router.find(method, url);
    if (!route) {
      throw new HttpProblem(405, 'not-supported', `${method} ${segments.join('/')} is not supported`);
    }
    const createsById = method === 'PUT' && segments.length === 2 && this.repository.isNew(resourceType, id as string);
    const fhirRequest: FhirRequest = {
      method,
      url,
      pathname: route.path,
      params: route.params,
      query: route.query ?? {},
      body,
      headers: request.ifNoneExist ? { 'if-none-exist': request.ifNoneExist } : {},
      config: {},
    };
    const [outcome, resource] = await route.handler(fhirRequest, this.repository, this.router, {
      batch: Boolean(context.assignedIds),
    });
    if (!isOk(outcome) || !resource) {
      return { status: getStatus(outcome), body: outcome };
    }
    if (method === 'GET' && request.ifNoneMatch && matchesETag(request.ifNoneMatch, resource.meta?.versionId)) {
      return { status: 304, body: resource };
    }
    return { status: createsById ? 201 : getStatus(outcome), body: resource };
  }

  /** `GET [base]/Patient/[id]/[type]`: a search within a patient's compartment. */
  private async searchCompartment(segments: string[], query: URLSearchParams): Promise<Bundle> {
    const [compartment, compartmentId, resourceType = ''] = segments;
    const params = patientCompartmentParams(resourceType);
    if (compartment !== 'Patient' || !isResourceType(resourceType) || !params) {
      const text = `GET ${segments.join('/')} is not supported (only searches in the Patient compartment are)`;
      throw new HttpProblem(400, 'not-supported', text);
    }
    const search = parseSearchRequest(`${resourceType}?${query}`);
    return this.repository.searchCompartment(search, `Patient/${compartmentId}`, params);
  }
}

/** Reads `POST [type]/_search` with a form body as the equivalent GET search. */
function searchByPostAsGet(request: InteractionRequest): {
  method: InteractionMethod;
  segments: string[];
  query: URLSearchParams;
  body: unknown;
} {
  const segments = request.path.split('/').filter(Boolean);
  const { method, query, body } = request;
  if (method === 'POST' && segments.length === 2 && segments[1] === '_search') {
    if (body !== undefined && !(body instanceof URLSearchParams)) {
      throw new HttpProblem(415, 'not-supported', 'POST [type]/_search takes application/x-www-form-urlencoded');
    }
    const merged = new URLSearchParams([...query, ...(body ?? [])]);
    return { method: 'GET', segments: segments.slice(0, 1), query: merged, body: undefined };
  }
  if (body instanceof URLSearchParams) {
    throw new HttpProblem(415, 'not-supported', 'Form bodies are accepted only by POST [type]/_search');
  }
  return { method, segments, query, body };
}

function matchesETag(header: string, versionId: string | undefined): boolean {
  return versionId !== undefined && header.split(',').some((tag) => tag.trim() === '*' || parseETag(tag) === versionId);
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function addFullUrls(bundle: Bundle, baseUrl: string): void {
  bundle.entry = bundle.entry?.map((entry) => {
    const reference = entry.resource ? `${entry.resource.resourceType}/${entry.resource.id}` : entry.request?.url;
    return reference ? { fullUrl: `${baseUrl}/${reference}`, ...entry } : entry;
  });
}
