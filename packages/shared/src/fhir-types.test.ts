import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apiCode, apiDate, apiDateTime, apiText, apiTime, fhirPrimitive, FHIR_REGEX, findUnstorable, NUL_MESSAGE, WELL_FORMED_MESSAGE } from './fhir-types.ts';
import { individualConsentSchema, meetingSchema, planFieldsSchema, relativeSchema } from './plan.ts';

const runs = { numRuns: Number(process.env.FC_RUNS ?? 2000) };

// Oracles that share nothing with the implementation.
/** Well-formed UTF-16 survives a round trip through UTF-8 unchanged; a lone surrogate becomes U+FFFD. */
const wellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s;
/** The string type as Medplum's validator checks it. */
const MEDPLUM_STRING = /^[\r\n\t\u0020-\uFFFF]+$/;
/** A real day of the Gregorian calendar, as JavaScript's own calendar has it. */
function realDay(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(2000, month - 1, day));
  d.setUTCFullYear(year);
  return year >= 1 && d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Candidate dates: mostly of the right shape with any numbers in it, some not of the shape at all. */
const dateParts = fc.record({ year: fc.integer({ min: 0, max: 10000 }), month: fc.integer({ min: 0, max: 13 }), day: fc.integer({ min: 0, max: 32 }) });
const dateCandidate = fc.oneof(
  { weight: 8, arbitrary: dateParts.map(({ year, month, day }) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`) },
  { weight: 1, arbitrary: dateParts.map(({ year, month }) => `${pad(year, 4)}-${pad(month, 2)}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

const timeParts = fc.record({
  hour: fc.integer({ min: 0, max: 24 }),
  minute: fc.integer({ min: 0, max: 60 }),
  second: fc.option(fc.integer({ min: 0, max: 61 }), { nil: undefined, freq: 8 }),
  fraction: fc.option(fc.stringMatching(/^\d{1,12}$/), { nil: undefined }),
});
const zone = fc.oneof(
  fc.constant('Z'),
  fc.constant(''),
  fc
    .record({ sign: fc.constantFrom('+', '-'), hours: fc.integer({ min: 0, max: 16 }), minutes: fc.integer({ min: 0, max: 60 }), colon: fc.boolean() })
    .map(({ sign, hours, minutes, colon }) => `${sign}${pad(hours, 2)}${colon ? ':' : ''}${pad(minutes, 2)}`),
);
const timeOf = ({ hour, minute, second, fraction }: { hour: number; minute: number; second: number | undefined; fraction: string | undefined }) =>
  `${pad(hour, 2)}:${pad(minute, 2)}${second === undefined ? '' : `:${pad(second, 2)}`}${fraction ? `.${fraction}` : ''}`;
const dateTimeCandidate = fc.oneof(
  { weight: 9, arbitrary: fc.tuple(dateParts, timeParts, zone).map(([d, t, z]) => `${pad(d.year, 4)}-${pad(d.month, 2)}-${pad(d.day, 2)}T${timeOf(t)}${z}`) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

/** UTF-16 code units of every kind: lone surrogates, control characters, odd spaces, and ordinary text. */
const codeUnit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('a', 'Å', 'ö', ' ', '-', '1', '😀', 'é', '\u00A0', '\u2028', '\uFEFF') },
  { weight: 1, arbitrary: fc.constantFrom('\t', '\n', '\r', '\u0000', '\u0001', '\u000B', '\u001F', '\u007F', '\u0085', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uFFFF') },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
);
const textCandidate = fc.string({ unit: codeUnit, maxLength: 40 });

describe('dates the API takes', () => {
  it('every date it accepts is a FHIR date on a real calendar day, and every real full date from year 0001 is accepted', () => {
    const schema = apiDate();
    fc.assert(
      fc.property(dateCandidate, (value) => {
        const accepted = schema.safeParse(value).success;
        const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
        const real = !!match && realDay(Number(match[1]), Number(match[2]), Number(match[3]));
        expect(accepted, value).toBe(real);
        if (accepted) {
          expect(value).toMatch(FHIR_REGEX.date);
          expect(fhirPrimitive.date.safeParse(value).success).toBe(true);
        }
      }),
      runs,
    );
  });

  it('refuses year 0000, 30 February, 29 February outside leap years, partial and unpadded dates', () => {
    for (const value of ['0000-01-01', '2026-02-30', '2026-02-29', '1900-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01', '2026', '2026-1-1', '10000-01-01', '', ' 2026-01-01']) {
      expect(apiDate().safeParse(value).success, value).toBe(false);
    }
    for (const value of ['0001-01-01', '2024-02-29', '2000-02-29', '9999-12-31']) expect(apiDate().safeParse(value).success, value).toBe(true);
  });

  it('as FHIR defines them: partial dates are dates, days that do not exist are not', () => {
    for (const value of ['2026', '2026-02', '2026-02-28', '0001']) expect(fhirPrimitive.date.safeParse(value).success, value).toBe(true);
    for (const value of ['0000', '2026-02-30', '2026-13', '26-01-01', '2026-01-01T10:00:00Z']) expect(fhirPrimitive.date.safeParse(value).success, value).toBe(false);
  });
});

describe('date-times the API takes', () => {
  it('every date-time it accepts is a FHIR dateTime and instant with seconds and a zone, on a real day, that JavaScript reads; every such value is accepted', () => {
    const schema = apiDateTime();
    fc.assert(
      fc.property(dateTimeCandidate, (value) => {
        const accepted = schema.safeParse(value).success;
        const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$/.exec(value);
        const offsetMinutes = match?.[10] ? Number(match[11]) * 60 + Number(match[12]) : 0;
        const at = Date.parse(value);
        const expected =
          !!match &&
          realDay(Number(match[1]), Number(match[2]), Number(match[3])) &&
          Number(match[4]) < 24 &&
          Number(match[5]) < 60 &&
          Number(match[6]) < 60 &&
          (match[8] ?? '').length <= 9 &&
          Number(match[12] ?? 0) < 60 &&
          offsetMinutes <= 14 * 60 &&
          Number.isFinite(at) &&
          at >= Date.parse('0001-01-01T00:00:00Z') &&
          at < Date.parse('+010000-01-01T00:00:00Z');
        expect(accepted, value).toBe(expected);
        if (accepted) {
          expect(value).toMatch(FHIR_REGEX.dateTime);
          expect(value).toMatch(FHIR_REGEX.instant);
          expect(fhirPrimitive.dateTime.safeParse(value).success).toBe(true);
          expect(fhirPrimitive.instant.safeParse(value).success).toBe(true);
        }
      }),
      runs,
    );
  });

  it('refuses year 0000, offsets past ±14:00, missing seconds or zone, days that do not exist, leap seconds', () => {
    for (const value of [
      '0000-06-01T10:00:00Z',
      '2026-11-20T10:00:00+14:01',
      '2026-11-20T10:00:00+15:00',
      '2026-11-20T10:00:00-23:59',
      '2026-11-20T10:00+01:00',
      '2026-11-20T10:00:00',
      '2026-11-20',
      '2026-02-30T10:00:00Z',
      '2026-12-31T23:59:60Z',
      '2026-11-20T24:00:00Z',
      '2026-11-20T10:00:00+0100',
      '2026-11-20 10:00:00Z',
      '0001-01-01T00:30:00+01:00',
    ]) {
      expect(apiDateTime().safeParse(value).success, value).toBe(false);
    }
    for (const value of ['2026-11-20T10:00:00+14:00', '2026-11-20T10:00:00-14:00', '2026-11-20T10:00:00.123456789Z', '2026-11-20T10:00:00-00:00']) {
      expect(apiDateTime().safeParse(value).success, value).toBe(true);
    }
  });

  it('times of day: with seconds, no leap second', () => {
    for (const value of ['00:00:00', '23:59:59', '12:30:00.5']) expect(apiTime().safeParse(value).success, value).toBe(true);
    for (const value of ['24:00:00', '12:30', '12:30:60', '1:00:00']) expect(apiTime().safeParse(value).success, value).toBe(false);
    expect(fhirPrimitive.time.safeParse('23:59:60').success).toBe(true);
  });
});

describe('text the API takes', () => {
  const schema = apiText(20);
  it('every text it accepts is a FHIR string (Medplum’s and the specification’s), well-formed, trimmed, within its length; all other text is accepted', () => {
    fc.assert(
      fc.property(textCandidate, (value) => {
        const result = schema.safeParse(value);
        const clean = wellFormed(value) && !/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(value);
        const trimmed = value.trim();
        expect(result.success, JSON.stringify(value)).toBe(clean && trimmed.length >= 1 && trimmed.length <= 20);
        if (result.success) {
          expect(result.data).toBe(trimmed);
          expect(result.data).toMatch(MEDPLUM_STRING);
          expect(result.data).toMatch(FHIR_REGEX.string);
          expect(wellFormed(result.data)).toBe(true);
          expect(fhirPrimitive.string.safeParse(result.data).success).toBe(true);
        }
      }),
      runs,
    );
  });

  it('refuses lone surrogates, control characters and empty text, and says why without repeating the text', () => {
    for (const value of ['Bo \uD800', '\uDC00', 'a\uDBFFb', 'nul\u0000', 'bell\u0007', 'vt\u000B', '', '   ', '\n\t']) {
      const result = schema.safeParse(value);
      expect(result.success, JSON.stringify(value)).toBe(false);
      for (const issue of result.error!.issues) expect(issue.message).not.toContain(value.trim() || '\u0000');
    }
    for (const value of ['Åsa Öberg', 'rad ett\nrad två', '😀 glad', 'kl.\u00A010']) expect(schema.safeParse(value).success, value).toBe(true);
  });

  it('codes: tokens separated by single spaces', () => {
    const code = apiCode(20);
    fc.assert(
      fc.property(textCandidate, (value) => {
        if (code.safeParse(value).success) {
          expect(value).toMatch(FHIR_REGEX.code);
          expect(wellFormed(value)).toBe(true);
        }
      }),
      runs,
    );
    for (const value of ['DAU', 'SIGOTHR', 'a b']) expect(code.safeParse(value).success, value).toBe(true);
    for (const value of ['', ' DAU', 'DAU ', 'a  b', 'a\tb', 'D\uD800']) expect(code.safeParse(value).success, JSON.stringify(value)).toBe(false);
  });
});

describe('the plan’s schemas are made of these types', () => {
  it('a meeting in year 0000, an offset past +14:00, a lone surrogate in a title, a 30 February follow-up are refused, naming the field', () => {
    const paths = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) => result.error?.issues.map((i) => i.path.join('/')) ?? [];
    expect(paths(meetingSchema.safeParse({ at: '0000-06-01T10:00:00Z' }))).toEqual(['at']);
    expect(paths(meetingSchema.safeParse({ at: '2026-11-20T10:00:00+14:30' }))).toEqual(['at']);
    expect(paths(planFieldsSchema.safeParse({ title: 'SIP \uD800' }))).toEqual(['title']);
    expect(paths(planFieldsSchema.safeParse({ followUp: { date: '2027-02-30', by: { name: 'Sara Lind' } } }))).toEqual(['followUp/date']);
    expect(paths(relativeSchema.safeParse({ name: 'Bo', relationship: { text: 'make', code: 'S PS ' }, child: false, sharesHome: true }))).toEqual(['relationship/code']);
    const consent = {
      given: true,
      form: 'oral',
      recordedAt: '2026-11-20T10:00+01:00',
      recordedBy: { name: 'Sara\u0000 Lind' },
      scope: { information: [], actors: [''] },
    };
    expect(paths(individualConsentSchema.safeParse(consent)).sort()).toEqual(['recordedAt', 'recordedBy/name', 'scope/actors/0']);
  });
});

describe('what Postgres cannot store, found in a JSON value', () => {
  it('is the first NUL or lone surrogate, value or key, in document order, by its path', () => {
    expect(findUnstorable({ a: ['ok', { 'b\u0000': 'x' }], c: '\uD800' })).toEqual({ path: ['a', 1, 'b\u0000'], message: NUL_MESSAGE });
    expect(findUnstorable({ a: ['ok', { b: 'x' }], c: 'y\uD800' })).toEqual({ path: ['c'], message: WELL_FORMED_MESSAGE });
    expect(findUnstorable('a\u0000', ['query', 'q'])).toEqual({ path: ['query', 'q'], message: NUL_MESSAGE });
    expect(findUnstorable({ a: [1, true, null, { b: 'fine' }] })).toBeNull();
  });

  it('walks a value nested however deep without the call stack, in time proportional to its size', () => {
    const depth = 100_000;
    const deep = JSON.parse(`${'['.repeat(depth)}"\\u0000"${']'.repeat(depth)}`) as unknown;
    const started = performance.now();
    const found = findUnstorable(deep);
    expect(found?.path).toHaveLength(depth);
    expect(findUnstorable(JSON.parse(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`))).toBeNull();
    // Linear: well under a second on a quiet machine. A walk that copies its path at each level
    // (quadratic, 5·10⁹ steps here) takes minutes; the bound is loose for a busy machine.
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});
