import { z } from 'zod';

/** FHIR identifier systems used in Sweden (HL7 Sweden base profiles). */
export const IdentifierSystem = {
  personnummer: 'http://electronichealth.se/identifier/personnummer',
  samordningsnummer: 'http://electronichealth.se/identifier/samordningsnummer',
  hsaId: 'urn:oid:1.2.752.29.4.19',
  organisationsnummer: 'urn:oid:2.5.4.97',
} as const;

export type PersonIdKind = 'personnummer' | 'samordningsnummer';

/** How a citizen (a relative, the individual) acting for themself is named where staff are named by HSA-id. */
export const CITIZEN_PREFIX = 'citizen:';
/** The user id of a change the broker records on its own (a review date that passed): `system:<what>`. */
export const SYSTEM_PREFIX = 'system:';

/**
 * An HSA-id (the Swedish directory of health and social care): `SE`, the organisation number
 * (ten digits), a dash, and the unit's or person's own part in letters and digits.
 */
export const HSA_ID = /^SE\d{10}-[A-Za-z0-9]{1,24}$/;
export const hsaIdSchema = z.string().regex(HSA_ID, 'must be an HSA-id (SE, ten digits, a dash, then letters and digits)');

/** A validated Swedish person identity number in its 12-digit form (YYYYMMDDNNNC). */
export interface PersonId {
  kind: PersonIdKind;
  value: string;
  system: (typeof IdentifierSystem)[PersonIdKind];
}

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * Parses a personnummer or samordningsnummer written as 12 digits, optionally with a
 * hyphen before the last four (`19121212-1212`). The Luhn check digit is computed over
 * the 10-digit form. A samordningsnummer has 60 added to the day of birth.
 * Returns null for anything that is not a valid number.
 */
export function parsePersonId(input: string): PersonId | null {
  const match = /^(\d{8})-?(\d{4})$/.exec(input.trim());
  if (!match) return null;
  const digits = `${match[1]}${match[2]}`;
  const year = Number(digits.slice(0, 4));
  const month = Number(digits.slice(4, 6));
  let day = Number(digits.slice(6, 8));
  let kind: PersonIdKind = 'personnummer';
  if (day > 60) {
    kind = 'samordningsnummer';
    day -= 60;
  }
  if (year < 1850 || !isRealDate(year, month, day)) return null;
  if (!luhnValid(digits.slice(2))) return null;
  return { kind, value: digits, system: IdentifierSystem[kind] };
}

/** A personnummer or samordningsnummer; normalised to 12 digits without hyphen. */
export const personIdSchema = z
  .string()
  .max(13)
  .transform((value, ctx) => {
    const parsed = parsePersonId(value);
    if (!parsed) {
      ctx.addIssue({
        code: 'custom',
        message: 'Not a valid personnummer or samordningsnummer (12 digits, valid date and check digit)',
      });
      return z.NEVER;
    }
    return parsed.value;
  });

/** The age in whole years on the given date, from a personnummer or samordningsnummer. */
export function ageOn(personId: string, on: Date): number {
  const parsed = parsePersonId(personId);
  if (!parsed) throw new Error('invalid person id');
  const year = Number(parsed.value.slice(0, 4));
  const month = Number(parsed.value.slice(4, 6));
  let day = Number(parsed.value.slice(6, 8));
  if (parsed.kind === 'samordningsnummer') day -= 60;
  let age = on.getUTCFullYear() - year;
  const beforeBirthday =
    on.getUTCMonth() + 1 < month || (on.getUTCMonth() + 1 === month && on.getUTCDate() < day);
  if (beforeBirthday) age -= 1;
  return age;
}
