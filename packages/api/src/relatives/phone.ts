/**
 * Phone numbers as relatives read them: written the Swedish way (`010-174 03 00`), with the
 * number in E.164 (`+46101740300`) beside it for a `tel:` link. The formatting stays on the
 * service, so the widget carries no numbering plan.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

export interface PhoneForRelatives {
  phone?: string;
  phoneDisplay?: string;
  phoneHours?: string;
}

/** A recorded number (and its phone hours) as relatives see it; a number that cannot be read is shown as recorded. */
export function phoneForRelatives(phone: string | undefined, phoneHours?: string): PhoneForRelatives {
  const hours = phoneHours ? { phoneHours } : {};
  if (!phone) return hours;
  const parsed = parsePhoneNumberFromString(phone, 'SE');
  if (!parsed?.isValid()) return { phone, phoneDisplay: phone, ...hours };
  const display = parsed.countryCallingCode === '46' ? parsed.formatNational() : parsed.formatInternational();
  return { phone: parsed.number, phoneDisplay: display, ...hours };
}
