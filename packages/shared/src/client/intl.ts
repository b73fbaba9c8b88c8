/**
 * Intl formatters, each made once per locale and options and then kept. Making one has ICU
 * resolve the locale's patterns, about a third of a millisecond each time; using one costs next to
 * nothing. A plan shows dozens of dates, and a list of plans hundreds, each render.
 *
 * The kinds of formatter and their options are a handful fixed in the code, so what is kept stays
 * small. A formatter without a `timeZone` keeps the time zone the process (or the page) had when
 * it was made.
 */
const made = new Map<string, object>();

function kept<T extends object>(kind: string, locale: string, options: object | undefined, make: () => T): T {
  const key = `${kind} ${locale} ${JSON.stringify(options ?? {})}`;
  let formatter = made.get(key) as T | undefined;
  if (!formatter) {
    formatter = make();
    made.set(key, formatter);
  }
  return formatter;
}

export const dateTimeFormat = (locale: string, options?: Intl.DateTimeFormatOptions): Intl.DateTimeFormat =>
  kept('date', locale, options, () => new Intl.DateTimeFormat(locale, options));

export const numberFormat = (locale: string, options?: Intl.NumberFormatOptions): Intl.NumberFormat =>
  kept('number', locale, options, () => new Intl.NumberFormat(locale, options));

export const listFormat = (locale: string, options?: Intl.ListFormatOptions): Intl.ListFormat =>
  kept('list', locale, options, () => new Intl.ListFormat(locale, options));

export const relativeTimeFormat = (locale: string, options?: Intl.RelativeTimeFormatOptions): Intl.RelativeTimeFormat =>
  kept('relative', locale, options, () => new Intl.RelativeTimeFormat(locale, options));
