/**
 * The texts of `<sip-individual-view>`, for the person the plan is about: plain Swedish an older
 * reader understands, inside the element's module; every other language a module of its own
 * (`lang/<tag>.ts`, typed by `Messages`, so a missing message fails the type check), fetched
 * only when the element speaks it. Each function gives a whole sentence, so no language's word
 * order is forced on another.
 */
import type { ReactiveControllerHost } from 'lit';
import { common } from '../lang/common/sv.ts';
import { Localization, messageSource } from '../locale.ts';
import { loadMessages } from './languages.ts';

type PlanStatus = 'draft' | 'active' | 'followed_up' | 'consent_withdrawn' | 'closed';
type Category = 'goals' | 'needs' | 'interventions' | 'health-interventions' | 'social-interventions' | 'contacts' | 'meetings' | 'follow-up';
type ConsentState = 'none' | 'refused' | 'in-force' | 'expired' | 'withdrawn';
type AccessWho = 'staff' | 'auditor' | 'relative' | 'me' | 'service';
type AccessWhat = 'plan' | 'plan-list' | 'history' | 'live-changes' | 'relatives' | 'consent' | 'plan-change' | 'access-log' | 'work-list';

export const sv = {
  // The texts both citizen elements show alike (`lang/common/<tag>.ts`).
  ...common,
  loadingPlan: 'Hämtar din plan …',

  // The list
  noPlans: 'Du har ingen samordnad individuell plan (SIP) just nu.',
  plansCount: (n: number) => (n === 1 ? 'Du har 1 samordnad individuell plan (SIP).' : `Du har ${n} samordnade individuella planer (SIP).`),
  planStatus: {
    draft: 'Utkast, planen är inte klar ännu',
    active: 'Gäller',
    followed_up: 'Uppföljd',
    consent_withdrawn: 'Pausad sedan samtycket togs tillbaka',
    closed: 'Avslutad',
  } satisfies Record<PlanStatus, string>,
  sipMeans:
    'SIP betyder samordnad individuell plan. Det är din plan, där kommunen och regionen tillsammans med dig skriver vad som ska göras och vem som gör det.',
  noProxy:
    'Bara du kan ändra ditt samtycke och det du har skrivit här. En anhörig kan inte göra det åt dig i den här tjänsten, inte heller om du har gett dem rätt att se planen.',

  // Own words
  ownHeading: 'Det här är viktigt för mig',
  ownIntro: 'Här skriver du med dina egna ord vad som är viktigt för dig och vad du gör själv. Personalen ser det i planen.',
  ownGoals: 'Det här är viktigt för mig',
  ownActions: 'Det här gör jag själv',
  ownHint: 'Skriv en sak per rad.',
  ownSave: 'Spara det jag har skrivit',
  ownTooLong: (max: number) => `En rad får vara högst ${max.toLocaleString('sv-SE')} tecken lång. Korta av den långa raden.`,
  ownTooMany: (max: number) => `Du kan skriva högst ${max} rader. Ta bort några rader.`,
  ownControl: 'Texten innehåller tecken som inte går att spara. Ta bort dem och försök igen.',
  ownConflictTitle: 'Planen har ändrats medan du skrev',
  ownConflict:
    'Någon annan har sparat en ny version av planen. Så här står det i planen nu. Det du skrev finns kvar i rutorna och är inte sparat. Spara igen om det du skrev ska gälla.',
  ownNow: 'I planen nu',

  // Contacts
  coordinator: 'Din samordnare',
  contacts: 'Dina kontaktpersoner',

  // The plan
  planHeading: 'Din plan',
  needs: 'Det här behöver du hjälp med',
  goalsOf: (organisation: string) => `Mål som ${organisation} har skrivit`,
  partOf: (organisation: string) => `Det här gör ${organisation}`,
  interventionStatus: { planned: 'Planerat', decided: 'Beslutat' } as Record<string, string>,
  othersDo: 'Det här gör andra',

  // Consent to the plan
  consentHeading: 'Ditt samtycke till planen',
  consentIntro:
    'Kommunen och regionen får bara dela uppgifter om dig med varandra om du säger ja. Du bestämmer vad de får dela. Du kan ändra det eller ta tillbaka det när du vill, och det gäller direkt.',
  consentState: {
    none: 'Du har inte lämnat något samtycke ännu.',
    refused: 'Du har sagt nej till att uppgifter delas.',
    'in-force': 'Du har sagt ja till att uppgifter delas.',
    expired: 'Ditt samtycke har gått ut. Inget delas nu.',
    withdrawn: 'Du har tagit tillbaka ditt samtycke. Inget delas nu.',
  } satisfies Record<ConsentState, string>,
  consentWhat: 'Det här får delas',
  consentWho: 'Mellan',
  consentUntil: 'Gäller till',
  consentUntilOpen: 'Tills du säger något annat',
  consentExcluded: 'Det här får inte delas',
  consentGivenOn: (date: string) => `Senast ändrat ${date}.`,
  consentFormLegend: 'Vad får kommunen och regionen dela med varandra?',
  consentFormHint: 'Kryssa för det som får delas. Det du inte kryssar för stannar hos den som har skrivit det.',
  untilLabel: 'Sista dag (frivilligt)',
  untilHint: 'Skriv datumet som år-månad-dag, till exempel 2027-06-30. Lämna tomt om det ska gälla tills du ändrar det.',
  untilInvalid: 'Skriv ett datum som år-månad-dag, till exempel 2027-06-30, som inte har passerat.',
  chooseOne: 'Kryssa för minst en sak. Vill du inte dela något, ta tillbaka samtycket i stället.',
  consentGive: 'Ja, jag samtycker',
  consentSave: 'Spara ändringen',
  consentWithdraw: 'Ta tillbaka mitt samtycke',
  childConsent: 'Du är under 18 år. Dina vårdnadshavare har samtyckt till planen. Du kan själv ta tillbaka samtycket, men inte lämna ett nytt. Prata med din samordnare om du vill ändra något.',
  childNoConsent: 'Du är under 18 år. Då är det dina vårdnadshavare som samtycker till planen. Prata med din samordnare om du undrar något.',
  category: {
    goals: 'Mål',
    needs: 'Behov',
    interventions: 'Insatser från både kommunen och regionen',
    'health-interventions': 'Vård från regionen',
    'social-interventions': 'Stöd och omsorg från kommunen',
    contacts: 'Kontaktpersoner',
    meetings: 'Möten',
    'follow-up': 'Uppföljning',
  } satisfies Record<Category, string>,

  // Relatives
  relativesHeading: 'Vad dina anhöriga får se',
  relativesIntro: 'Du bestämmer vad varje anhörig får se av planen. Ändringen gäller direkt, nästa gång de tittar.',
  noRelatives: 'Det finns inga anhöriga i planen.',
  relativeOf: (name: string, relationship: string) => `${name} (${relationship})`,
  sharesNothing: (name: string) => `${name} får inte se något av planen.`,
  sharesUntil: (date: string) => `Till och med ${date}.`,
  sharesOpen: 'Tills du ändrar det.',
  sharingLegend: (name: string) => `Vad får ${name} se?`,
  sharingSave: (name: string) => `Spara det ${name} får se`,
  seesNow: (name: string) => `Det här ser ${name} nu`,
  sharingNeedsConsent: 'Det du har valt gäller igen när du samtycker till planen.',
  sharingAfterConsent: 'Du kan välja vad dina anhöriga får se när du har samtyckt till planen igen.',
  sharingStop: (name: string) => `Sluta dela med ${name}`,

  // The confirm dialog
  withdrawConsentTitle: 'Vill du ta tillbaka ditt samtycke?',
  withdrawConsentBody:
    'Kommunen och regionen får då inte längre dela uppgifter om dig med varandra, och dina anhöriga ser inte planen. Planen pausas. Din samordnare får veta det. Du kan samtycka igen senare.',
  withdrawConsentConfirm: 'Ja, ta tillbaka samtycket',
  stopSharingTitle: (name: string) => `Vill du sluta dela planen med ${name}?`,
  stopSharingBody: (name: string) => `${name} ser då ingenting av planen från och med nu. Du kan dela igen senare.`,
  stopSharingConfirm: 'Ja, sluta dela',
  cancel: 'Nej, låt det vara som det är',

  // Receipts and outcomes
  receiptTitle: 'Klart. Det här har du gjort',
  receiptPlan: 'Planen',
  receiptWhat: 'Vad',
  receiptWhen: 'När',
  receiptReference: 'Referens',
  receiptNext: 'Vad händer nu',
  receipt: {
    consentGiven: 'Du sa ja till att uppgifter delas, så som du kryssade för.',
    consentChanged: 'Du ändrade vad som får delas.',
    consentWithdrawn: 'Du tog tillbaka ditt samtycke.',
    sharingChanged: (name: string) => `Du ändrade vad ${name} får se.`,
    sharingStopped: (name: string) => `Du slutade dela planen med ${name}.`,
    ownSaved: 'Du sparade det du har skrivit.',
  },
  next: {
    consent: 'Det gäller från och med nu. Din samordnare ser ändringen i planen.',
    consentPaused: 'Det gäller från och med nu. Planen är pausad tills din samordnare har startat den igen.',
    consentWithdrawn: 'Det gäller från och med nu. Planen är pausad, och din samordnare får veta det och hör av sig.',
    sharing: (name: string) => `Det gäller från och med nu. Nästa gång ${name} tittar på planen visas bara det du har valt.`,
    own: 'Personalen ser det du skrev i planen.',
  },
  print: 'Skriv ut kvittot',
  notSaved: 'Det sparades inte',
  unknown: 'Vi vet inte om det sparades',
  outcomeHelp: {
    network: 'Vi fick inte kontakt med tjänsten.',
    session: 'Din inloggning har gått ut.',
    server: 'Det blev ett fel i tjänsten.',
    conflict: 'Planen har ändrats sedan du öppnade den. Vi har hämtat det senaste. Titta på det och försök igen.',
    validation: 'Tjänsten godtog inte det du skickade.',
    unknown: 'Tjänsten svarade inte i tid. Det kan ha sparats ändå.',
  },
  retrySafe: 'Du kan försöka igen. Det blir inte sparat två gånger.',

  // Who has read my plan
  logHeading: 'Vem har läst min plan',
  logIntro:
    'Enligt lagen har du rätt att få veta vem som har läst eller ändrat uppgifter om dig. Här ser du vilken verksamhet och vilken yrkesroll, när och vad.',
  logShow: 'Visa vem som har läst min plan',
  logRefresh: 'Hämta listan igen',
  logLoading: 'Hämtar listan …',
  logEmpty: 'Ingen har läst eller ändrat planen ännu.',
  logCount: (shown: number, total: number) => (shown === total ? `${total} gånger.` : `De senaste ${shown} av ${total} gångerna.`),
  logRole: {
    staff: 'personal',
    auditor: 'den som granskar vem som har läst uppgifter',
    relative: 'en anhörig',
    me: 'Du själv',
    service: 'Tjänsten själv',
  } satisfies Record<AccessWho, string>,
  logWhoText: (organisation: string, role: string) => `${organisation} (${role})`,
  logRelative: (name: string) => `${name} (anhörig)`,
  logSomeRelative: 'En anhörig',
  /** One line of the list: who, then what they did. */
  logLine: (who: string, what: string) => `${who} ${what}.`,
  logWhat: {
    plan: { read: 'läste planen', change: 'ändrade planen' },
    'plan-list': { read: 'såg att planen finns', change: 'ändrade listan över planer' },
    history: { read: 'läste tidigare versioner av planen', change: 'ändrade tidigare versioner av planen' },
    'live-changes': { read: 'följde ändringar i planen medan den var öppen', change: 'ändrade planen' },
    relatives: { read: 'läste det som gäller anhöriga', change: 'ändrade det som gäller anhöriga' },
    consent: { read: 'läste samtycket', change: 'ändrade samtycket' },
    'plan-change': { read: 'läste en ändring i planen', change: 'ändrade planen' },
    'access-log': { read: 'läste listan över vem som har läst planen', change: 'ändrade listan över vem som har läst planen' },
    'work-list': { read: 'läste en arbetslista där planen finns', change: 'lade till en uppgift om planen på en arbetslista' },
  } satisfies Record<AccessWhat, Record<'read' | 'change', string>>,
  logUnknownOrganisation: 'En verksamhet',

  announce: {
    planOpened: (title: string) => `${title} är öppnad.`,
    saved: 'Sparat.',
    notSaved: 'Det sparades inte.',
    unknown: 'Vi vet inte om det sparades.',
    conflict: 'Planen har ändrats. Det du skrev finns kvar.',
    logLoaded: (n: number) => (n === 1 ? '1 rad i listan.' : `${n} rader i listan.`),
  },
};

export type Messages = typeof sv;

/** The languages besides Swedish, each fetched once per page. */
const others = messageSource(loadMessages);

/** The individual's view's language and its messages in it (see `Localization`). */
export class IndividualLocale extends Localization<Messages> {
  constructor(host: ReactiveControllerHost & HTMLElement) {
    super(host, sv, others);
  }
}
