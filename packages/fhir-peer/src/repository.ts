import { randomUUID } from 'node:crypto';
import type { SearchRequest, WithId } from '@medplum/core';
import {
  allOk,
  badRequest,
  conflict,
  created,
  gone,
  isResourceType,
  multipleMatches,
  notFound,
  Operator,
  OperationOutcomeError,
  preconditionFailed,
  validateResource,
} from '@medplum/core';
import type { CreateResourceOptions, ReadHistoryOptions, UpdateResourceOptions } from '@medplum/fhir-router';
import { FhirRepository } from '@medplum/fhir-router';
import type { Bundle, BundleEntry, OperationOutcome, Reference, Resource } from '@medplum/fhirtypes';
import { applyJsonPatch } from './patch.ts';
import type { SearchSource } from './search.ts';
import { runSearch, toLocalReference } from './search.ts';

/** One stored version of a resource. */
export interface ResourceVersion {
  /**
   * The resource as written, with `meta.versionId` and `meta.lastUpdated` set by the peer.
   * A deletion stores only `resourceType`, `id` and `meta`.
   */
  readonly resource: WithId<Resource>;
  /** True when this version records a deletion. */
  readonly deleted: boolean;
}

/** A JSON-serialisable snapshot of every resource and its whole history. */
export interface PeerState {
  /** The versions of each resource, oldest first, keyed by `Type/id` in the order resources were created. */
  histories: Record<string, ResourceVersion[]>;
}

type Store = Map<string, Map<string, readonly ResourceVersion[]>>;

const idPattern = /^[A-Za-z0-9\-.]{1,64}$/;
const placeholderPattern = /^urn:uuid:/i;

/**
 * The peer's in-memory FHIR repository, used by Medplum's `FhirRouter`.
 *
 * Unlike Medplum's `MemoryRepository` it validates every write against the R4 definitions,
 * numbers versions 1, 2, 3… per resource, keeps deletions in the history (so reads of a
 * deleted resource answer 410), rolls back `withTransaction` on failure, and can export and
 * import its whole state.
 */
export class PeerRepository extends FhirRepository<undefined> implements SearchSource {
  private store: Store = new Map();
  private writes = 0;

  /** A number that changes whenever the stored state changes (and is restored by a rollback). */
  get revision(): number {
    return this.writes;
  }

  setMode(): void {
    // One in-memory store serves reads and writes alike.
  }

  generateId(): string {
    return randomUUID();
  }

  async createResource<T extends Resource>(resource: T, options?: CreateResourceOptions): Promise<WithId<T>> {
    const id = options?.assignedId && resource.id ? resource.id : this.generateId();
    if (this.latest(resource.resourceType, id)?.deleted === false) {
      throw new OperationOutcomeError(conflict(`${resource.resourceType}/${id} already exists`));
    }
    return this.write({ ...resource, id });
  }

  async updateResource<T extends Resource>(resource: T, options?: UpdateResourceOptions): Promise<WithId<T>> {
    if (!resource.id) {
      throw new OperationOutcomeError(badRequest('Missing id', `${resource.resourceType}.id`));
    }
    if (options?.ifMatch !== undefined) {
      this.checkVersion(resource.resourceType, resource.id, options.ifMatch);
    }
    return this.write(resource as WithId<T>);
  }

  async patchResource<T extends Resource>(
    resourceType: T['resourceType'],
    id: string,
    patch: unknown
  ): Promise<WithId<T>> {
    const current = await this.readResource<T>(resourceType, id);
    const patched = applyJsonPatch(current, patch);
    if (patched?.resourceType !== resourceType || patched.id !== id) {
      throw new OperationOutcomeError(badRequest('A patch must not change resourceType or id'));
    }
    return this.write(patched);
  }

