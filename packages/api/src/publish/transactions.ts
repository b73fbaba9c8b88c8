import { isDeepStrictEqual } from 'node:util';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { referencesIn, rewriteReferences, stableUuid, type SipSystems } from '@sip/shared';
import { validateBundle } from '../fhir/validate.ts';
import { UpstreamError, type Upstream } from '../upstreams/upstream.ts';
import { EntriesRefused } from './delivery-failure.ts';

/** One resource to be written to an upstream. */
export interface Write {
  /** How the other writes reference it before it has an id there, e.g. `CarePlan/<our id>`. */
  local: string;
  resourceType: Resource['resourceType'];
  /** The resource as it should stand, with references to other writes by their `local`; no `id`. */
  body: Resource;
  /** What the upstream holds for it now; absent: it is created. */
  existing?: { id: string; versionId: string; resource?: Resource };
  /** For a create: the search that finds it if it exists after all (conditional create). */
  ifNoneExist?: string;
}

/** What became of one write. */
export interface Written {
  /** `Type/id` on the upstream. */
  reference: string;
  versionId?: string;
  /** False when the upstream already held exactly this: nothing was sent. */
  changed: boolean;
}

/** The upstream changed a resource meanwhile (412), or a create matched one that appeared meanwhile: read again and rebuild. */
export class StaleWrite extends Error {
  constructor(readonly upstream: string) {
    super(`${upstream}: changed meanwhile`);
    this.name = 'StaleWrite';
  }
}

/** What a server adds to a resource's `meta` on its own; left out when comparing content. */
const SERVER_META = ['versionId', 'lastUpdated', 'source', 'author', 'project', 'compartment', 'accounts', 'autoIncrementField'];

function content(resource: Resource): unknown {
  const { id: _id, meta, ...rest } = JSON.parse(JSON.stringify(resource)) as Resource & { meta?: Record<string, unknown> };
  const ownMeta = Object.fromEntries(Object.entries(meta ?? {}).filter(([k]) => !SERVER_META.includes(k)));
  return Object.keys(ownMeta).length ? { ...rest, meta: ownMeta } : rest;
}

/** Whether the upstream's copy already says exactly what we would write. */
export function sameContent(ours: Resource, theirs: Resource): boolean {
  return isDeepStrictEqual(content(ours), content(theirs));
}

/**
 * Groups the writes so that each group only references writes of earlier groups or of itself
 * (resources that reference each other in a cycle stay together), in dependency order, at most
 * `max` to a group where the cycles allow.
 */
export function chunk(writes: Write[], max: number): Write[][] {
  const byLocal = new Map(writes.map((w) => [w.local, w]));
  const deps = new Map<string, string[]>();
  for (const w of writes) {
    const found = new Set<string>();
    for (const ref of referencesIn(w.body)) if (ref !== w.local && byLocal.has(ref)) found.add(ref);
    deps.set(w.local, [...found]);
  }
  // Tarjan's strongly connected components: each is completed after all it depends on.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: Write[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of deps.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: Write[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(byLocal.get(w)!);
      } while (w !== v);
      components.push(component.reverse());
    }
  };
  for (const w of writes) if (!index.has(w.local)) visit(w.local);
  const groups: Write[][] = [];
  for (const component of components) {
    const last = groups.at(-1);
    if (last && last.length + component.length <= max) last.push(...component);
    else groups.push([...component]);
  }
  return groups;
}

const placeholderOf = (w: Write) => `urn:uuid:${stableUuid(`publish|${w.local}`)}`;

/** The status code of a transaction-response entry ("201 Created", "201", …). */
function entryStatus(entry: BundleEntry | undefined): number {
  const match = /^\s*(\d{3})/.exec(entry?.response?.status ?? '');
  return match ? Number(match[1]) : 0;
}

