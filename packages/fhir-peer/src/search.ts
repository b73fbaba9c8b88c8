import type { Filter, IncludeTarget, SearchRequest, SortRule, TypedValue, WithId } from '@medplum/core';
import {
  badRequest,
  convertToSearchableReferences,
  evalFhirPathTyped,
  getSearchParameter,
  matchesSearchRequest,
  Operator,
  OperationOutcomeError,
  parseSearchRequest,
  splitSearchOnComma,
  toTypedValue,
  typedValueToString,
} from '@medplum/core';
import { matchesDate } from './dates.ts';
import type {
  Address,
  Bundle,
  BundleEntry,
  HumanName,
  Identifier,
  Resource,
  ResourceType,
  SearchParameter,
} from '@medplum/fhirtypes';

/** Read access to the current (not deleted) resources that a search runs over. */
export interface SearchSource {
  /** Every current resource of a type, in the order the resources were first created. */
  current(resourceType: string): WithId<Resource>[];
  /** The current resource for a `Type/id` reference, if there is one. */
  get(reference: string): WithId<Resource> | undefined;
}

type Predicate = (resource: Resource) => boolean;

const referencePattern = /([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[^/]+)?$/;

/**
 * Runs a parsed FHIR search over `source` and answers a `searchset` Bundle whose `total` counts
 * every match and whose entries are the page selected by `offset` and `count` (all matches when
 * `count` is absent), followed by any `_include`/`_revinclude` resources. With `anyOf`, a resource
 * must also match at least one of those filters (as for a compartment search).
 *
 * Supported: token, string, date, reference and uri parameters with their common modifiers,
 * `:missing`, one level of chaining (`patient.identifier=...`, `subject:Patient.identifier=...`),
 * `reference:identifier`, `_sort`, `_include` and `_revinclude` (without `:iterate`).
 * Anything else (number, quantity, composite and special parameters, `_has`, deeper chains,
 * unknown parameters) is rejected with a 400 OperationOutcome rather than silently ignored.
 */
export function runSearch(
  request: SearchRequest,
  source: SearchSource,
  anyOf?: Filter[]
): Bundle<WithId<Resource>> {
  if (request.types?.length || request.cursor !== undefined) {
    throw unsupported('System-wide search and _cursor paging are not supported');
  }
  const predicates = (request.filters ?? []).map((filter) => compileFilter(request.resourceType, filter, source));
  if (anyOf) {
    const alternatives = anyOf.map((filter) => compileFilter(request.resourceType, filter, source));
    predicates.push((resource) => alternatives.some((alternative) => alternative(resource)));
  }
  const matches = source
    .current(request.resourceType)
    .filter((resource) => predicates.every((predicate) => predicate(resource)));
  sortResources(request.resourceType, matches, request.sortRules ?? []);

  const offset = request.offset ?? 0;
  const page = matches.slice(offset, request.count === undefined ? undefined : offset + request.count);
  const included = collectIncludes(request, page, source);
  const entry: BundleEntry<WithId<Resource>>[] = [
    ...page.map((resource) => ({ resource: structuredClone(resource), search: { mode: 'match' as const } })),
    ...included.map((resource) => ({ resource: structuredClone(resource), search: { mode: 'include' as const } })),
  ];
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: matches.length,
    ...(entry.length ? { entry } : undefined),
  };
}

/**
 * Normalises a stored reference (`Type/id`, an absolute URL or a versioned reference) to `Type/id`.
 * @returns The `Type/id` form, or undefined for references that name no resource on a server.
 */
export function toLocalReference(reference: string): string | undefined {
  const match = referencePattern.exec(reference);
  return match ? `${match[1]}/${match[2]}` : undefined;
}

