import type { Bundle, BundleLink } from '@medplum/fhirtypes';
import { HttpProblem } from './outcomes.ts';

/** The largest page a client may ask for with `_count`. */
export const MAX_PAGE_SIZE = 1000;

/** The slice of a result set that one page shows. */
export interface PageWindow {
  offset: number;
  count: number;
}

/**
 * Reads `_count` and `_offset` from a search or history query, applying the default page size and
 * capping `_count` at {@link MAX_PAGE_SIZE}. `_summary=count` asks for no entries at all.
 * @throws HttpProblem (400) when either is not a non-negative integer.
 */
export function readPageWindow(query: URLSearchParams, defaultPageSize: number): PageWindow {
  const count = query.get('_summary') === 'count' ? 0 : readInteger(query, '_count', defaultPageSize);
  return { offset: readInteger(query, '_offset', 0), count: Math.min(count, MAX_PAGE_SIZE) };
}

/** A copy of `query` with `_count` and `_offset` set to `window`. */
export function withPageWindow(query: URLSearchParams, window: PageWindow): URLSearchParams {
  const result = new URLSearchParams(query);
  result.set('_count', String(window.count));
  result.set('_offset', String(window.offset));
  return result;
}

/**
 * Sets `Bundle.link` on a search or history page: `self`, `first`, `last`, and `next` and
 * `previous` when there are such pages. Every link is an absolute URL that can be fetched as is.
 * @param pageUrl - The absolute URL of the search or history, without a query.
 */
export function addPagingLinks(bundle: Bundle, pageUrl: string, query: URLSearchParams, window: PageWindow): void {
  const total = bundle.total ?? 0;
  const link = (relation: string, offset: number): BundleLink => ({
    relation,
    url: `${pageUrl}?${withPageWindow(query, { offset, count: window.count })}`,
  });
  const links = [link('self', window.offset)];
  if (window.count > 0) {
    links.push(link('first', 0));
    if (window.offset + window.count < total) {
      links.push(link('next', window.offset + window.count));
    }
    if (window.offset > 0) {
      links.push(link('previous', Math.max(0, window.offset - window.count)));
    }
    links.push(link('last', Math.max(0, Math.ceil(total / window.count) - 1) * window.count));
  }
  bundle.link = links;
}

function readInteger(query: URLSearchParams, name: string, fallback: number): number {
  const values = query.getAll(name);
  const value = values.at(-1);
  if (value === undefined) {
    return fallback;
  }
  if (!/^\d+$/.test(value)) {
    throw new HttpProblem(400, 'invalid', `${name} must be a non-negative integer`);
  }
  return Number(value);
}