  /**
   * Throws a 412 OperationOutcomeError unless the current version of the resource is `versionId`.
   * A resource that does not exist or is deleted has no current version.
   */
  checkVersion(resourceType: string, id: string, versionId: string): void {
    const latest = this.latest(resourceType, id);
    const current = latest && !latest.deleted ? latest.resource.meta?.versionId : undefined;
    if (current !== versionId) {
      const found = current === undefined ? 'the resource does not exist' : `the current version is ${current}`;
      throw new OperationOutcomeError(
        withDiagnostics(preconditionFailed, `If-Match expected version ${versionId}, but ${found}`)
      );
    }
  }

  async readResource<T extends Resource>(resourceType: string, id: string): Promise<WithId<T>> {
    const latest = this.latest(resourceType, id);
    if (!latest) {
      throw new OperationOutcomeError(withDiagnostics(notFound, `${resourceType}/${id} is not known`));
    }
    if (latest.deleted) {
      throw new OperationOutcomeError(withDiagnostics(gone, `${resourceType}/${id} has been deleted`));
    }
    return structuredClone(latest.resource) as WithId<T>;
  }

  async readReference<T extends Resource>(reference: Reference<T>): Promise<WithId<T>> {
    const local = toLocalReference(reference.reference ?? '');
    if (!local) {
      throw new OperationOutcomeError(badRequest('Invalid reference'));
    }
    const [resourceType, id] = local.split('/') as [string, string];
    return this.readResource<T>(resourceType, id);
  }

  async readReferences<T extends Resource>(references: readonly Reference<T>[]): Promise<(T | Error)[]> {
    return Promise.all(references.map((reference) => this.readReference(reference).catch((error: Error) => error)));
  }

  async readHistory<T extends Resource>(
    resourceType: string,
    id: string,
    options?: ReadHistoryOptions
  ): Promise<Bundle<WithId<T>>> {
    const versions = this.store.get(resourceType)?.get(id);
    if (!versions) {
      throw new OperationOutcomeError(notFound);
    }
    const entries = versions.map((version, index) => historyEntry(version, versions[index - 1]));
    entries.reverse();
    const offset = options?.offset ?? 0;
    const page = entries.slice(offset, options?.limit === undefined ? undefined : offset + options.limit);
    return {
      resourceType: 'Bundle',
      type: 'history',
      total: entries.length,
      ...(page.length ? { entry: page as BundleEntry<WithId<T>>[] } : undefined),
    };
  }

  async readVersion<T extends Resource>(resourceType: string, id: string, versionId: string): Promise<WithId<T>> {
    const version = this.store
      .get(resourceType)
      ?.get(id)
      ?.find((candidate) => candidate.resource.meta?.versionId === versionId);
    if (!version) {
      throw new OperationOutcomeError(notFound);
    }
    if (version.deleted) {
      throw new OperationOutcomeError(gone);
    }
    return structuredClone(version.resource) as WithId<T>;
  }

  async search<T extends Resource>(searchRequest: SearchRequest<T>): Promise<Bundle<WithId<T>>> {
    if (!isResourceType(searchRequest.resourceType)) {
      throw new OperationOutcomeError(badRequest(`Unknown resource type: ${searchRequest.resourceType}`));
    }
    return runSearch(searchRequest, this) as Bundle<WithId<T>>;
  }

  /**
   * Searches the resources of `searchRequest.resourceType` in a patient's compartment: those that
   * refer to the patient through any of `params`.
   */
  async searchCompartment<T extends Resource>(
    searchRequest: SearchRequest<T>,
    patientReference: string,
    params: string[]
  ): Promise<Bundle<WithId<T>>> {
    const anyOf = params.map((code) => ({ code, operator: Operator.EQUALS, value: patientReference }));
    return runSearch(searchRequest, this, anyOf) as Bundle<WithId<T>>;
  }

  async searchByReference<T extends Resource>(
    searchRequest: SearchRequest<T>,
    referenceField: string,
    references: string[]
  ): Promise<Record<string, WithId<T>[]>> {
    const results: Record<string, WithId<T>[]> = {};
    for (const reference of references) {
      const filter = { code: referenceField, operator: Operator.EQUALS, value: reference };
      results[reference] = await this.searchResources({
        ...searchRequest,
        filters: [...(searchRequest.filters ?? []), filter],
      });
    }
    return results;
  }

