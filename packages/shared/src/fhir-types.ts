/**
 * FHIR R4 primitive types (https://hl7.org/fhir/R4/datatypes.html) as predicates and zod
 * schemas, and the narrower forms of them the API takes.
 *
 * Everything the API accepts ends up in a FHIR resource the broker publishes, and everything
 * the broker reads from an upstream came out of one: both are held to these types, so a value
 * a FHIR server would refuse is refused where it comes in (a 422 naming the field, or an
 * upstream answer that does not count), never found when the plan is published.
 */
import { z } from 'zod';

/** The regular expressions of the FHIR R4 datatypes page, anchored. */
export const FHIR_REGEX = {
  date: /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?$/,
  dateTime:
    /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$/,
  instant:
    /^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))$/,
  time: /^([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?$/,
  /**
   * `[ \r\n\t\S]+`, read as the specification's regular expressions are (XML Schema, where `\s`
   * is only space, tab, carriage return and line feed): any non-empty text without the
   * characters below U+0020 other than those, which the string type forbids in words.
   */
  string: /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F]+$/,
  code: /^[^\s]+( [^\s]+)*$/,
} as const;

/** A UTF-16 surrogate without its other half: no Unicode text, and refused by FHIR servers and by Postgres JSON. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether the text is well-formed Unicode: no lone surrogates. */
export const isWellFormed = (value: string): boolean => !LONE_SURROGATE.test(value);

/** A FHIR `string` (also the lexical space of `markdown`): non-empty, well-formed, no control characters but tab, CR and LF. */
export const isFhirString = (value: string): boolean => FHIR_REGEX.string.test(value) && isWellFormed(value);

/** A FHIR `code`: a string of tokens separated by single spaces. */
export const isFhirCode = (value: string): boolean => FHIR_REGEX.code.test(value) && isFhirString(value);

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

/** Days in a month of the (proleptic) Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** The day a date or date-time names, when it names one, is a day of the calendar (no 30 February). */
function realDay(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return true;
  return Number(match[3]) <= daysInMonth(Number(match[1]), Number(match[2]));
}

/** A FHIR `date`: a year, a year and month, or a full date; every day a real one. */
export const isFhirDate = (value: string): boolean => FHIR_REGEX.date.test(value) && realDay(value);

/** A FHIR `dateTime`: as a date, or a full date-time with seconds and a time zone; every day a real one. */
export const isFhirDateTime = (value: string): boolean => FHIR_REGEX.dateTime.test(value) && realDay(value);

/** A FHIR `instant`: a full date-time with seconds and a time zone, on a real day. */
export const isFhirInstant = (value: string): boolean => FHIR_REGEX.instant.test(value) && realDay(value);

/** A FHIR `time`: a time of day with seconds. */
export const isFhirTime = (value: string): boolean => FHIR_REGEX.time.test(value);

/** The FHIR R4 primitive types as zod schemas, exactly as the specification defines them. */
export const fhirPrimitive = {
  string: z.string().refine(isFhirString, 'must be a FHIR string: non-empty, well-formed Unicode, no control characters other than tab and line breaks'),
  markdown: z.string().refine(isFhirString, 'must be FHIR markdown: non-empty, well-formed Unicode, no control characters other than tab and line breaks'),
  code: z.string().refine(isFhirCode, 'must be a FHIR code: words separated by single spaces'),
  date: z.string().refine(isFhirDate, 'must be a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD) on a real calendar day'),
  dateTime: z.string().refine(isFhirDateTime, 'must be a FHIR dateTime: a date, or a date-time with seconds and a time zone, on a real calendar day'),
  instant: z.string().refine(isFhirInstant, 'must be a FHIR instant: a date-time with seconds and a time zone, on a real calendar day'),
  time: z.string().refine(isFhirTime, 'must be a FHIR time (hh:mm:ss)'),
} as const;

// The forms the API takes: each a subset of its FHIR type, and one the broker can compute with.

/** A full calendar day, YYYY-MM-DD, from 0001-01-01 to 9999-12-31: a FHIR `date`. */
export const API_DATE = /^\d{4}-\d{2}-\d{2}$/;
export const isApiDate = (value: string): boolean => API_DATE.test(value) && isFhirDate(value);

/**
 * A date-time with seconds (fractions up to nanoseconds) and a time zone, `Z` or an offset of
 * at most ±14:00: a FHIR `dateTime` and `instant`. No leap second (JavaScript has none), and
 * the instant it names lies in the years 0001 to 9999 in UTC too.
 */
