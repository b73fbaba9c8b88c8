import { getDataType } from '@medplum/core';
import type { Bundle, BundleEntry, BundleLink, Coding, Resource } from '@medplum/fhirtypes';
import { loadFhirDefinitions } from './definitions.ts';
import { formatIsJson } from './negotiate.ts';
import { FhirError } from './outcome.ts';

/** The page size when the client names none, and the largest one served. */
export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 100;

export const SUMMARY_VALUES = ['true', 'text', 'data', 'count', 'false'] as const;
export type Summary = (typeof SUMMARY_VALUES)[number];
export const TOTAL_VALUES = ['none', 'estimate', 'accurate'] as const;
export type TotalMode = (typeof TOTAL_VALUES)[number];

/** How the client wants the results: page, subset, total. */
export interface ResultParams {
  count: number;
  offset: number;
  summary: Summary | undefined;
  elements: string[] | undefined;
  total: TotalMode | undefined;
}

/**
 * The parameters that shape the result rather than select it, on every search and read:
 * `_offset` pages (the face's `next` links carry it).
 */
export const RESULT_PARAMETERS = ['_count', '_offset', '_summary', '_total', '_elements', '_format', '_pretty'] as const;
const resultParameters = new Set<string>(RESULT_PARAMETERS);

/** The tag a resource carries when it is not all there (FHIR R4 search 3.1.1.5.7, 3.1.1.5.9). */
export const SUBSETTED: Coding = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED', display: 'subsetted' };

function nonNegativeInteger(name: string, value: string | null): number | undefined {
  if (value === null) return undefined;
  if (!/^\d{1,9}$/.test(value.trim())) throw new FhirError(400, 'invalid', `${name} must be a whole number of 0 or more`);
  return Number(value.trim());
}

function oneOf<T extends string>(name: string, value: string | null, values: readonly T[]): T | undefined {
  if (value === null) return undefined;
  const found = values.find((v) => v === value.trim());
  if (!found) throw new FhirError(400, 'invalid', `${name} must be one of ${values.join(', ')}`);
  return found;
}

/**
 * Reads the result parameters and sorts out the rest: `criteria` are the ones the search knows;
 * any other parameter is ignored and named in `ignored`, or, under `Prefer: handling=strict`, refused
 * with a 400. A known parameter with a value it cannot take is a 400 either way.
 */
export function parseSearchParams(
  params: URLSearchParams,
  criteria: readonly string[],
  strict: boolean,
): { result: ResultParams; ignored: string[] } {
  const known = new Set(criteria);
  const ignored = [...new Set(params.keys())].filter((key) => !known.has(key) && !resultParameters.has(key));
  if (strict && ignored.length) {
    throw new FhirError(400, 'not-supported', `Unknown or unsupported parameter${ignored.length > 1 ? 's' : ''}: ${ignored.map(safeName).join(', ')}`);
  }
  const refused = params.getAll('_format').find((format) => !formatIsJson(format));
  if (refused !== undefined) throw new FhirError(406, 'not-supported', 'Only JSON is served here: _format=json (or application/fhir+json)');
  const count = nonNegativeInteger('_count', params.get('_count'));
  const elements = params
    .getAll('_elements')
    .flatMap((value) => value.split(','))
    .map((name) => name.trim())
    .filter(Boolean);
  return {
    result: {
      count: Math.min(count ?? DEFAULT_COUNT, MAX_COUNT),
      offset: nonNegativeInteger('_offset', params.get('_offset')) ?? 0,
      summary: oneOf('_summary', params.get('_summary'), SUMMARY_VALUES),
      elements: elements.length ? elements : undefined,
      total: oneOf('_total', params.get('_total'), TOTAL_VALUES),
    },
    ignored,
  };
}

/** A parameter name as it may be repeated back: printable, short. */
const safeName = (name: string) => JSON.stringify(name.slice(0, 64));

/** Whether a JSON key names the element: itself, its primitive extension `_element`, or a typed form of a choice (`deceasedBoolean` of `deceased[x]`). */
function keyNames(key: string, element: string, choices: Set<string>): boolean {
  const bare = key.startsWith('_') ? key.slice(1) : key;
  if (bare === element) return true;
  return choices.has(element) && bare.startsWith(element) && /^[A-Z]/.test(bare.slice(element.length));
}

function keep(resource: Resource, keepKey: (key: string) => boolean): Resource {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) if (keepKey(key)) out[key] = value;
  const meta = (out.meta ?? {}) as NonNullable<Resource['meta']>;
  out.meta = { ...meta, tag: [...(meta.tag ?? []).filter((t) => !(t.system === SUBSETTED.system && t.code === SUBSETTED.code)), { ...SUBSETTED }] };
  return out as unknown as Resource;
}

