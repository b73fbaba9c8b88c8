import { badRequest, Operator, OperationOutcomeError, type TypedValue } from '@medplum/core';

/** A half-open interval of epoch milliseconds; unbounded ends are ±Infinity. */
interface Range {
  start: number;
  end: number;
}

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * The interval a FHIR date, dateTime or instant stands for, by its precision:
 * `2026` is the whole year, `2026-11-22T10:15:30.125Z` one millisecond.
 * Values without a time zone are read as UTC.
 */
export function dateRange(value: string): Range | undefined {
  const m = DATE.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  if (!mo) return { start: Date.UTC(year, 0, 1), end: Date.UTC(year + 1, 0, 1) };
  const month = Number(mo) - 1;
  if (!d) return { start: Date.UTC(year, month, 1), end: Date.UTC(year, month + 1, 1) };
  const day = Number(d);
  if (!h) return { start: Date.UTC(year, month, day), end: Date.UTC(year, month, day + 1) };
  const offsetMs = !zone || zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  const base = Date.UTC(year, month, day, Number(h), Number(mi)) - offsetMs;
  if (!s) return { start: base, end: base + 60_000 };
  const millis = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
  const start = base + Number(s) * 1000 + millis;
  return { start, end: start + (frac ? 1 : 1000) };
}

/** The interval of a resource's value: a date-like primitive or a Period. */
function valueRange(typed: TypedValue): Range | undefined {
  const value = typed.value as unknown;
  if (typeof value === 'string') return dateRange(value);
  if (value && typeof value === 'object' && ('start' in value || 'end' in value)) {
    const period = value as { start?: string; end?: string };
    const start = period.start ? dateRange(period.start)?.start : -Infinity;
    const end = period.end ? dateRange(period.end)?.end : Infinity;
    if (start === undefined || end === undefined) return undefined;
    return { start, end };
  }
  return undefined;
}

/**
 * FHIR R4 date search: `eq` when the search value's range contains the target's, `ne`
 * when it does not, `gt`/`lt` when the target reaches beyond it, `ge`/`le` either, `sa`
 * and `eb` when the target starts after or ends before it.
 */
export function matchesDate(values: TypedValue[], operator: Operator, searchValue: string): boolean {
  const search = dateRange(searchValue);
  if (!search) throw new OperationOutcomeError(badRequest(`Not a FHIR date: ${searchValue}`));
  const ranges = values.map(valueRange).filter((r): r is Range => r !== undefined);
  const within = (t: Range) => t.start >= search.start && t.end <= search.end;
  const test = (t: Range): boolean => {
    switch (operator) {
      case Operator.EQUALS:
        return within(t);
      case Operator.NOT_EQUALS:
        return !within(t);
      case Operator.GREATER_THAN:
        return t.end > search.end;
      case Operator.LESS_THAN:
        return t.start < search.start;
      case Operator.GREATER_THAN_OR_EQUALS:
        return t.end > search.end || within(t);
      case Operator.LESS_THAN_OR_EQUALS:
        return t.start < search.start || within(t);
      case Operator.STARTS_AFTER:
        return t.start >= search.end;
      case Operator.ENDS_BEFORE:
        return t.end <= search.start;
      default:
        throw new OperationOutcomeError(badRequest(`The ${operator} prefix is not supported for dates`));
    }
  };
  return ranges.some(test);
}
