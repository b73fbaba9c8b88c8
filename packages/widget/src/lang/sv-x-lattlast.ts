/**
 * Lättläst svenska (easy-to-read Swedish): short sentences, everyday words, one thing at a time.
 * Tag `sv-x-lattlast`: Swedish with a private-use subtag, as BCP 47 registers none for it.
 */
import type { Messages } from '../i18n.ts';
import { common } from './common/sv-x-lattlast.ts';

/** A sentence that starts with a name: its first letter upper-case. */
const cap = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const group = (n: number) => new Intl.NumberFormat('sv-SE').format(n);
const who = (responsible: string | null) => responsible ?? 'De som har hand om planen';

const lattlast: Messages = {
  // The texts both citizen elements show alike (`lang/common/<tag>.ts`).
  ...common,
  loadingPlan: 'Planen kommer snart …',
  noPlans: 'Du är inte med i någon samordnad individuell plan (SIP) som anhörig just nu.',
  errors: { ...common.errors, conflict: 'Något har ändrats. Därför sparades inte ditt svar. Nu ser du det som gäller.' },

  plansCount: (n: number) =>
    n === 1 ? 'Du är anhörig i 1 samordnad individuell plan (SIP).' : `Du är anhörig i ${n} samordnade individuella planer (SIP).`,
  sipMeans:
    'SIP betyder samordnad individuell plan. Kommunen och regionen skriver planen tillsammans. I planen står vad som ska göras och vem som gör det.',
  planStatus: {
    draft: 'Inte klar än',
    active: 'Gäller nu',
    followed_up: 'Uppföljd',
    consent_withdrawn: 'Stoppad. Personen vill inte längre att planen används.',
    closed: 'Slut',
  },

  print: 'Skriv ut',
  youAre: (name: string, relationship: string) => `Du är ${name} (${relationship}).`,

  contactHeading: 'Vem du kan prata med',
  coordinator: 'Den som samordnar planen',
  noCoordinator: 'Ingen samordnar planen än.',
  outOfHoursGeneral: 'Ring 1177 om du behöver råd om vård. Du kan ringa dag och natt. Ring 112 om det är akut. Annars kan du ringa samordnaren nästa vardag.',

  commitmentsHeading: 'Det du kan hjälpa till med',
  commitmentsIntro:
    'Personalen har frågat om du vill göra det här. Du bestämmer själv. Inget gäller förrän du har sagt ja. Du kan sluta när du vill.',
  noCommitments: 'Ingen har frågat dig om att hjälpa till med något.',
  childNoCommitments: 'Barn blir inte tillfrågade om att hjälpa till. Du kan ändå få veta saker och få stöd.',
  commitmentKind: 'Sorts hjälp',
  commitmentKinds: {
    'personal-care': 'Hjälp med att tvätta sig, klä på sig och äta',
    household: 'Hjälp hemma, till exempel att handla och städa',
    accompanying: 'Följa med, till exempel till läkaren',
    supervision: 'Titta till och hålla sällskap',
    contacts: 'Prata med vården och myndigheter',
    finances: 'Hjälp med pengar och papper',
    other: 'Annan hjälp',
  },
  howOften: 'Hur ofta',
  period: 'När',
  reviewDate: 'Vi pratar om det igen',
  commitmentStatus: {
    requested: 'Vi väntar på ditt svar',
    accepted: 'Du har sagt ja',
    declined: 'Du har sagt nej',
    withdrawn: 'Du har slutat',
    cancelled: 'Personalen har tagit bort det',
  },
  reconfirmDue: (date: string) => `Vill du fortsätta med det här? Svara senast ${date}.`,
  reconfirmFrom: (date: string) => `Vi frågar dig igen från ${date}.`,
  cancelledHelp: 'Personalen har tagit bort det här. Du behöver inte göra något. Har du frågor? Ring samordnaren.',
  withdrawnHelp: (responsible: string | null) =>
    `${who(responsible)} vet att du har slutat. De ordnar hjälpen på ett annat sätt.`,
  accept: 'Säg ja',
  decline: 'Säg nej',
  withdraw: 'Sluta med det här',
  reconfirm: 'Ja, jag fortsätter',
  comment: 'Vill du skriva något? (du behöver inte)',
  commentHint: 'Du kan skriva 2 000 tecken. Personalen kan läsa det du skriver.',
  history: 'Dina svar',
  historyEntry: {
    requested: 'Personalen frågade dig',
    accepted: 'Du sa ja',
    declined: 'Du sa nej',
    withdrawn: 'Du slutade',
    cancelled: 'Personalen tog bort det',
    reconfirmed: 'Du sa att du fortsätter',
  },
  nextReview: (date: string) => `vi pratar om det igen ${date}`,

  withdrawTitle: 'Vill du sluta med det här?',
  withdrawBody: (responsible: string | null) =>
    `Då slutar du med det här. ${who(responsible)} får veta det. De ordnar hjälpen på ett annat sätt. Du behöver inte säga varför.`,
  withdrawComment: 'Vill du säga varför? (du behöver inte)',
  withdrawConfirm: 'Ja, jag vill sluta',
  withdrawCancel: 'Nej, jag fortsätter',

  declineTitle: 'Vill du säga nej?',
  declineBody: (responsible: string | null) =>
    `Det är helt okej att säga nej. ${who(responsible)} får veta det. De ordnar hjälpen på ett annat sätt. Du kan ändra dig och säga ja. Det går tills de har ordnat något annat.`,
  declineConfirm: 'Ja, jag säger nej',
  declineCancel: 'Nej, gå tillbaka',
  declinedHelp: (responsible: string | null) =>
    `Har du ändrat dig? Du kan säga ja. Det går tills ${responsible ?? 'de som har hand om planen'} har ordnat något annat.`,
  changeToAccept: 'Jag har ändrat mig. Jag säger ja.',

  roleHeading: 'Du är anhörig',
  roleIntro: (responsible: string | null) =>
    `Du bestämmer själv om du vill vara med i planen. Vill du inte vara med längre? Då kan du säga det här. ${who(responsible)} ringer dig då. Det du har sagt ja till gäller tills ni har pratat. Vill du sluta med något nu? Då kan du göra det längre upp på sidan.`,
  leaveButton: 'Jag vill inte vara med längre',
  leaveTitle: 'Vill du inte vara med i planen längre?',
  leaveBody: (responsible: string | null) =>
    `${who(responsible)} får veta det. De ringer dig och ordnar hjälpen på ett annat sätt. Du behöver inte säga varför.`,
  leaveConfirm: 'Ja, jag vill inte vara med',
  leaveCancel: 'Nej, gå tillbaka',
  leaveAsked: (date: string) => `${date} sa du att du inte vill vara med längre.`,
  leaveWaiting: (responsible: string | null) => `${who(responsible)} ringer dig.`,

  phoneHours: 'Du kan ringa',
  someone: 'personen som planen handlar om',
  todo: {
    heading: 'Att göra',
    none: 'Du behöver inte svara på något just nu.',
    answer: 'Svara på:',
    reconfirm: (date: string) => `Svara senast ${date}:`,
    home: 'Svara om ert hem',
  },

  receipt: {
    title: 'Kvitto på ditt svar',
    answer: 'Du svarade',
    comment: 'Det du skrev',
    at: 'Sparat',
    reference: 'Nummer',
    told: 'De här vet om ditt svar',
    coordinator: (name: string) => `samordnaren ${name}`,
    next: 'Det här händer nu',
    keep: 'Spara kvittot. Vill du fråga om ditt svar? Säg då numret.',
    print: 'Skriv ut kvittot',
    answers: {
      accepted: 'Du sa ja till',
      declined: 'Du sa nej till',
      withdrawn: 'Du slutade med',
      reconfirmed: 'Du fortsätter med',
      'home-consent-yes': 'Ja, det är okej att personal ger vård och hjälp hemma hos er',
      'home-consent-no': 'Nej, det är inte okej att personal ger vård och hjälp hemma hos er',
      'contact-consultant': 'Du bad att någon som hjälper anhöriga ska ringa dig',
      'needs-assessment': 'Du bad kommunen att titta på vad du själv behöver',
      'leave-role': 'Du sa att du inte vill vara med i planen längre',
    },
    nextSteps: {
      accepted: 'Nu gäller det. Du kan sluta när du vill. Innan vi pratar om det igen frågar vi om du vill fortsätta.',
      declined: (r: string) => `${r} ordnar hjälpen på ett annat sätt. Du kan ändra dig och säga ja. Det går tills de har ordnat något annat.`,
      withdrawn: (r: string) => `${r} ordnar hjälpen på ett annat sätt. Du behöver inte göra något mer.`,
      reconfirmed: 'Du fortsätter som förut. Vi frågar dig igen nästa gång.',
      'home-consent-yes': 'Personal får ge vård och hjälp hemma hos er. Du kan ändra ditt svar när du vill.',
      'home-consent-no': (r: string) => `${r} ordnar vården och hjälpen på ett annat sätt, utan ert hem. Du kan ändra ditt svar när du vill.`,
      'contact-consultant': 'Någon som hjälper anhöriga ringer dig.',
      'needs-assessment': 'Kommunen ringer dig. Ni pratar om vilket stöd du behöver.',
      'leave-role': (r: string) => `${r} ringer dig. Det du har sagt ja till gäller tills ni har pratat.`,
    },
    responsible: 'De som har hand om planen',
  },
  errorReference: (id: string) => `Vill du fråga oss om felet? Säg då numret ${id}.`,
  help: 'Vill du ha hjälp? Ring',

  child: {
    heading: 'Vad händer?',
    what: (who: string) =>
      `Kommunen och regionen hjälper ${who}. De vuxna har skrivit en plan tillsammans. Planen gör att hjälpen fungerar. Du behöver inte göra något.`,
    feelings: 'Det är vanligt att bli orolig eller ledsen när någon i familjen behöver hjälp. Du får prata med någon om det.',
    talkHeading: 'Vem kan du prata med?',
    counsellor: 'Kuratorn på din skola',
    bris: 'BRIS, om du är under 18 år. Ring eller chatta:',
    umo: 'UMO, om du är mellan 13 och 25 år:',
    coordinator: (name: string) => `${name}, som samordnar planen`,
  },

  homeIntro: (who: string) =>
    `Du bor tillsammans med ${who}. Personal kan komma och ge vård och hjälp hemma hos er. Då blir ert hem en plats där personalen arbetar. Därför måste du säga om det är okej.`,
  homeMeans: [
    'Ja betyder att personal kommer hem till er. De kan till exempel hjälpa till med mat, att tvätta sig eller med mediciner. Ibland behöver de ställa in något, till exempel en säng.',
    'Nej betyder att personalen inte arbetar hemma hos er. Då ordnas vården och hjälpen på ett annat sätt. De som har hand om planen pratar med er om hur.',
    'Du kan ändra ditt svar när du vill. Du kan göra det här eller prata med samordnaren.',
  ],
  sharedUntil: (date: string, who: string) => `${cap(who)} har sagt att du får se det här. Det gäller till och med ${date}.`,
  sharedOpen: (who: string) => `${cap(who)} har sagt att du får se det här.`,
  nothingShared: (who: string) => `${cap(who)} vill inte visa något av planen för dig just nu. Du ser bara det som handlar om dig.`,
  consentWithdrawn: (who: string) =>
    `${cap(who)} vill inte längre att planen används. Det som handlar om dig finns kvar: det du har sagt ja till, dina svar och ditt stöd.`,
  individualGoals: (who: string) => `Det här är viktigast för ${who}`,

  saving: 'Vi sparar …',
  saved: (time: string) => `Sparat klockan ${time}.`,
  notSaved: 'Det sparades inte.',
  unknown: 'Vi vet inte om ditt svar sparades.',
  outcomeHelp: {
    network: 'Vi nådde inte tjänsten. Kolla att du är ansluten till internet. Försök sedan igen.',
    session: 'Du har varit inloggad för länge. Logga in igen. Tryck sedan på Försök igen.',
    server: 'Det blev fel i tjänsten. Försök igen om en stund.',
    unknown: 'Tjänsten svarade inte i tid. Försök igen. Ditt svar sparas bara en gång.',
    conflict: 'Något har ändrats sedan du öppnade planen. Nu ser du det som gäller.',
    validation: 'Det du skrev gick inte att spara. Ändra det och försök igen.',
  },
  retrySafe: 'Du kan försöka igen. Ditt svar sparas bara en gång.',
  announce: {
    accepted: (what: string) => `Sparat. Du har sagt ja till: ${what}.`,
    declined: (what: string) => `Sparat. Du har sagt nej till: ${what}.`,
    withdrawn: (what: string) => `Sparat. Du har slutat med: ${what}.`,
    reconfirmed: (what: string) => `Sparat. Du fortsätter med: ${what}.`,
    homeConsent: 'Sparat. Vi har fått ditt svar om ert hem.',
    request: 'Sparat. Vi har fått det du bad om.',
    notSaved: 'Det sparades inte.',
    unknown: 'Vi vet inte om ditt svar sparades.',
    planOpened: (title: string) => `Nu ser du ${title}.`,
  },

  homeHeading: 'Ert hem',
  homeQuestion: 'Är det okej att personal ger vård och hjälp hemma hos er?',
  homeYes: 'Ja, det är okej',
  homeNo: 'Nej, det är inte okej',
  homeSave: 'Spara mitt svar',
  homeCurrentYes: (date: string) => `${date} sa du att det är okej.`,
  homeCurrentNo: (date: string) => `${date} sa du att det inte är okej.`,
  homeNotAnswered: 'Du har inte svarat än.',
  homeChoose: 'Välj ja eller nej',
  homeHistory: 'Dina svar om ert hem',
  homeHistoryYes: 'Ja',
  homeHistoryNo: 'Nej',

  supportHeading: 'Hjälp till dig',
  supportIntro: 'Du hjälper någon som står dig nära. Då ska kommunen ge dig stöd.',
  supportOffered: 'Det här har kommunen erbjudit dig',
  supportOffers: {
    conversation: 'Någon att prata med',
    respite: 'Någon som tar över en stund, så att du får vila',
    groups: 'Träffa andra anhöriga',
    training: 'Kurs för anhöriga',
  },
  supportNoneOffered: 'Kommunen har inte erbjudit dig något än.',
  myRequests: 'Det du har bett om',
  requestKinds: {
    'contact-consultant': 'Att någon som hjälper anhöriga ringer dig',
    'needs-assessment': 'Att kommunen tittar på vad du själv behöver',
  },
  requestAsked: (date: string) => `Du bad om det ${date}.`,
  requestHandled: (date: string) => `Klart ${date}.`,
  requestOpen: 'Inte klart än.',
  requestButtons: {
    'contact-consultant': 'Jag vill att någon som hjälper anhöriga ringer mig',
    'needs-assessment': 'Jag vill att kommunen tittar på vad jag behöver',
  },
  requestNote: 'Vill du berätta något mer? (du behöver inte)',

  sharedHeading: 'Det här får du se',
  goals: 'Mål',
  professionalGoals: (organisation: string) => `Mål för ${organisation}`,
  principal: {
    region: 'Regionen (vård)',
    municipality: 'Kommunen (omsorg och stöd)',
  },
  interventionStatus: {
    planned: 'Planerad',
    decided: 'Bestämd',
  },
  contacts: 'Personer du kan kontakta',
  followUp: 'Nästa gång vi går igenom planen',
  followUpNone: 'Vi har inte bestämt när vi går igenom planen.',
  followUpPassed: 'Genomgång av planen',
  followUpWas: (date: string) => `Vi skulle gå igenom planen ${date}. Samordnaren hör av sig om en ny tid.`,
  needs: 'Behov',

  informationHeading: 'Det här ska du få veta',
  informationNone: 'Vi har inte bestämt något som du ska få veta än.',
  informationHow: (how: string, howOften: string) => `${how}, ${howOften}`,
  informedHeading: 'När du fick veta saker',
  informedBy: (name: string) => `av ${name}`,

  errorSummaryTitle: 'Något är fel',
  commentTooLong: (max: number, length: number) =>
    `Du kan skriva ${group(max)} tecken. Nu har du skrivit ${group(length)} tecken. Ta bort lite.`,
  commentControl: 'Det finns tecken som inte går att spara. Ta bort dem och försök igen.',
  commentRejected: 'Det du skrev gick inte att spara. Skriv kortare eller ta bort konstiga tecken.',
};

export default lattlast;