  /** Deletes a resource by recording a deletion version; deleting a deleted resource changes nothing. */
  async deleteResource(resourceType: string, id: string): Promise<void> {
    const versions = this.store.get(resourceType)?.get(id);
    const latest = versions?.at(-1);
    if (!versions || !latest) {
      throw new OperationOutcomeError(withDiagnostics(notFound, `${resourceType}/${id} is not known`));
    }
    if (latest.deleted) {
      return;
    }
    const meta = { versionId: String(versions.length + 1), lastUpdated: new Date().toISOString() };
    this.append(resourceType, id, { resource: { resourceType, id, meta } as WithId<Resource>, deleted: true });
  }

  /** Runs `callback`; if it throws, every write it made is undone before the error propagates. */
  async withTransaction<TResult>(callback: (client: undefined) => Promise<TResult>): Promise<TResult> {
    const snapshot = this.snapshot();
    try {
      return await callback(undefined);
    } catch (error) {
      this.store = snapshot.store;
      this.writes = snapshot.writes;
      throw error;
    }
  }

  /**
   * Conditional update with the R4 rules: no match creates (keeping a client-supplied id unless
   * that id is taken by another resource, which is a 409), one match updates that resource, and
   * more than one match is a 412.
   */
  override async conditionalUpdate<T extends Resource>(
    resource: T,
    search: SearchRequest,
    options?: CreateResourceOptions & UpdateResourceOptions
  ): Promise<{ resource: WithId<T>; outcome: OperationOutcome }> {
    if (search.resourceType !== resource.resourceType) {
      throw new OperationOutcomeError(badRequest('The search type must match the resource type'));
    }
    return this.withTransaction(async () => {
      const matches = await this.searchResources({ ...search, offset: 0, count: 2, sortRules: undefined });
      if (matches.length > 1) {
        throw new OperationOutcomeError(multipleMatches);
      }
      const [match] = matches;
      if (match) {
        if (resource.id && resource.id !== match.id) {
          const text = 'The resource id does not match the resource found by the condition';
          throw new OperationOutcomeError(badRequest(text, `${resource.resourceType}.id`));
        }
        return { resource: await this.updateResource({ ...resource, id: match.id }, options), outcome: allOk };
      }
      if (!resource.id) {
        return { resource: await this.createResource(resource), outcome: created };
      }
      if (this.latest(resource.resourceType, resource.id)?.deleted === false) {
        throw new OperationOutcomeError(
          conflict(`${resource.resourceType}/${resource.id} exists but does not match the condition`)
        );
      }
      return { resource: await this.updateResource(resource), outcome: created };
    });
  }

  /** True when `Type/id` has no current version (never created, or deleted), so an update creates it. */
  isNew(resourceType: string, id: string): boolean {
    const latest = this.latest(resourceType, id);
    return !latest || latest.deleted;
  }

  current(resourceType: string): WithId<Resource>[] {
    const result: WithId<Resource>[] = [];
    for (const versions of this.store.get(resourceType)?.values() ?? []) {
      const latest = versions.at(-1);
      if (latest && !latest.deleted) {
        result.push(latest.resource);
      }
    }
    return result;
  }

  get(reference: string): WithId<Resource> | undefined {
    const [resourceType = '', id = ''] = reference.split('/');
    const latest = this.latest(resourceType, id);
    return latest && !latest.deleted ? latest.resource : undefined;
  }

  /** A deep copy of every resource and its history. */
  exportState(): PeerState {
    const histories: Record<string, ResourceVersion[]> = {};
    for (const [resourceType, byId] of this.store) {
      for (const [id, versions] of byId) {
        histories[`${resourceType}/${id}`] = structuredClone([...versions]);
      }
    }
    return { histories };
  }

