import { STATUS_CODES } from 'node:http';
import type { WithId } from '@medplum/core';
import { multipleMatches, OperationOutcomeError, parseSearchRequest } from '@medplum/core';
import type { Bundle, BundleEntry, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { describeError, errorOutcome, HttpProblem } from './outcomes.ts';
import type { PeerRepository } from './repository.ts';
import type { InteractionMethod, InteractionRequest, InteractionResult } from './interaction.ts';
import { resultVersion } from './interaction.ts';
import type { StrictnessControl } from './strictness.ts';

/** What bundle processing needs from the peer. */
export interface BundleContext {
  repository: PeerRepository;
  baseUrl: string;
  /** The strict behaviours in force: the transaction mode and the entry limit. */
  strictness: StrictnessControl;
  /** Runs one entry; `assignedIds` keeps the ids the transaction gave to new resources. */
  execute(request: InteractionRequest, assignedIds: boolean): Promise<InteractionResult>;
}

/** A transaction entry that failed, which rolls the whole transaction back. */
class EntryFailure extends Error {
  constructor(
    readonly index: number,
    readonly request: InteractionRequest,
    readonly status: number,
    readonly outcome: OperationOutcome
  ) {
    super(`Bundle.entry[${index}] failed with ${status}`);
  }

  toResult(): InteractionResult {
    const query = this.request.query.size ? `?${this.request.query}` : '';
    const { method, path } = this.request;
    const locator = {
      severity: 'information' as const,
      code: 'informational' as const,
      diagnostics: `Transaction rolled back: ${method} ${path}${query} failed with ${this.status}`,
      expression: [`Bundle.entry[${this.index}]`],
    };
    return { status: this.status, body: { ...this.outcome, issue: [...this.outcome.issue, locator] } };
  }
}

const placeholderPattern = /urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const processingOrder: Record<InteractionMethod, number> = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3 };

/**
 * Processes `POST [base]` with a `transaction` or `batch` Bundle.
 *
 * In `atomic` transaction mode (the default) a transaction is all or nothing: new resources get
 * their ids first, `urn:uuid:` placeholders (entry `fullUrl`s) are replaced by `Type/id` references
 * everywhere in the bundle, entries run in the R4 order (DELETE, POST, PUT/PATCH, GET), and the
 * first failing entry undoes every write and answers with that entry's status and OperationOutcome.
 * Conditional creates (`ifNoneExist`), conditional updates and `ifMatch` work as for single
 * requests. With `maxTransactionEntries` set, a transaction that needs strict isolation (it has a
 * conditional create, update or delete) and has more entries is refused with 400 before anything runs.
 *
 * In `batch` transaction mode a transaction is processed as Medplum server does without atomic
 * transactions: see {@link runTransactionAsBatch}.
 *
 * A batch runs each entry on its own, in order, and reports each entry's own outcome.
 */
export async function processBundle(body: unknown, context: BundleContext): Promise<InteractionResult> {
  const bundle = body as Bundle | undefined;
  if (bundle?.resourceType !== 'Bundle' || (bundle.type !== 'transaction' && bundle.type !== 'batch')) {
    throw new HttpProblem(400, 'invalid', 'POST to the base URL takes a Bundle of type transaction or batch');
  }
  const entries = bundle.entry ?? [];
  if (bundle.type === 'batch') {
    return runBatch(entries, context);
  }
  const { strictness } = context;
  if (strictness.transactionMode === 'batch') {
    return runTransactionAsBatch(entries, context);
  }
  const limit = strictness.maxTransactionEntries;
  if (limit !== undefined && entries.length > limit && entries.some(needsStrictIsolation)) {
    return { status: 400, body: strictness.refuseTransaction() };
  }
  return runTransaction(entries, context);
}

/** True for a conditional create, update or delete, for which Medplum runs a transaction serializable. */
function needsStrictIsolation(entry: BundleEntry): boolean {
  const { method, url = '', ifNoneExist } = entry.request ?? {};
  const conditional = url.includes('?');
  return (method === 'POST' && Boolean(ifNoneExist)) || ((method === 'PUT' || method === 'DELETE') && conditional);
}

async function runBatch(entries: BundleEntry[], context: BundleContext): Promise<InteractionResult> {
  const results: InteractionResult[] = [];
  for (const [index, entry] of entries.entries()) {
    let result: InteractionResult;
    try {
      result = await context.execute(toRequest(entry, index, context.baseUrl), false);
    } catch (error) {
      const { status, outcome } = describeError(error);
      result = { status, body: outcome };
    }
    results.push(result);
  }
  return { status: 200, body: responseBundle('batch-response', results, context.baseUrl) };
}

