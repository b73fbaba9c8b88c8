import { describe, expect, it } from 'vitest';
import { phoneForRelatives } from './phone.ts';

describe('phone numbers for relatives', () => {
  it('writes a Swedish number the Swedish way, with E.164 beside it for the link', () => {
    expect(phoneForRelatives('+46101740300')).toEqual({ phone: '+46101740300', phoneDisplay: '010-174 03 00' });
    expect(phoneForRelatives('010-174 03 00')).toEqual({ phone: '+46101740300', phoneDisplay: '010-174 03 00' });
    expect(phoneForRelatives('0701234567', 'Vardagar 8–12')).toEqual({ phone: '+46701234567', phoneDisplay: '070-123 45 67', phoneHours: 'Vardagar 8–12' });
    expect(phoneForRelatives('08-123 456 78')).toEqual({ phone: '+46812345678', phoneDisplay: '08-123 456 78' });
  });

  it('writes a number abroad with its country code', () => {
    expect(phoneForRelatives('+47 22 12 34 56')).toEqual({ phone: '+4722123456', phoneDisplay: '+47 22 12 34 56' });
  });

  it('shows a number it cannot read as recorded, and phone hours without a number', () => {
    expect(phoneForRelatives('växeln')).toEqual({ phone: 'växeln', phoneDisplay: 'växeln' });
    expect(phoneForRelatives(undefined, 'Vardagar 8–12')).toEqual({ phoneHours: 'Vardagar 8–12' });
    expect(phoneForRelatives(undefined)).toEqual({});
  });
});