/** The mandatory, the summary and the choice elements of a resource type, from the R4 definitions. */
function elementsOf(resourceType: string): { mandatory: string[]; summary: string[]; choices: Set<string> } {
  loadFhirDefinitions();
  const schema = getDataType(resourceType);
  return {
    mandatory: [...(schema.mandatoryProperties ?? [])],
    summary: [...(schema.summaryProperties ?? [])],
    choices: new Set(Object.keys(schema.elements).filter((key) => key.endsWith('[x]')).map((key) => key.slice(0, -3))),
  };
}

/** Elements a subset always keeps: what makes it a resource, and what changes its meaning. */
const ALWAYS = ['resourceType', 'id', 'meta', 'implicitRules', 'modifierExtension'];

/**
 * A resource cut as `_summary` and `_elements` ask (FHIR R4 search 3.1.1.5.7, 3.1.1.5.9): the
 * named or summary elements, the mandatory ones always, and the SUBSETTED tag. Unchanged when
 * neither asks for a subset.
 */
export function subset(resource: Resource, result: Pick<ResultParams, 'summary' | 'elements'>): Resource {
  let out = resource;
  if (!result.elements && (!result.summary || result.summary === 'false' || result.summary === 'count')) return resource;
  const { mandatory, summary, choices } = elementsOf(resource.resourceType);
  const any = (names: string[]) => (key: string) => names.some((name) => keyNames(key, name, choices));
  if (result.summary === 'true') out = keep(out, any([...ALWAYS, ...mandatory, ...summary]));
  else if (result.summary === 'text') out = keep(out, any([...ALWAYS, 'text', ...mandatory]));
  else if (result.summary === 'data') out = keep(out, (key) => key !== 'text');
  if (result.elements) {
    const named = result.elements.map((name) => (name.startsWith(`${resource.resourceType}.`) ? name.slice(resource.resourceType.length + 1) : name));
    out = keep(out, any([...ALWAYS, ...mandatory, ...named]));
  }
  return out;
}

/** The result parameters that shape every page alike, as they go into the links. */
function shapeParams(result: ResultParams): [string, string][] {
  const shape: [string, string][] = [];
  if (result.summary) shape.push(['_summary', result.summary]);
  if (result.elements) shape.push(['_elements', result.elements.join(',')]);
  if (result.total) shape.push(['_total', result.total]);
  return shape;
}

export interface SearchsetOptions {
  /** The face's base URL (`…/fhir`). */
  base: string;
  type: string;
  result: ResultParams;
  ignored: string[];
  /** How many match. */
  total: number;
  /**
   * The search as the links repeat it: parameters that select exactly the matches, holding no
   * personal data. Null when nothing matched: no links then.
   */
  criteria: [string, string][] | null;
  /** The matches from `offset`, at most `count` of them. */
  load(offset: number, count: number): Promise<Resource[]>;
}

/**
 * A searchset Bundle: one page of matches (none for `_summary=count` or `_count=0`), `total`
 * unless `_total=none`, `self`, `first`, `previous`, `next` and `last` links, and an
 * OperationOutcome entry naming the parameters it ignored.
 */
export async function searchset(options: SearchsetOptions): Promise<Bundle> {
  const { base, type, result, total, criteria } = options;
  const countOnly = result.summary === 'count' || result.count === 0;
  const resources = countOnly || result.offset >= total ? [] : await options.load(result.offset, result.count);
  const entry: BundleEntry[] = resources.map((resource) => ({
    fullUrl: `${base}/${resource.resourceType}/${resource.id}`,
    resource: subset(resource, result),
    search: { mode: 'match' },
  }));
  if (options.ignored.length) {
    entry.push({
      resource: {
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'warning',
            code: 'not-supported',
            diagnostics: `Ignored unknown or unsupported parameter${options.ignored.length > 1 ? 's' : ''}: ${options.ignored.map(safeName).join(', ')}`,
          },
        ],
      },
      search: { mode: 'outcome' },
    });
  }
  const link: BundleLink[] = [];
  if (criteria) {
    const url = (params: [string, string][]) => `${base}/${type}?${new URLSearchParams([...criteria, ...params]).toString()}`;
    if (countOnly) {
      link.push({ relation: 'self', url: url([['_summary', 'count'], ...(result.total ? [['_total', result.total] as [string, string]] : [])]) });
    } else {
      const page = (offset: number) => url([['_count', String(result.count)], ...(offset > 0 ? [['_offset', String(offset)] as [string, string]] : []), ...shapeParams(result)]);
      const lastOffset = total === 0 ? 0 : Math.floor((total - 1) / result.count) * result.count;
      link.push({ relation: 'self', url: page(result.offset) }, { relation: 'first', url: page(0) });
      if (result.offset > 0) link.push({ relation: 'previous', url: page(Math.max(0, Math.min(result.offset, lastOffset + result.count) - result.count)) });
      if (result.offset + result.count < total) link.push({ relation: 'next', url: page(result.offset + result.count) });
      link.push({ relation: 'last', url: page(lastOffset) });
    }
  }
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(result.total === 'none' && !countOnly ? {} : { total }),
    ...(link.length ? { link } : {}),
    ...(entry.length ? { entry } : {}),
  };
}