export const API_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:[0-5]\d(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00Z');
const LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');
export function isApiDateTime(value: string): boolean {
  if (!API_DATE_TIME.test(value) || !isFhirInstant(value)) return false;
  const at = Date.parse(value);
  return Number.isFinite(at) && at >= FIRST_INSTANT && at <= LAST_INSTANT;
}

/** A time of day with seconds, hh:mm:ss (fractions up to nanoseconds), no leap second: a FHIR `time`. */
export const API_TIME = /^\d{2}:\d{2}:[0-5]\d(\.\d{1,9})?$/;
export const isApiTime = (value: string): boolean => API_TIME.test(value) && isFhirTime(value);

const DATE_MESSAGE = 'must be a real calendar date (YYYY-MM-DD), from year 0001';
const DATE_TIME_MESSAGE = 'must be a date-time with seconds and a time zone (YYYY-MM-DDThh:mm:ss, then Z or an offset of at most ±14:00), on a real calendar day from year 0001';

/** A calendar day the API takes: a FHIR `date`, always a full one. */
export const apiDate = (message = DATE_MESSAGE) =>
  z.string().regex(API_DATE, { message, abort: true }).refine(isApiDate, message).meta({ format: 'date' });

/** A date-time the API takes: a FHIR `dateTime` with seconds and a time zone. */
export const apiDateTime = (message = DATE_TIME_MESSAGE) =>
  z.string().regex(API_DATE_TIME, { message, abort: true }).refine(isApiDateTime, message).meta({ format: 'date-time' });

/** A time of day the API takes: a FHIR `time`. */
export const apiTime = (message = 'must be a time of day with seconds (hh:mm:ss)') =>
  z.string().regex(API_TIME, { message, abort: true }).refine(isApiTime, message).meta({ format: 'time' });

export const WELL_FORMED_MESSAGE = 'must be well-formed Unicode (no lone surrogates)';
export const CONTROL_MESSAGE = 'must not contain control characters other than tab and line breaks';
export const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';

/** The control characters no FHIR string holds (all below U+0020 but tab, CR and LF; NUL among them). */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

/**
 * Whether Postgres can store the text, in a `text` column or in any string of a `jsonb` value:
 * no NUL (U+0000, refused by both) and no lone surrogate (not Unicode, refused as JSON).
 */
export const isStorable = (value: string): boolean => !value.includes('\u0000') && isWellFormed(value);

/**
 * A value the API takes exactly as sent (an id, a key, a tag it handed out, a name to look up):
 * `min` to `max` characters, well-formed Unicode, no control characters but tab and line
 * breaks, so never a NUL. Every request string that is neither {@link apiText} nor an
 * identifier of its own shape is one of these.
 */
export const apiToken = (max: number, min = 1) =>
  z
    .string()
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max)
    .refine(isWellFormed, WELL_FORMED_MESSAGE)
    .refine((s) => !CONTROL.test(s), CONTROL_MESSAGE);

/** Where in a JSON value a string (a value or a key) cannot be stored, and why; null when every one can. */
export interface UnstorablePlace {
  /** The path to the string: keys and array indexes (a key's own path ends with the key). */
  path: (string | number)[];
  message: string;
}

/**
 * The first string in a JSON value, value or key, that Postgres cannot store (a NUL or a lone
 * surrogate, which `jsonb` refuses as it refuses them in text), or null when there is none.
 * The walk keeps its own stack, in document order: a value nested however deep (a body of nothing
 * but brackets) costs time in proportion to its size, and never the call stack.
 */
export function findUnstorable(value: unknown, path: (string | number)[] = []): UnstorablePlace | null {
  /** A place still to look at, with the way back to the root (the path is built only for what is found). */
  interface Place {
    value: unknown;
    key?: string | number;
    parent?: Place;
  }
  const pathOf = (place: Place): (string | number)[] => {
    const keys: (string | number)[] = [];
    for (let at: Place | undefined = place; at?.key !== undefined; at = at.parent) keys.push(at.key);
    return [...path, ...keys.reverse()];
  };
  const stack: Place[] = [{ value }];
  while (stack.length) {
    const place = stack.pop()!;
    const current = place.value;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return { path: pathOf(place), message: NUL_MESSAGE };
      if (!isWellFormed(current)) return { path: pathOf(place), message: WELL_FORMED_MESSAGE };
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], key: i, parent: place });
    } else if (current !== null && typeof current === 'object') {
      const entries = Object.entries(current);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i]!;
        // The key is looked at before its value, at the value's path.
        stack.push({ value: item, key, parent: place }, { value: key, key, parent: place });
      }
    }
  }
  return null;
}

/**
 * Text the API takes: trimmed, non-empty, at most `max` characters, and a FHIR `string`
 * (well-formed Unicode, no control characters but tab, CR and LF).
 */
export const apiText = (max: number, min = 1) =>
  z
    .string()
    .refine(isWellFormed, WELL_FORMED_MESSAGE)
    .refine((s) => !CONTROL.test(s), CONTROL_MESSAGE)
    .trim()
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max);

/** A code the API takes: a FHIR `code`, at most `max` characters. */
export const apiCode = (max: number) =>
  z
    .string()
    .max(max)
    .refine(isWellFormed, WELL_FORMED_MESSAGE)
    .refine(isFhirCode, 'must be a code: letters, digits and signs, words separated by single spaces');