async function runTransaction(entries: BundleEntry[], context: BundleContext): Promise<InteractionResult> {
  const requests = entries.map((entry, index) => toRequest(entry, index, context.baseUrl));
  try {
    return await context.repository.withTransaction(async () => {
      const placeholders = await assignIdentities(entries, requests, context.repository);
      const rewritten = requests.map((request) => replacePlaceholders(request, placeholders));
      const order = rewritten
        .map((request, index) => ({ index, rank: processingOrder[request.method] }))
        .sort((a, b) => a.rank - b.rank);
      const results: InteractionResult[] = [];
      for (const { index } of order) {
        const request = rewritten[index] as InteractionRequest;
        const result = await context.execute(request, true);
        if (result.status >= 400) {
          throw new EntryFailure(index, request, result.status, result.body as OperationOutcome);
        }
        results[index] = result;
      }
      return { status: 200, body: responseBundle('transaction-response', results, context.baseUrl) };
    });
  } catch (error) {
    if (error instanceof EntryFailure) {
      return error.toResult();
    }
    throw error;
  }
}

/**
 * Processes a `transaction` Bundle as Medplum server does when the project has no atomic
 * transactions: every entry runs on its own, and the answer is 200 with a `transaction-response`
 * whose failed entries carry their own status and OperationOutcome.
 *
 * As in Medplum, identities are decided first for every entry (conditional creates and updates are
 * resolved by search, new resources get ids), `urn:uuid:` placeholders are replaced by those
 * `Type/id` references, and entries run in the R4 order (DELETE, POST, PUT/PATCH, GET) without
 * a database transaction around them. An entry that refers to the placeholder of an entry that
 * failed is still written, with a reference to the id the failed entry would have had: a dangling
 * reference (Medplum checks references on write only when the project asks it to). A placeholder
 * that no entry resolves (its conditional update could not be decided, or no entry defines it)
 * stays unresolved, and an entry that refers to it fails with 400. Entries may change the same
 * resource more than once, and there is no entry limit.
 */
async function runTransactionAsBatch(entries: BundleEntry[], context: BundleContext): Promise<InteractionResult> {
  const results: InteractionResult[] = [];
  const requests: (InteractionRequest | undefined)[] = [];
  const placeholders = new Map<string, string>();
  for (const [index, entry] of entries.entries()) {
    try {
      const request = toRequest(entry, index, context.baseUrl);
      requests[index] = request;
      const reference = await identify(request, index, context.repository, true);
      if (reference) {
        addPlaceholder(placeholders, entry, reference);
      }
    } catch (error) {
      results[index] = failedEntry(error);
      requests[index] = undefined;
    }
  }
  const order = requests
    .map((request, index) => ({ request, index }))
    .filter((item): item is { request: InteractionRequest; index: number } => item.request !== undefined)
    .sort((a, b) => processingOrder[a.request.method] - processingOrder[b.request.method]);
  for (const { request, index } of order) {
    results[index] = await context.execute(replacePlaceholders(request, placeholders), true);
  }
  context.strictness.countFailedEntries(results.filter((result) => result.status >= 400).length);
  return { status: 200, body: responseBundle('transaction-response', results, context.baseUrl) };
}

/** The result of an entry that failed before it could run. */
function failedEntry(error: unknown): InteractionResult {
  if (error instanceof EntryFailure) {
    return { status: error.status, body: error.outcome };
  }
  const { status, outcome } = describeError(error);
  return { status, body: outcome };
}

/**
 * Decides the identity of every resource the transaction creates or changes, before anything runs,
 * so that references between entries can be resolved whatever their order.
 * @returns The `Type/id` reference for each `urn:uuid:` fullUrl.
 */
async function assignIdentities(
  entries: BundleEntry[],
  requests: InteractionRequest[],
  repository: PeerRepository
): Promise<Map<string, string>> {
  const placeholders = new Map<string, string>();
  const targets = new Set<string>();
  for (const [index, request] of requests.entries()) {
    const reference = await identify(request, index, repository, false);
    if (!reference) {
      continue;
    }
    if (targets.has(reference)) {
      const text = `${reference} is changed by more than one entry`;
      throw new EntryFailure(index, request, 400, errorOutcome('invalid', text));
    }
    targets.add(reference);
    addPlaceholder(placeholders, entries[index], reference);
  }
  return placeholders;
}

/**
 * The `Type/id` of the resource an entry creates or changes, deciding the id of a new resource
 * (set on the request body). `lenient` lets a conditional create that matches several resources
 * take a new id (the entry itself then fails when it runs), as Medplum's batch processing does.
 * @throws EntryFailure when a condition cannot be evaluated or matches several resources.
 */
async function identify(
  request: InteractionRequest,
  index: number,
  repository: PeerRepository,
  lenient: boolean
): Promise<string | undefined> {
  const [resourceType, id] = request.path.split('/');
  const body = typeof request.body === 'object' && request.body !== null ? (request.body as Resource) : undefined;
  if (resourceType && !id && request.method === 'POST' && body) {
    let existing: WithId<Resource> | undefined;
    if (request.ifNoneExist) {
      try {
        existing = await findOne(repository, resourceType, request.ifNoneExist, index, request);
      } catch (error) {
        if (!lenient || !(error instanceof EntryFailure) || error.status !== 412) {
          throw error;
        }
      }
    }
    if (!existing) {
      body.id = repository.generateId();
    }
    return `${resourceType}/${existing?.id ?? body.id}`;
  }
  if (resourceType && !id && request.method === 'PUT' && body && request.query.size) {
    const existing = await findOne(repository, resourceType, request.query.toString(), index, request);
    body.id ??= existing?.id ?? repository.generateId();
    return `${resourceType}/${body.id}`;
  }
  if (resourceType && id && request.method !== 'GET' && request.method !== 'POST') {
    return `${resourceType}/${id}`;
  }
  return undefined;
}

