import { describe, expect, it } from 'vitest';
import { ageOn, IdentifierSystem, parsePersonId, personIdSchema } from './index.ts';

describe('parsePersonId', () => {
  it.each(['191212121212', '19121212-1212', '194107086995', '201701012393'])(
    'accepts the Skatteverket test personnummer %s',
    (input) => {
      const parsed = parsePersonId(input);
      expect(parsed?.kind).toBe('personnummer');
      expect(parsed?.system).toBe(IdentifierSystem.personnummer);
      expect(parsed?.value).toBe(input.replace('-', ''));
    },
  );

  it('recognises a samordningsnummer by its day plus 60', () => {
    // 1912-12-12 as samordningsnummer: day 72, check digit recomputed.
    const parsed = parsePersonId('191212721219');
    expect(parsed).toEqual({
      kind: 'samordningsnummer',
      value: '191212721219',
      system: IdentifierSystem.samordningsnummer,
    });
  });

  it.each([
    ['a wrong check digit', '191212121213'],
    ['an impossible date', '191302301234'],
    ['too few digits', '1212121212'],
    ['letters', '19121212-12A2'],
    ['an empty string', ''],
  ])('rejects %s', (_label, input) => {
    expect(parsePersonId(input)).toBeNull();
  });
});

describe('personIdSchema', () => {
  it('normalises to 12 digits', () => {
    expect(personIdSchema.parse('19121212-1212')).toBe('191212121212');
  });
  it('fails with a message that names the problem', () => {
    const result = personIdSchema.safeParse('191212121213');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/personnummer/);
  });
});

describe('ageOn', () => {
  it('counts whole years, the birthday included', () => {
    expect(ageOn('201701012393', new Date('2026-12-31T12:00:00Z'))).toBe(9);
    expect(ageOn('201701012393', new Date('2027-01-01T12:00:00Z'))).toBe(10);
  });
});
