/**
 * Localisation: one typed dictionary per language and a small controller per element.
 * No global configuration, so two embeds on one page can speak different languages.
 *
 * Swedish is the default and part of the element; every other language is a module of its
 * own (`lang/<tag>.ts`), fetched only when an element asks for it.
 */
import type { ReactiveControllerHost } from 'lit';
import { loadMessages } from './languages.ts';
import { Localization, messageSource } from './locale.ts';
import { common } from './lang/common/sv.ts';
import type { PlanMessages } from './plan.ts';

// The languages, how a page's tag is read and the controller are the citizen elements' shared ones.
export { inheritedLang, LANGUAGE_NAMES, resolveLang, type Lang, type LoadedLang } from './locale.ts';

type PlanStatus = 'draft' | 'active' | 'followed_up' | 'consent_withdrawn' | 'closed';

const group = (n: number) => new Intl.NumberFormat('sv-SE').format(n);

export const sv = {
  // The texts both citizen elements show alike (`lang/common/<tag>.ts`).
  ...common,
  // Loading, empty and error states
  loadingPlan: 'Hämtar planen …',
  noPlans: 'Du finns inte med som anhörig i någon samordnad individuell plan (SIP) just nu.',

  // The list of plans
  plansCount: (n: number) =>
    n === 1 ? 'Du är anhörig i 1 samordnad individuell plan (SIP).' : `Du är anhörig i ${n} samordnade individuella planer (SIP).`,
  planStatus: {
    draft: 'Utkast',
    active: 'Gäller',
    followed_up: 'Uppföljd',
    consent_withdrawn: 'Pausad: samtycket är återkallat',
    closed: 'Avslutad',
  } satisfies Record<PlanStatus, string>,
  /** An error's reference, and where the portal says to ask for help. */
  errorReference: (id: string) => `Ange referens ${id} om du kontaktar oss.`,
  help: 'Behöver du hjälp? Ring',

  // Saving
  saved: (time: string) => `Sparat ${time}.`,
  announce: {
    accepted: (what: string) => `Sparat. Du har tackat ja till: ${what}.`,
    declined: (what: string) => `Sparat. Du har tackat nej till: ${what}.`,
    withdrawn: (what: string) => `Sparat. Du har avslutat: ${what}.`,
    reconfirmed: (what: string) => `Sparat. Du fortsätter med: ${what}.`,
    homeConsent: 'Sparat. Ditt svar om hemmet är registrerat.',
    request: 'Sparat. Din begäran är skickad.',
    notSaved: 'Inte sparat.',
    unknown: 'Vi vet inte om ditt svar sparades.',
    planOpened: (title: string) => `${title} är öppnad.`,
  },

  // The shared home: the question unanswered
  homeChoose: 'Välj ja eller nej',

  // Forms and errors
  commentTooLong: (max: number, length: number) =>
    `Kommentaren får vara högst ${group(max)} tecken. Den är nu ${group(length)} tecken.`,
  commentControl: 'Kommentaren innehåller tecken som inte går att spara. Ta bort dem och försök igen.',
  commentRejected: 'Kommentaren gick inte att spara. Kontrollera längden och tecknen.',
};

/** The messages in the element's module: all but those only a plan shows (`plan.ts`), which brings its own Swedish. */
export type CoreMessages = typeof sv;
/** Every message of the widget: what each language module besides Swedish has. */
export type Messages = CoreMessages & PlanMessages;

/** The languages besides Swedish, each fetched once per page. */
const others = messageSource(loadMessages);

/** The widget's language and its messages in it (see `Localization`). */
export class LocaleController extends Localization<CoreMessages> {
  constructor(host: ReactiveControllerHost & HTMLElement) {
    super(host, sv, others);
  }
}