function addPlaceholder(placeholders: Map<string, string>, entry: BundleEntry | undefined, reference: string): void {
  const fullUrl = entry?.fullUrl;
  if (fullUrl?.toLowerCase().startsWith('urn:uuid:')) {
    placeholders.set(fullUrl.toLowerCase(), reference);
  }
}

async function findOne(
  repository: PeerRepository,
  resourceType: string,
  query: string,
  index: number,
  request: InteractionRequest
): Promise<WithId<Resource> | undefined> {
  try {
    const search = parseSearchRequest(`${resourceType}?${query}`);
    const matches = await repository.searchResources({ ...search, count: 2 });
    if (matches.length > 1) {
      throw new OperationOutcomeError(multipleMatches);
    }
    return matches[0];
  } catch (error) {
    const { status, outcome } = describeError(error);
    throw new EntryFailure(index, request, status, outcome);
  }
}

function replacePlaceholders(request: InteractionRequest, placeholders: Map<string, string>): InteractionRequest {
  const replaceIn = (text: string): string =>
    text.replace(placeholderPattern, (placeholder) => placeholders.get(placeholder.toLowerCase()) ?? placeholder);
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return replaceIn(value);
    }
    if (Array.isArray(value)) {
      return value.map(walk);
    }
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, walk(child)]));
    }
    return value;
  };
  return {
    ...request,
    body: walk(request.body),
    query: new URLSearchParams([...request.query].map(([key, value]) => [key, replaceIn(value)])),
    ...(request.ifNoneExist ? { ifNoneExist: replaceIn(request.ifNoneExist) } : undefined),
  };
}

function toRequest(entry: BundleEntry, index: number, baseUrl: string): InteractionRequest {
  const { method, url, ifMatch, ifNoneExist, ifNoneMatch } = entry.request ?? {};
  if (!method || !url) {
    throw new HttpProblem(400, 'required', `Bundle.entry[${index}].request needs a method and a url`);
  }
  let relative = url.startsWith(baseUrl + '/') ? url.slice(baseUrl.length + 1) : url;
  if (/^[a-z][a-z0-9+.-]*:/i.test(relative)) {
    throw new HttpProblem(400, 'not-supported', `Bundle.entry[${index}].request.url must be on this server: ${url}`);
  }
  relative = relative.replace(/^\/+/, '');
  const queryStart = relative.indexOf('?');
  return {
    method: method === 'HEAD' ? 'GET' : method,
    path: queryStart < 0 ? relative : relative.slice(0, queryStart),
    query: new URLSearchParams(queryStart < 0 ? '' : relative.slice(queryStart + 1)),
    body: method === 'PATCH' ? patchDocument(entry, index) : structuredClone(entry.resource),
    ...(ifMatch ? { ifMatch } : undefined),
    ...(ifNoneExist ? { ifNoneExist } : undefined),
    ...(ifNoneMatch ? { ifNoneMatch } : undefined),
  };
}

function patchDocument(entry: BundleEntry, index: number): unknown {
  const resource = entry.resource;
  if (resource?.resourceType !== 'Binary' || !resource.data) {
    throw new HttpProblem(
      400,
      'not-supported',
      `Bundle.entry[${index}]: a PATCH entry needs a Binary resource whose data is a JSON Patch document`
    );
  }
  try {
    return JSON.parse(Buffer.from(resource.data, 'base64').toString('utf8'));
  } catch {
    throw new HttpProblem(400, 'structure', `Bundle.entry[${index}]: the Binary data is not a JSON Patch document`);
  }
}

function responseBundle(type: Bundle['type'], results: InteractionResult[], baseUrl: string): Bundle {
  const entry = results.map((result) => responseEntry(result, baseUrl));
  return { resourceType: 'Bundle', type, ...(entry.length ? { entry } : undefined) };
}

function responseEntry(result: InteractionResult, baseUrl: string): BundleEntry {
  const version = resultVersion(result, baseUrl);
  const isOutcome = result.body?.resourceType === 'OperationOutcome';
  return {
    ...(result.body && !isOutcome ? { resource: result.body } : undefined),
    response: {
      status: `${result.status} ${STATUS_CODES[result.status] ?? ''}`.trim(),
      ...(version?.location ? { location: version.location } : undefined),
      ...(version ? { etag: `W/"${version.versionId}"`, lastModified: version.lastUpdated } : undefined),
      ...(isOutcome ? { outcome: result.body as OperationOutcome } : undefined),
    },
  };
}