function compileFilter(resourceType: ResourceType, filter: Filter, source: SearchSource): Predicate {
  if (filter.code.startsWith('_has')) {
    throw unsupported('_has (reverse chaining) is not supported');
  }
  if (filter.code.includes('.')) {
    return compileChain(resourceType, filter, source);
  }
  const param = getSearchParameter(resourceType, filter.code);
  if (!param?.expression) {
    throw new OperationOutcomeError(badRequest(`Unknown search parameter for ${resourceType}: ${filter.code}`));
  }
  const delegate: Predicate = (resource) => matchesSearchRequest(resource, { resourceType, filters: [filter] });
  if (filter.operator === Operator.MISSING || filter.operator === Operator.PRESENT) {
    return delegate;
  }
  const expression = param.expression;
  switch (param.type) {
    case 'date':
      return (resource) =>
        splitSearchOnComma(filter.value).some((value) => matchesDate(evaluate(expression, resource), filter.operator, value));
    case 'token':
      requireOperator(filter, [Operator.EQUALS, Operator.NOT]);
      return delegate;
    case 'reference':
      if (filter.operator === Operator.IDENTIFIER) {
        return (resource) => referencesWithIdentifier(evaluate(expression, resource), filter.value);
      }
      requireOperator(filter, [Operator.EQUALS, Operator.NOT]);
      return compileReference(param, filter);
    case 'string':
      requireOperator(filter, [Operator.EQUALS, Operator.EXACT, Operator.CONTAINS]);
      return (resource) => matchesString(evaluate(expression, resource), filter);
    case 'uri':
      requireOperator(filter, [Operator.EQUALS]);
      return (resource) => {
        const values = evaluate(expression, resource).map((typed) => String(typed.value));
        return splitSearchOnComma(filter.value).some((value) => values.includes(value));
      };
    default:
      throw unsupported(`Search parameters of type ${param.type} (${filter.code}) are not supported`);
  }
}

function compileReference(param: SearchParameter, filter: Filter): Predicate {
  const targets = param.target ?? [];
  const wanted = new Set(
    splitSearchOnComma(filter.value).flatMap((value) => {
      if (value.includes('/')) {
        return [value, toLocalReference(value) ?? value];
      }
      return targets.map((target) => `${target}/${value}`);
    })
  );
  const expression = param.expression as string;
  const negated = filter.operator === Operator.NOT;
  return (resource) => {
    const values = convertToSearchableReferences(evaluate(expression, resource));
    const found = values.some((value) => wanted.has(value) || wanted.has(toLocalReference(value) ?? value));
    return found !== negated;
  };
}

function compileChain(resourceType: ResourceType, filter: Filter, source: SearchSource): Predicate {
  const dot = filter.code.indexOf('.');
  const [referenceCode = '', typeModifier] = filter.code.slice(0, dot).split(':');
  const chained = filter.code.slice(dot + 1);
  if (chained.includes('.')) {
    throw unsupported('Chained search is supported to one level only');
  }
  const param = getSearchParameter(resourceType, referenceCode);
  if (param?.type !== 'reference' || !param.expression) {
    const text = `Not a reference search parameter for ${resourceType}: ${referenceCode}`;
    throw new OperationOutcomeError(badRequest(text));
  }
  const chainedCode = chained.split(':')[0] as string;
  const targets = (typeModifier ? [typeModifier] : (param.target ?? [])).filter((target) =>
    getSearchParameter(target, chainedCode)
  );
  if (!targets.length) {
    throw new OperationOutcomeError(badRequest(`Unknown chained search parameter: ${filter.code}`));
  }
  const referenced = new Set<string>();
  for (const target of targets) {
    const result = runSearch(parseSearchRequest(target, { [chained]: filter.value }), source);
    for (const entry of result.entry ?? []) {
      referenced.add(`${target}/${entry.resource?.id}`);
    }
  }
  const expression = param.expression;
  return (resource) => referenceStrings(expression, resource).some((reference) => referenced.has(reference));
}

function requireOperator(filter: Filter, allowed: Operator[]): void {
  if (!allowed.includes(filter.operator)) {
    throw unsupported(`The :${filter.operator} modifier is not supported for ${filter.code}`);
  }
}

function evaluate(expression: string, resource: Resource): TypedValue[] {
  return evalFhirPathTyped(expression, [toTypedValue(resource)]);
}

function referenceStrings(expression: string, resource: Resource): string[] {
  return convertToSearchableReferences(evaluate(expression, resource))
    .map(toLocalReference)
    .filter((reference): reference is string => reference !== undefined);
}

function referencesWithIdentifier(values: TypedValue[], query: string): boolean {
  return values.some((typed) => {
    const identifier = (typed.value as { identifier?: Identifier } | undefined)?.identifier;
    return identifier !== undefined && splitSearchOnComma(query).some((token) => matchesIdentifier(identifier, token));
  });
}

function matchesIdentifier(identifier: Identifier, token: string): boolean {
  const bar = token.indexOf('|');
  if (bar < 0) {
    return identifier.value === token;
  }
  const system = token.slice(0, bar);
  const value = token.slice(bar + 1);
  const systemMatches = system === '' ? !identifier.system : identifier.system === system;
  return systemMatches && (value === '' || identifier.value === value);
}