/** `Type/id` and version out of a response entry's `location` (relative or absolute, with or without `_history`). */
function locationOf(entry: BundleEntry): { reference: string; versionId?: string } | undefined {
  const match = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([A-Za-z0-9\-.]{1,64}))?\/?$/.exec(entry.response?.location ?? '');
  const resource = entry.resource;
  if (match) {
    const versionId = match[3] ?? resource?.meta?.versionId ?? etagVersion(entry.response?.etag);
    return { reference: `${match[1]}/${match[2]}`, ...(versionId ? { versionId } : {}) };
  }
  if (resource?.resourceType && resource.id) {
    const versionId = resource.meta?.versionId ?? etagVersion(entry.response?.etag);
    return { reference: `${resource.resourceType}/${resource.id}`, ...(versionId ? { versionId } : {}) };
  }
  return undefined;
}

function etagVersion(etag: string | undefined): string | undefined {
  return etag ? /^(?:W\/)?"([^"]+)"$/.exec(etag.trim())?.[1] : undefined;
}

/**
 * Writes `writes` to the upstream in transactions of at most its `maxTransactionEntries`, in
 * dependency order; what the upstream already holds unchanged is not sent. Each transaction
 * counts only when the answer is a `transaction-response` whose every entry has a 2xx status
 * (a server that runs transactions as batches answers 200 with failed entries): otherwise it
 * throws, and a later attempt finds what did get written by its identifiers. `known` maps
 * `local` references to `Type/id` on the upstream and grows with what is created; `systems`
 * are the URLs our own systems must be published as.
 */
export async function writeAll(
  upstream: Upstream,
  writes: Write[],
  known: Map<string, string>,
  systems: SipSystems,
  signal?: AbortSignal,
): Promise<Map<string, Written>> {
  const results = new Map<string, Written>();
  const toSend: Write[] = [];
  for (const w of writes) {
    if (w.existing) known.set(w.local, `${w.resourceType}/${w.existing.id}`);
  }
  for (const w of writes) {
    const theirs = w.existing?.resource;
    if (w.existing && theirs && sameContent({ ...rewriteReferences(w.body, known) }, theirs)) {
      results.set(w.local, { reference: `${w.resourceType}/${w.existing.id}`, versionId: w.existing.versionId, changed: false });
    } else toSend.push(w);
  }
  for (const group of chunk(toSend, Math.max(1, upstream.maxTransactionEntries))) {
    const placeholders = new Map(group.filter((w) => !w.existing).map((w) => [w.local, placeholderOf(w)]));
    const references = new Map([...known, ...placeholders]);
    const entries: BundleEntry[] = group.map((w) => {
      const body = rewriteReferences(w.body, references) as Resource;
      if (w.existing) {
        return {
          resource: { ...body, id: w.existing.id } as Resource,
          request: { method: 'PUT', url: `${w.resourceType}/${w.existing.id}`, ifMatch: `W/"${w.existing.versionId}"` },
        };
      }
      return {
        fullUrl: placeholders.get(w.local)!,
        resource: body,
        request: { method: 'POST', url: w.resourceType, ...(w.ifNoneExist ? { ifNoneExist: w.ifNoneExist } : {}) },
      };
    });
    const bundle: Bundle = { resourceType: 'Bundle', type: 'transaction', entry: entries };
    validateBundle(bundle, systems, new Set(known.values()));
    const answer = await upstream.transaction(bundle, signal);
    if (answer?.resourceType !== 'Bundle' || (answer.entry ?? []).length !== entries.length) {
      throw new UpstreamError(upstream.name, 'bad-response', 200);
    }
    const statuses = answer.entry!.map(entryStatus);
    if (statuses.some((s) => s === 412)) throw new StaleWrite(upstream.name);
    if (statuses.some((s) => s < 200 || s >= 300)) throw new EntriesRefused(upstream.name, statuses);
    for (const [i, w] of group.entries()) {
      const entry = answer.entry![i]!;
      const at = locationOf(entry);
      if (!at || !at.reference.startsWith(`${w.resourceType}/`)) throw new UpstreamError(upstream.name, 'bad-response', statuses[i]);
      // A create that found one made meanwhile did not write ours: read again and update it.
      if (!w.existing && statuses[i] !== 201) throw new StaleWrite(upstream.name);
      known.set(w.local, at.reference);
      results.set(w.local, { reference: at.reference, ...(at.versionId ? { versionId: at.versionId } : {}), changed: true });
    }
  }
  return results;
}
