import { Operator } from '@medplum/core';
import { describe, expect, it } from 'vitest';
import { dateRange, matchesDate } from './dates.ts';

const v = (value: unknown) => [{ type: 'dateTime', value }];

describe('FHIR date search', () => {
  it('reads the precision of a value as its range', () => {
    expect(dateRange('2026')).toEqual({ start: Date.UTC(2026, 0, 1), end: Date.UTC(2027, 0, 1) });
    expect(dateRange('2026-11-22')).toEqual({ start: Date.UTC(2026, 10, 22), end: Date.UTC(2026, 10, 23) });
    expect(dateRange('2026-11-22T10:15:30.125Z')).toEqual({ start: Date.UTC(2026, 10, 22, 10, 15, 30, 125), end: Date.UTC(2026, 10, 22, 10, 15, 30, 126) });
    expect(dateRange('2026-11-22T11:15:30+01:00')?.start).toBe(Date.UTC(2026, 10, 22, 10, 15, 30));
    expect(dateRange('22/11/2026')).toBeUndefined();
  });

  it('finds an instant by itself, to the millisecond', () => {
    expect(matchesDate(v('2026-11-22T19:23:51.828Z'), Operator.EQUALS, '2026-11-22T19:23:51.828Z')).toBe(true);
    expect(matchesDate(v('2026-11-22T19:23:51.829Z'), Operator.EQUALS, '2026-11-22T19:23:51.828Z')).toBe(false);
  });

  it('finds a moment by its day, and compares with gt, lt, ge, le, sa, eb, ne', () => {
    const at = v('2026-11-22T19:23:51Z');
    expect(matchesDate(at, Operator.EQUALS, '2026-11-22')).toBe(true);
    expect(matchesDate(at, Operator.NOT_EQUALS, '2026-11-21')).toBe(true);
    expect(matchesDate(at, Operator.GREATER_THAN, '2026-11-21')).toBe(true);
    expect(matchesDate(at, Operator.GREATER_THAN, '2026-11-22')).toBe(false);
    expect(matchesDate(at, Operator.GREATER_THAN_OR_EQUALS, '2026-11-22')).toBe(true);
    expect(matchesDate(at, Operator.LESS_THAN, '2026-11-23')).toBe(true);
    expect(matchesDate(at, Operator.LESS_THAN_OR_EQUALS, '2026-11-21')).toBe(false);
    expect(matchesDate(at, Operator.STARTS_AFTER, '2026-11-21')).toBe(true);
    expect(matchesDate(at, Operator.ENDS_BEFORE, '2026-11-23')).toBe(true);
  });

  it('treats a Period as its span, open ends unbounded', () => {
    const period = [{ type: 'Period', value: { start: '2026-01-01' } }];
    expect(matchesDate(period, Operator.GREATER_THAN, '2030-01-01')).toBe(true);
    expect(matchesDate(period, Operator.EQUALS, '2026')).toBe(false);
  });
});