  /** Replaces the whole state with `state` (as produced by `exportState`). */
  importState(state: PeerState): void {
    const store: Store = new Map();
    for (const [key, versions] of Object.entries(state?.histories ?? {})) {
      const [resourceType = '', id = ''] = key.split('/');
      const consistent =
        isResourceType(resourceType) &&
        idPattern.test(id) &&
        Array.isArray(versions) &&
        versions.length > 0 &&
        versions.every(
          (version, index) =>
            version?.resource?.resourceType === resourceType &&
            version.resource.id === id &&
            version.resource.meta?.versionId === String(index + 1) &&
            typeof version.deleted === 'boolean'
        );
      if (!consistent) {
        throw new TypeError(`Invalid peer state for ${key}`);
      }
      let byId = store.get(resourceType);
      if (!byId) {
        byId = new Map();
        store.set(resourceType, byId);
      }
      byId.set(id, structuredClone(versions));
    }
    this.store = store;
    this.writes++;
  }

  private latest(resourceType: string, id: string): ResourceVersion | undefined {
    return this.store.get(resourceType)?.get(id)?.at(-1);
  }

  private write<T extends Resource>(input: T): WithId<T> {
    const { resourceType, id } = input;
    if (!isResourceType(resourceType)) {
      throw new OperationOutcomeError(badRequest(`Unknown resource type: ${String(resourceType)}`));
    }
    if (!id || !idPattern.test(id)) {
      throw new OperationOutcomeError(badRequest(`Invalid id: ${String(id)}`, `${resourceType}.id`));
    }
    const versions = this.store.get(resourceType)?.get(id) ?? [];
    const { meta, ...content } = structuredClone(input);
    const versionMeta = { ...meta, versionId: String(versions.length + 1), lastUpdated: new Date().toISOString() };
    const resource = Object.assign({ resourceType, id, meta: versionMeta }, content) as WithId<T>;
    validateResource(resource);
    rejectPlaceholders(resource, resourceType);
    this.append(resourceType, id, { resource, deleted: false });
    return structuredClone(resource);
  }

  private append(resourceType: string, id: string, version: ResourceVersion): void {
    let byId = this.store.get(resourceType);
    if (!byId) {
      byId = new Map();
      this.store.set(resourceType, byId);
    }
    byId.set(id, [...(byId.get(id) ?? []), version]);
    this.writes++;
  }

  private snapshot(): { store: Store; writes: number } {
    const store: Store = new Map();
    for (const [resourceType, byId] of this.store) {
      store.set(resourceType, new Map(byId));
    }
    return { store, writes: this.writes };
  }
}

function withDiagnostics(outcome: OperationOutcome, diagnostics: string): OperationOutcome {
  return { ...outcome, issue: outcome.issue.map((issue) => ({ ...issue, diagnostics })) };
}

function historyEntry(version: ResourceVersion, previous: ResourceVersion | undefined): BundleEntry {
  const { resourceType, id, meta } = version.resource;
  const etag = `W/"${meta?.versionId}"`;
  const lastModified = meta?.lastUpdated;
  if (version.deleted) {
    return {
      request: { method: 'DELETE', url: `${resourceType}/${id}` },
      response: { status: '204 No Content', etag, lastModified },
    };
  }
  const isCreate = !previous || previous.deleted;
  return {
    resource: structuredClone(version.resource),
    request: isCreate ? { method: 'POST', url: resourceType } : { method: 'PUT', url: `${resourceType}/${id}` },
    response: { status: isCreate ? '201 Created' : '200 OK', etag, lastModified },
  };
}

function rejectPlaceholders(value: unknown, path: string): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => rejectPlaceholders(item, `${path}[${index}]`));
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'reference' && typeof child === 'string' && placeholderPattern.test(child)) {
        throw new OperationOutcomeError(badRequest(`Unresolved placeholder reference ${child}`, `${path}.reference`));
      }
      rejectPlaceholders(child, `${path}.${key}`);
    }
  }
}
