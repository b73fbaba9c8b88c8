/**
 * Languages: Swedish by default, English complete. Each element keeps its own messages as one
 * typed dictionary per language (`satisfies Messages` makes a missing English text a type
 * error); what they share is here. No global state: two elements on a page may speak different
 * languages.
 */
import { dateTimeFormat, relativeTimeFormat } from '@sip/shared/client';

export type Lang = 'sv' | 'en';

export function langOf(value: string | null | undefined): Lang {
  return value?.toLowerCase().startsWith('en') ? 'en' : 'sv';
}

export const locale = (lang: Lang) => (lang === 'sv' ? 'sv-SE' : 'en-GB');

/** A date (YYYY-MM-DD) as people read it, without a time zone shift. */
export function formatDate(day: string, lang: Lang): string {
  const date = new Date(`${day}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return dateTimeFormat(locale(lang), { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

/** A moment in the reader's own time zone. */
export function formatDateTime(at: string, lang: Lang): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return at;
  return dateTimeFormat(locale(lang), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

/** "just now", "5 minutes ago": how long ago, in words. */
export function formatAgo(at: string, now: Date, lang: Lang): string {
  const seconds = Math.round((Date.parse(at) - now.getTime()) / 1000);
  if (!Number.isFinite(seconds)) return at;
  if (Math.abs(seconds) < 45) return lang === 'sv' ? 'just nu' : 'just now';
  const rtf = relativeTimeFormat(locale(lang), { numeric: 'auto' });
  const minutes = Math.round(seconds / 60);
  if (Math.abs(minutes) < 60) return rtf.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 24) return rtf.format(hours, 'hour');
  return rtf.format(Math.round(hours / 24), 'day');
}

/** Texts every element uses. */
export const common = {
  sv: {
    loading: 'Hämtar …',
    tryAgain: 'Försök igen',
    save: 'Spara',
    cancel: 'Avbryt',
    close: 'Stäng',
    errors: {
      config: 'Elementet är inte rätt inställt (api-base saknas eller är fel). Kontakta den som ansvarar för systemet.',
      'session-expired': 'Din inloggning har gått ut. Logga in igen för att fortsätta.',
      network: 'Ingen kontakt med SIP-tjänsten. Kontrollera anslutningen och försök igen.',
      timeout: 'SIP-tjänsten svarar inte just nu. Försök igen om en stund.',
      unavailable: 'SIP-tjänsten är inte tillgänglig just nu. Försök igen om en stund.',
      'not-found': 'Finns inte, eller så har din organisation inte tillgång till den.',
      forbidden: 'Du har inte behörighet till det här.',
      conflict: 'Det går inte i planens nuvarande läge.',
      'precondition-failed': 'Någon annan har ändrat detta medan du skrev.',
      validation: 'Det gick inte att spara. Rätta det som är markerat och försök igen.',
      server: 'Det blev ett fel i SIP-tjänsten. Försök igen om en stund.',
      'bad-response': 'SIP-tjänsten gav ett svar som inte gick att läsa. Försök igen om en stund.',
    },
    reference: (id: string) => `Referens: ${id}`,
  },
  en: {
    loading: 'Loading …',
    tryAgain: 'Try again',
    save: 'Save',
    cancel: 'Cancel',
    close: 'Close',
    errors: {
      config: 'The element is not set up correctly (api-base is missing or wrong). Contact whoever runs the system.',
      'session-expired': 'Your sign-in has expired. Sign in again to continue.',
      network: 'Cannot reach the SIP service. Check the connection and try again.',
      timeout: 'The SIP service is not answering right now. Try again shortly.',
      unavailable: 'The SIP service is not available right now. Try again shortly.',
      'not-found': 'It does not exist, or your organisation has no access to it.',
      forbidden: 'You are not allowed to do this.',
      conflict: 'That is not possible in the plan’s present state.',
      'precondition-failed': 'Someone else changed this while you were writing.',
      validation: 'It could not be saved. Correct what is marked and try again.',
      server: 'Something went wrong in the SIP service. Try again shortly.',
      'bad-response': 'The SIP service gave an answer that could not be read. Try again shortly.',
    },
    reference: (id: string) => `Reference: ${id}`,
  },
} satisfies Record<Lang, unknown>;
