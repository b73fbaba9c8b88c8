import { describe, expect, it } from 'vitest';
import { fieldOfPath, followUpState, formatPersonId, localDay, samePerson } from './plans.ts';

describe('the plan list', () => {
  it('says where a follow-up stands: only a plan in force is due', () => {
    expect(followUpState('2026-01-01', 'active', '2026-01-02')).toBe('past');
    expect(followUpState('2026-01-02', 'followed_up', '2026-01-02')).toBe('today');
    expect(followUpState('2026-01-03', 'active', '2026-01-02')).toBe('ahead');
    expect(followUpState('2026-01-01', 'closed', '2026-01-02')).toBe('not-in-force');
    expect(followUpState('2026-01-01', 'draft', '2026-01-02')).toBe('not-in-force');
    expect(followUpState(null, 'active', '2026-01-02')).toBe('none');
  });

  it('compares personnummer however written', () => {
    expect(samePerson('19400301-9801', '194003019801')).toBe(true);
    expect(samePerson('194003019801', '195202149836')).toBe(false);
    expect(samePerson('not a number', 'not a number')).toBe(false);
    expect(formatPersonId('194003019801')).toBe('19400301-9801');
  });

  it("places the API's and the schema's errors at the form's fields", () => {
    expect(fieldOfPath('/title')).toBe('title');
    expect(fieldOfPath('/principals/municipality/id')).toBe('principal');
    expect(fieldOfPath(['principals', 'region'])).toBe('principal');
    expect(fieldOfPath(['individual', 'personId'])).toBe('individual');
    expect(fieldOfPath('')).toBe('form');
  });

  it("gives the reader's local day", () => {
    expect(localDay(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});
