import { describe, expect, it } from 'vitest';
import { dateTimeFormat, listFormat, numberFormat, relativeTimeFormat } from './intl.ts';

describe('Intl formatters made once', () => {
  it('gives the same formatter for the same locale and options, another for others', () => {
    const long = dateTimeFormat('sv-SE', { dateStyle: 'long', timeZone: 'UTC' });
    expect(dateTimeFormat('sv-SE', { dateStyle: 'long', timeZone: 'UTC' })).toBe(long);
    expect(dateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' })).not.toBe(long);
    expect(dateTimeFormat('sv-SE', { dateStyle: 'long' })).not.toBe(long);
    expect(dateTimeFormat('sv-SE', { dateStyle: 'full', timeZone: 'UTC' })).not.toBe(long);

    expect(numberFormat('sv-SE')).toBe(numberFormat('sv-SE'));
    expect(numberFormat('sv-SE', { maximumFractionDigits: 2 })).not.toBe(numberFormat('sv-SE'));
    expect(listFormat('sv-SE', { type: 'conjunction' })).toBe(listFormat('sv-SE', { type: 'conjunction' }));
    expect(relativeTimeFormat('en-GB', { numeric: 'auto' })).toBe(relativeTimeFormat('en-GB', { numeric: 'auto' }));
  });

  it('formats as a formatter made for the call does', () => {
    const day = new Date('2026-03-03T00:00:00Z');
    for (const locale of ['sv-SE', 'en-GB', 'fi-FI', 'ar']) {
      expect(dateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(day)).toBe(
        new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(day),
      );
      expect(numberFormat(locale, { maximumFractionDigits: 1 }).format(1234.56)).toBe(
        new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(1234.56),
      );
      expect(listFormat(locale, { type: 'conjunction' }).format(['a', 'b', 'c'])).toBe(
        new Intl.ListFormat(locale, { type: 'conjunction' }).format(['a', 'b', 'c']),
      );
    }
    expect(dateTimeFormat('sv-SE', { dateStyle: 'long', timeZone: 'UTC' }).format(day)).toBe('3 mars 2026');
  });
});
