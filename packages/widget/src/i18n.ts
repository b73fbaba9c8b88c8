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

// The languages, how a page's tag is read and the controller are the citizen elements' shared ones.
export { inheritedLang, LANGUAGE_NAMES, resolveLang, type Lang, type LoadedLang } from './locale.ts';

type CommitmentStatus = 'requested' | 'accepted' | 'declined' | 'withdrawn' | 'cancelled';
type HistoryStatus = CommitmentStatus | 'reconfirmed';
type PlanStatus = 'draft' | 'active' | 'followed_up' | 'consent_withdrawn' | 'closed';
type SupportOffer = 'conversation' | 'respite' | 'groups' | 'training';
type RequestKind = 'contact-consultant' | 'needs-assessment';

/** A sentence that starts with a name or "personen": its first letter upper-case. */
const cap = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

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
  sipMeans:
    'SIP betyder samordnad individuell plan: planen där kommunen och regionen tillsammans skriver vad som ska göras och vem som gör det.',
  planStatus: {
    draft: 'Utkast',
    active: 'Gäller',
    followed_up: 'Uppföljd',
    consent_withdrawn: 'Pausad: samtycket är återkallat',
    closed: 'Avslutad',
  } satisfies Record<PlanStatus, string>,

  // The plan
  print: 'Skriv ut',
  youAre: (name: string, relationship: string) => `Du är ${name} (${relationship}).`,

  coordinator: 'Samordnare för planen',
  phoneHours: 'Telefontid',
  /** The individual, when the plan gives no given name. */
  someone: 'personen som planen gäller',

  commitmentsHeading: 'Dina åtaganden',
  commitmentsIntro:
    'Det här har du blivit tillfrågad om att göra. Det är frivilligt. Inget gäller förrän du har tackat ja, och du kan avsluta ett åtagande när du vill.',
  noCommitments: 'Du har inte blivit tillfrågad om något åtagande.',
  childNoCommitments: 'Barn blir inte tillfrågade om att ta på sig åtaganden. Du kan ändå få information och stöd.',
  howOften: 'Hur ofta',
  period: 'Period',
  reviewDate: 'Ska stämmas av',
  commitmentStatus: {
    requested: 'Väntar på ditt svar',
    accepted: 'Du har tackat ja',
    declined: 'Du har tackat nej',
    withdrawn: 'Du har avslutat åtagandet',
    cancelled: 'Avbrutet av personalen',
  } satisfies Record<CommitmentStatus, string>,
  reconfirmDue: (date: string) => `Dags att stämma av: kan du fortsätta med det här? Senast ${date}.`,
  reconfirmFrom: (date: string) => `Du blir tillfrågad igen från ${date}.`,
  cancelledHelp: 'Personalen har tagit bort det här åtagandet. Du behöver inte göra något. Frågor? Kontakta samordnaren.',
  withdrawnHelp: (responsible: string | null) =>
    `${responsible ? `${responsible}, som ansvarar för planen,` : 'Den som ansvarar för planen'} har fått veta det och planerar om, så att hjälpen blir av ändå.`,
  accept: 'Tacka ja',
  decline: 'Tacka nej',
  withdraw: 'Avsluta åtagandet',
  reconfirm: 'Ja, jag fortsätter',
  comment: 'Kommentar (frivillig)',
  commentHint: 'Högst 2 000 tecken. Personalen som arbetar med planen kan läsa den.',
  history: 'Dina svar hittills',
  historyEntry: {
    requested: 'Personalen frågade dig',
    accepted: 'Du tackade ja',
    declined: 'Du tackade nej',
    withdrawn: 'Du avslutade åtagandet',
    cancelled: 'Personalen avbröt åtagandet',
    reconfirmed: 'Du bekräftade att du fortsätter',
  } satisfies Record<HistoryStatus, string>,
  nextReview: (date: string) => `nästa avstämning ${date}`,

  // The withdrawal dialog
  withdrawTitle: 'Vill du avsluta åtagandet?',
  withdrawBody: (responsible: string | null) =>
    `Du slutar då med det här. ${responsible ? `${responsible}, som ansvarar för planen,` : 'Den som ansvarar för planen'} får veta det och måste planera om, så att hjälpen blir av på annat sätt. Du behöver inte förklara varför.`,
  withdrawComment: 'Vill du säga något om varför? (frivilligt)',
  withdrawConfirm: 'Ja, avsluta åtagandet',
  withdrawCancel: 'Nej, fortsätt som förut',

  // The decline dialog, and changing one's mind
  declineTitle: 'Vill du tacka nej?',
  declineBody: (responsible: string | null) =>
    `Det är helt i sin ordning att tacka nej. ${responsible ? `${responsible}, som ansvarar för planen,` : 'Den som ansvarar för planen'} får veta det och ordnar hjälpen på annat sätt. Du kan ändra dig och tacka ja så länge de inte har planerat om.`,
  declineConfirm: 'Ja, tacka nej',
  declineCancel: 'Nej, gå tillbaka',
  declinedHelp: (responsible: string | null) =>
    `Har du ändrat dig? Du kan tacka ja så länge ${responsible ?? 'den som ansvarar för planen'} inte har planerat om.`,
  changeToAccept: 'Ändra mig och tacka ja',

  // The relative role itself, and stepping out of it
  roleHeading: 'Din roll som anhörig',
  roleIntro: (responsible: string | null) =>
    `Att vara anhörig i planen är frivilligt. Vill du inte längre ha en roll i planen kan du säga det här. ${responsible ?? 'Den som ansvarar för planen'} kontaktar dig då för att planera om. Det du har tackat ja till gäller tills ni har pratat; vill du sluta med något direkt kan du avsluta det ovan.`,
  leaveButton: 'Jag vill kliva av min roll',
  leaveTitle: 'Vill du kliva av din roll i planen?',
  leaveBody: (responsible: string | null) =>
    `${responsible ?? 'Den som ansvarar för planen'} får veta det och kontaktar dig för att planera om, så att hjälpen blir av ändå. Du behöver inte förklara varför.`,
  leaveConfirm: 'Ja, jag vill kliva av',
  leaveCancel: 'Nej, gå tillbaka',
  leaveAsked: (date: string) => `Du bad ${date} om att få kliva av din roll.`,
  leaveWaiting: (responsible: string | null) => `${responsible ?? 'Den som ansvarar för planen'} kontaktar dig.`,

  // What waits for the relative's answer
  todo: {
    heading: 'Att göra',
    none: 'Du har inget att svara på just nu.',
    answer: 'Svara på:',
    reconfirm: (date: string) => `Stäm av senast ${date}:`,
    home: 'Svara om ert gemensamma hem',
  },

  // The receipt of an answer
  receipt: {
    title: 'Kvitto på ditt svar',
    answer: 'Ditt svar',
    comment: 'Din kommentar',
    at: 'Sparat',
    reference: 'Referens',
    told: 'Har fått veta',
    coordinator: (name: string) => `samordnaren ${name}`,
    next: 'Vad händer nu',
    keep: 'Spara kvittot. Ange referensen om du vill fråga om ditt svar.',
    print: 'Skriv ut kvittot',
    answers: {
      accepted: 'Du tackade ja till',
      declined: 'Du tackade nej till',
      withdrawn: 'Du avslutade',
      reconfirmed: 'Du fortsätter med',
      'home-consent-yes': 'Ja, du samtycker till att ert gemensamma hem används för vård och omsorg',
      'home-consent-no': 'Nej, du samtycker inte till att ert gemensamma hem används för vård och omsorg',
      'contact-consultant': 'Du bad anhörigkonsulenten kontakta dig',
      'needs-assessment': 'Du bad om en bedömning av dina egna behov',
      'leave-role': 'Du bad om att få kliva av din roll i planen',
    },
    nextSteps: {
      accepted: 'Åtagandet gäller nu. Du kan avsluta det när du vill. Inför avstämningen blir du tillfrågad om du vill fortsätta.',
      declined: (r: string) => `${r} ordnar hjälpen på annat sätt. Du kan ändra dig och tacka ja så länge de inte har planerat om.`,
      withdrawn: (r: string) => `${r} planerar om, så att hjälpen blir av på annat sätt. Du behöver inte göra något mer.`,
      reconfirmed: 'Du fortsätter som förut. Du blir tillfrågad igen inför nästa avstämning.',
      'home-consent-yes': 'Personalen får ge vård och omsorg i ert hem. Du kan ändra ditt svar när du vill.',
      'home-consent-no': (r: string) => `${r} planerar hur vården och omsorgen kan ges utan ert hem. Du kan ändra ditt svar när du vill.`,
      'contact-consultant': 'Anhörigkonsulenten kontaktar dig.',
      'needs-assessment': 'Kommunen kontaktar dig för att bedöma vilket stöd du behöver.',
      'leave-role': (r: string) => `${r} kontaktar dig för att planera om. Det du har tackat ja till gäller tills ni har pratat.`,
    },
    responsible: 'Den som ansvarar för planen',
  },
  /** An error's reference, and where the portal says to ask for help. */
  errorReference: (id: string) => `Ange referens ${id} om du kontaktar oss.`,
  help: 'Behöver du hjälp? Ring',

  // A child relative's own view
  child: {
    heading: 'Vad händer?',
    what: (who: string) =>
      `Kommunen och regionen hjälper ${who}. De vuxna har skrivit en plan tillsammans, så att hjälpen fungerar. Du behöver inte göra något.`,
    feelings: 'Det är vanligt att känna oro eller bli ledsen när någon i familjen behöver hjälp. Du får prata med någon om det.',
    talkHeading: 'Vem kan du prata med?',
    counsellor: 'Skolkuratorn på din skola',
    bris: 'BRIS, för dig under 18 år. Ring eller chatta:',
    umo: 'UMO, för dig mellan 13 och 25 år:',
    coordinator: (name: string) => `${name}, som samordnar planen`,
  },

  // Saving
  saved: (time: string) => `Sparat ${time}.`,
  notSaved: 'Inte sparat.',
  unknown: 'Vi vet inte om ditt svar sparades.',
  outcomeHelp: {
    network: 'Vi fick inte kontakt med tjänsten. Kontrollera din internetanslutning och försök igen.',
    session: 'Din inloggning har gått ut. Logga in igen och tryck sedan på Försök igen.',
    server: 'Det blev ett fel i tjänsten. Försök igen om en stund.',
    unknown: 'Tjänsten svarade inte i tid. Försök igen – om svaret redan är sparat sparas det inte en gång till.',
    conflict: 'Något har ändrats sedan du öppnade planen, till exempel av personalen. Vi har hämtat det senaste.',
    validation: 'Det du skrev gick inte att spara. Rätta felet och försök igen.',
  },
  retrySafe: 'Det är säkert att försöka igen: ditt svar sparas bara en gång.',
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

  // Home as a place of care
  homeHeading: 'Ert gemensamma hem',
  homeIntro: (who: string) =>
    `Du bor tillsammans med ${who}. När vård och omsorg ges i hemmet blir ert gemensamma hem en arbetsplats för personalen. Det kräver ditt samtycke.`,
  homeMeans: [
    'Ja betyder att personal kommer hem till er, till exempel för att hjälpa till med mat, hygien eller läkemedel. De kan behöva ställa i ordning ett hjälpmedel, till exempel en säng.',
    'Nej betyder att personalen inte arbetar i ert hem. Vården och omsorgen planeras då på ett annat sätt, och den som ansvarar för planen pratar med er om hur.',
    'Du kan ändra ditt svar när du vill, här eller genom samordnaren.',
  ],
  homeQuestion: 'Samtycker du till att ert gemensamma hem används för vård och omsorg?',
  homeYes: 'Ja, jag samtycker',
  homeNo: 'Nej, jag samtycker inte',
  homeSave: 'Spara mitt svar',
  homeCurrentYes: (date: string) => `Du samtyckte ${date}.`,
  homeCurrentNo: (date: string) => `Du samtyckte inte ${date}.`,
  homeNotAnswered: 'Du har inte svarat ännu.',
  homeChoose: 'Välj ja eller nej',
  homeHistory: 'Dina svar om hemmet',
  homeHistoryYes: 'Ja',
  homeHistoryNo: 'Nej',

  // Support for the relative
  supportHeading: 'Stöd till dig som anhörig',
  supportIntro: 'Kommunen ska erbjuda stöd till dig som hjälper någon i din närhet.',
  supportOffered: 'Stöd du har blivit erbjuden',
  supportOffers: {
    conversation: 'Stödsamtal',
    respite: 'Avlösning, så att du får tid för dig själv',
    groups: 'Träffar med andra anhöriga',
    training: 'Utbildning för anhöriga',
  } satisfies Record<SupportOffer, string>,
  supportNoneOffered: 'Inget stöd är erbjudet ännu.',
  myRequests: 'Det du har bett om',
  requestKinds: {
    'contact-consultant': 'Att anhörigkonsulenten kontaktar dig',
    'needs-assessment': 'En bedömning av dina egna behov',
  } satisfies Record<RequestKind, string>,
  requestAsked: (date: string) => `Du bad om det ${date}.`,
  requestHandled: (date: string) => `Klart ${date}.`,
  requestOpen: 'Inte klart ännu.',
  requestButtons: {
    'contact-consultant': 'Be anhörigkonsulenten kontakta mig',
    'needs-assessment': 'Be om en bedömning av mina egna behov',
  } satisfies Record<RequestKind, string>,
  requestNote: 'Vill du berätta något mer? (frivilligt)',

  // What is shared
  sharedHeading: 'Det här får du se av planen',
  sharedUntil: (date: string, who: string) => `${cap(who)} har samtyckt till att du ser det här, till och med ${date}.`,
  sharedOpen: (who: string) => `${cap(who)} har samtyckt till att du ser det här.`,
  nothingShared: (who: string) => `${cap(who)} delar ingenting av planen med dig just nu. Du ser bara det som gäller dig själv.`,
  consentWithdrawn: (who: string) =>
    `${cap(who)} har återkallat sitt samtycke till planen. Din egen del står kvar: dina åtaganden och svar, det du får veta och ditt stöd.`,
  goals: 'Mål',
  individualGoals: (who: string) => `Det här är viktigast för ${who}`,
  professionalGoals: (organisation: string) => `Mål för ${organisation}`,
  interventionStatus: {
    planned: 'Planerad',
    decided: 'Beslutad',
  } as Record<string, string>,
  contacts: 'Kontaktpersoner',
  needs: 'Behov',

  // Information to the relative
  informationHeading: 'Information till dig',
  informationNone: 'Ingen information är planerad till dig ännu.',
  informationHow: (how: string, howOften: string) => `${how}, ${howOften}`,
  informedHeading: 'När du fick information',
  informedBy: (name: string) => `av ${name}`,

  // Forms and errors
  commentTooLong: (max: number, length: number) =>
    `Kommentaren får vara högst ${group(max)} tecken. Den är nu ${group(length)} tecken.`,
  commentControl: 'Kommentaren innehåller tecken som inte går att spara. Ta bort dem och försök igen.',
  commentRejected: 'Kommentaren gick inte att spara. Kontrollera längden och tecknen.',
};

export type Messages = typeof sv;

/** The languages besides Swedish, each fetched once per page. */
const others = messageSource(loadMessages);

/** The widget's language and its messages in it (see `Localization`). */
export class LocaleController extends Localization<Messages> {
  constructor(host: ReactiveControllerHost & HTMLElement) {
    super(host, sv, others);
  }
}