function matchesString(values: TypedValue[], filter: Filter): boolean {
  const candidates = values.flatMap(stringParts);
  return splitSearchOnComma(filter.value).some((wanted) => {
    if (filter.operator === Operator.EXACT) {
      return candidates.includes(wanted);
    }
    const needle = foldString(wanted);
    return candidates.some((candidate) => {
      const folded = foldString(candidate);
      return filter.operator === Operator.CONTAINS ? folded.includes(needle) : folded.startsWith(needle);
    });
  });
}

function stringParts(typed: TypedValue): string[] {
  if (typed.type === 'HumanName') {
    const name = typed.value as HumanName;
    const parts = [name.text, name.family, ...(name.given ?? []), ...(name.prefix ?? []), ...(name.suffix ?? [])];
    return parts.filter(isText);
  }
  if (typed.type === 'Address') {
    const address = typed.value as Address;
    const parts = [address.text, ...(address.line ?? []), address.city, address.district, address.state];
    return [...parts, address.postalCode, address.country].filter(isText);
  }
  return [typedValueToString(typed)].filter(isText);
}

function isText(value: string | undefined): value is string {
  return typeof value === 'string' && value.length > 0;
}

function foldString(value: string): string {
  return value.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

function sortResources(resourceType: ResourceType, resources: Resource[], rules: SortRule[]): void {
  if (!rules.length) {
    return;
  }
  const keyed = rules.map((rule) => {
    const param = getSearchParameter(resourceType, rule.code);
    if (!param?.expression) {
      throw new OperationOutcomeError(badRequest(`Unknown sort parameter for ${resourceType}: ${rule.code}`));
    }
    const expression = param.expression;
    const keys = new Map(resources.map((resource) => [resource, sortKey(evaluate(expression, resource))]));
    return { descending: Boolean(rule.descending), keys };
  });
  resources.sort((a, b) => {
    for (const { descending, keys } of keyed) {
      const order = compareKeys(keys.get(a), keys.get(b), descending);
      if (order !== 0) {
        return order;
      }
    }
    return 0;
  });
}

function sortKey(values: TypedValue[]): string | undefined {
  const first = values[0];
  if (!first) {
    return undefined;
  }
  if (first.type === 'HumanName') {
    const name = first.value as HumanName;
    return [name.family, ...(name.given ?? [])].filter(isText).join(' ').toLowerCase();
  }
  const text = typedValueToString(first);
  return text ? text.toLowerCase() : JSON.stringify(first.value);
}

function compareKeys(a: string | undefined, b: string | undefined, descending: boolean): number {
  if (a === b) {
    return 0;
  }
  if (a === undefined) {
    return 1;
  }
  if (b === undefined) {
    return -1;
  }
  return (a < b ? -1 : 1) * (descending ? -1 : 1);
}

function collectIncludes(request: SearchRequest, page: WithId<Resource>[], source: SearchSource): WithId<Resource>[] {
  const targets = [...(request.include ?? []), ...(request.revInclude ?? [])];
  if (targets.some((target) => target.modifier === Operator.ITERATE)) {
    throw unsupported('_include:iterate and _revinclude:iterate are not supported');
  }
  const seen = new Set(page.map((resource) => `${resource.resourceType}/${resource.id}`));
  const included: WithId<Resource>[] = [];
  const add = (resource: WithId<Resource> | undefined): void => {
    const reference = resource && `${resource.resourceType}/${resource.id}`;
    if (resource && reference && !seen.has(reference)) {
      seen.add(reference);
      included.push(resource);
    }
  };
  for (const target of request.include ?? []) {
    if (target.resourceType !== request.resourceType) {
      continue;
    }
    const expression = includeExpression(target);
    for (const resource of page) {
      for (const reference of referenceStrings(expression, resource)) {
        if (!target.targetType || reference.startsWith(target.targetType + '/')) {
          add(source.get(reference));
        }
      }
    }
  }
  const pageReferences = new Set(page.map((resource) => `${resource.resourceType}/${resource.id}`));
  for (const target of request.revInclude ?? []) {
    const expression = includeExpression(target);
    for (const candidate of source.current(target.resourceType)) {
      if (referenceStrings(expression, candidate).some((reference) => pageReferences.has(reference))) {
        add(candidate);
      }
    }
  }
  return included;
}

function includeExpression(target: IncludeTarget): string {
  const param = getSearchParameter(target.resourceType, target.searchParam);
  if (param?.type !== 'reference' || !param.expression) {
    throw new OperationOutcomeError(
      badRequest(`Not a reference search parameter: ${target.resourceType}:${target.searchParam}`)
    );
  }
  return param.expression;
}

function unsupported(message: string): OperationOutcomeError {
  return new OperationOutcomeError({
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: 'not-supported', details: { text: message } }],
  });
}
