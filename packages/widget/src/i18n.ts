/**
 * Localisation: one typed dictionary per language and a small controller per element.
 * No global configuration, so two embeds on one page can speak different languages.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type Lang = 'sv' | 'en';

type CommitmentStatus = 'requested' | 'accepted' | 'declined' | 'withdrawn' | 'cancelled';
type HistoryStatus = CommitmentStatus | 'reconfirmed';
type PlanStatus = 'draft' | 'active' | 'followed_up' | 'consent_withdrawn' | 'closed';
type Principal = 'region' | 'municipality';
type SupportOffer = 'conversation' | 'respite' | 'groups' | 'training';
type RequestKind = 'contact-consultant' | 'needs-assessment';

/** A sentence that starts with a name or "personen": its first letter upper-case. */
const cap = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const group = (n: number, lang: Lang) => new Intl.NumberFormat(lang === 'sv' ? 'sv-SE' : 'en-GB').format(n);

export const sv = {
  // Loading, empty and error states
  loading: 'Hämtar …',
  loadingPlan: 'Hämtar planen …',
  noPlans: 'Du finns inte med som anhörig i någon samordnad individuell plan (SIP) just nu.',
  errorTitle: 'Något gick fel',
  tryAgain: 'Försök igen',
  errors: {
    config: 'Tjänsten är inte rätt inställd på den här sidan. Kontakta den som ansvarar för webbplatsen.',
    network: 'Vi får inte kontakt med tjänsten. Kontrollera din internetanslutning och försök igen.',
    timeout: 'Tjänsten svarar inte just nu. Försök igen om en stund.',
    'not-found': 'Planen finns inte, eller så har du inte längre tillgång till den.',
    forbidden: 'Du har inte behörighet att se det här.',
    server: 'Det blev ett fel i tjänsten. Försök igen om en stund.',
    'bad-response': 'Tjänsten gav ett svar som vi inte förstår. Försök igen om en stund.',
    conflict: 'Det gick inte att spara eftersom något har ändrats. Vi har hämtat det senaste.',
    validation: 'Det du skrev gick inte att spara. Rätta felet och försök igen.',
  },
  sessionExpiredTitle: 'Du är utloggad',
  sessionExpired: 'Din inloggning har gått ut. Logga in igen för att fortsätta.',
  waitingForSignIn: 'Väntar på inloggning …',

  // The list of plans
  myPlans: 'Mina planer',
  plansCount: (n: number) =>
    n === 1 ? 'Du är anhörig i 1 samordnad individuell plan (SIP).' : `Du är anhörig i ${n} samordnade individuella planer (SIP).`,
  sipMeans:
    'SIP betyder samordnad individuell plan: planen där kommunen och regionen tillsammans skriver vad som ska göras och vem som gör det.',
  untitledPlan: 'Samordnad individuell plan',
  planStatus: {
    draft: 'Utkast',
    active: 'Gäller',
    followed_up: 'Uppföljd',
    consent_withdrawn: 'Pausad: samtycket är återkallat',
    closed: 'Avslutad',
  } satisfies Record<PlanStatus, string>,
  planStatusLabel: (status: string) => `Status: ${status}`,

  // The plan
  backToPlans: 'Alla mina planer',
  print: 'Skriv ut',
  youAre: (name: string, relationship: string) => `Du är ${name} (${relationship}).`,
  relationships: {
    SPS: 'make eller maka',
    HUSB: 'make',
    WIFE: 'maka',
    DOMPART: 'sambo',
    CHILD: 'barn',
    DAU: 'dotter',
    SON: 'son',
    PRN: 'förälder',
    MTH: 'mamma',
    FTH: 'pappa',
    SIB: 'syskon',
    SIS: 'syster',
    BRO: 'bror',
    GRNDCHILD: 'barnbarn',
    GRNDDAU: 'barnbarn',
    GRNDSON: 'barnbarn',
    FRND: 'vän',
    NBOR: 'granne',
  } as Record<string, string>,

  contactHeading: 'Hit vänder du dig',
  coordinator: 'Samordnare för planen',
  noCoordinator: 'Planen har ingen samordnare ännu.',
  phone: 'Telefon',
  phoneHours: 'Telefontid',
  /** The individual, when the plan gives no given name. */
  someone: 'personen som planen gäller',
  outOfHours: 'Utanför kontorstid',
  outOfHoursGeneral: 'Ring 1177 för råd om vård, dygnet runt. Ring 112 om det är akut. Kontakta samordnaren nästa vardag.',

  commitmentsHeading: 'Dina åtaganden',
  commitmentsIntro:
    'Det här har du blivit tillfrågad om att göra. Det är frivilligt. Inget gäller förrän du har tackat ja, och du kan avsluta ett åtagande när du vill.',
  noCommitments: 'Du har inte blivit tillfrågad om något åtagande.',
  childNoCommitments: 'Barn blir inte tillfrågade om att ta på sig åtaganden. Du kan ändå få information och stöd.',
  howOften: 'Hur ofta',
  period: 'Period',
  periodFrom: (from: string) => `Från ${from}`,
  periodFromUntil: (from: string, until: string) => `${from} – ${until}`,
  reviewDate: 'Ska stämmas av',
  statusLabel: 'Status',
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
  saving: 'Sparar …',
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
  whoDoesWhat: 'Vem gör vad',
  principal: {
    region: 'Regionen (hälso- och sjukvård)',
    municipality: 'Kommunen (socialtjänst och omsorg)',
  } satisfies Record<Principal, string>,
  interventionStatus: {
    planned: 'Planerad',
    decided: 'Beslutad',
  } as Record<string, string>,
  performedBy: 'Vem',
  when: 'När',
  contacts: 'Kontaktpersoner',
  followUp: 'Nästa uppföljning',
  followUpNone: 'Ingen uppföljning är bestämd ännu.',
  followUpPassed: 'Uppföljning',
  followUpWas: (date: string) => `Uppföljningen var planerad till ${date}. Samordnaren hör av sig om en ny tid.`,
  needs: 'Behov',
  meetings: 'Möten',
  none: 'Inget ännu.',

  // Information to the relative
  informationHeading: 'Information till dig',
  informationNone: 'Ingen information är planerad till dig ännu.',
  informationHow: (how: string, howOften: string) => `${how}, ${howOften}`,
  informedHeading: 'När du fick information',
  informedBy: (name: string) => `av ${name}`,

  // Forms and errors
  errorSummaryTitle: 'Det finns ett problem',
  errorPrefix: 'Fel:',
  commentTooLong: (max: number, length: number) =>
    `Kommentaren får vara högst ${group(max, 'sv')} tecken. Den är nu ${group(length, 'sv')} tecken.`,
  commentControl: 'Kommentaren innehåller tecken som inte går att spara. Ta bort dem och försök igen.',
  commentRejected: 'Kommentaren gick inte att spara. Kontrollera längden och tecknen.',
};

export type Messages = typeof sv;

export const en: Messages = {
  loading: 'Loading …',
  loadingPlan: 'Loading the plan …',
  noPlans: 'You are not a relative in any coordinated individual plan (SIP) at the moment.',
  errorTitle: 'Something went wrong',
  tryAgain: 'Try again',
  errors: {
    config: 'The service is not set up correctly on this page. Contact whoever runs this website.',
    network: 'We cannot reach the service. Check your internet connection and try again.',
    timeout: 'The service is not answering right now. Try again in a while.',
    'not-found': 'The plan does not exist, or you no longer have access to it.',
    forbidden: 'You are not allowed to see this.',
    server: 'Something went wrong in the service. Try again in a while.',
    'bad-response': 'The service gave an answer we do not understand. Try again in a while.',
    conflict: 'It could not be saved because something has changed. We have loaded the latest.',
    validation: 'What you wrote could not be saved. Correct the error and try again.',
  },
  sessionExpiredTitle: 'You are signed out',
  sessionExpired: 'Your sign-in has expired. Sign in again to continue.',
  waitingForSignIn: 'Waiting for sign-in …',

  myPlans: 'My plans',
  plansCount: (n: number) =>
    n === 1 ? 'You are a relative in 1 coordinated individual plan (SIP).' : `You are a relative in ${n} coordinated individual plans (SIPs).`,
  sipMeans: 'SIP stands for coordinated individual plan: the plan in which the municipality and the region write down together what is to be done and who does it.',
  untitledPlan: 'Coordinated individual plan',
  planStatus: {
    draft: 'Draft',
    active: 'In force',
    followed_up: 'Followed up',
    consent_withdrawn: 'Paused: consent withdrawn',
    closed: 'Closed',
  },
  planStatusLabel: (status: string) => `Status: ${status}`,

  backToPlans: 'All my plans',
  print: 'Print',
  youAre: (name: string, relationship: string) => `You are ${name} (${relationship}).`,
  relationships: {
    SPS: 'spouse',
    HUSB: 'husband',
    WIFE: 'wife',
    DOMPART: 'partner',
    CHILD: 'child',
    DAU: 'daughter',
    SON: 'son',
    PRN: 'parent',
    MTH: 'mother',
    FTH: 'father',
    SIB: 'sibling',
    SIS: 'sister',
    BRO: 'brother',
    GRNDCHILD: 'grandchild',
    GRNDDAU: 'granddaughter',
    GRNDSON: 'grandson',
    FRND: 'friend',
    NBOR: 'neighbour',
  },

  contactHeading: 'Who to contact',
  coordinator: 'Coordinator of the plan',
  noCoordinator: 'The plan has no coordinator yet.',
  phone: 'Phone',
  phoneHours: 'Phone hours',
  someone: 'the person the plan is for',
  outOfHours: 'Out of office hours',
  outOfHoursGeneral: 'Call 1177 for health care advice, day and night. Call 112 in an emergency. Contact the coordinator on the next working day.',

  commitmentsHeading: 'Your commitments',
  commitmentsIntro:
    'You have been asked to do these things. It is voluntary. Nothing applies until you accept, and you can withdraw from a commitment whenever you want.',
  noCommitments: 'You have not been asked to take on any commitment.',
  childNoCommitments: 'Children are not asked to take on commitments. You can still get information and support.',
  howOften: 'How often',
  period: 'Period',
  periodFrom: (from: string) => `From ${from}`,
  periodFromUntil: (from: string, until: string) => `${from} – ${until}`,
  reviewDate: 'To be reviewed',
  statusLabel: 'Status',
  commitmentStatus: {
    requested: 'Waiting for your answer',
    accepted: 'You have accepted',
    declined: 'You have declined',
    withdrawn: 'You have withdrawn',
    cancelled: 'Cancelled by staff',
  },
  reconfirmDue: (date: string) => `Time to check: can you carry on with this? By ${date}.`,
  reconfirmFrom: (date: string) => `You will be asked again from ${date}.`,
  cancelledHelp: 'Staff have removed this commitment. You do not need to do anything. Questions? Contact the coordinator.',
  withdrawnHelp: (responsible: string | null) =>
    `${responsible ? `${responsible}, who is responsible for the plan,` : 'Whoever is responsible for the plan'} has been told and will plan again, so that the help still happens.`,
  accept: 'Accept',
  decline: 'Decline',
  withdraw: 'Withdraw',
  reconfirm: 'Yes, I will carry on',
  comment: 'Comment (optional)',
  commentHint: 'At most 2,000 characters. Staff working on the plan can read it.',
  history: 'Your answers so far',
  historyEntry: {
    requested: 'Staff asked you',
    accepted: 'You accepted',
    declined: 'You declined',
    withdrawn: 'You withdrew',
    cancelled: 'Staff cancelled the commitment',
    reconfirmed: 'You confirmed you will carry on',
  },
  nextReview: (date: string) => `next review ${date}`,

  withdrawTitle: 'Do you want to withdraw from this commitment?',
  withdrawBody: (responsible: string | null) =>
    `You will stop doing this. ${responsible ? `${responsible}, who is responsible for the plan,` : 'Whoever is responsible for the plan'} will be told and must plan again, so that the help happens in another way. You do not have to say why.`,
  withdrawComment: 'Do you want to say why? (optional)',
  withdrawConfirm: 'Yes, withdraw',
  withdrawCancel: 'No, carry on as before',

  declineTitle: 'Do you want to decline?',
  declineBody: (responsible: string | null) =>
    `It is quite all right to decline. ${responsible ? `${responsible}, who is responsible for the plan,` : 'Whoever is responsible for the plan'} will be told and will arrange the help another way. You can change your mind and accept as long as they have not planned anew.`,
  declineConfirm: 'Yes, decline',
  declineCancel: 'No, go back',
  declinedHelp: (responsible: string | null) =>
    `Changed your mind? You can accept as long as ${responsible ?? 'whoever is responsible for the plan'} has not planned anew.`,
  changeToAccept: 'Change my mind and accept',

  roleHeading: 'Your role as a relative',
  roleIntro: (responsible: string | null) =>
    `Being a relative in the plan is voluntary. If you no longer want a role in the plan, you can say so here. ${responsible ?? 'Whoever is responsible for the plan'} will then contact you to plan anew. What you have accepted stands until you have talked; if you want to stop something at once, you can withdraw from it above.`,
  leaveButton: 'I want to step out of my role',
  leaveTitle: 'Do you want to step out of your role in the plan?',
  leaveBody: (responsible: string | null) =>
    `${responsible ?? 'Whoever is responsible for the plan'} will be told and will contact you to plan anew, so that the help still happens. You do not need to say why.`,
  leaveConfirm: 'Yes, I want to step out',
  leaveCancel: 'No, go back',
  leaveAsked: (date: string) => `On ${date} you asked to step out of your role.`,
  leaveWaiting: (responsible: string | null) => `${responsible ?? 'Whoever is responsible for the plan'} will contact you.`,

  todo: {
    heading: 'To do',
    none: 'There is nothing for you to answer at the moment.',
    answer: 'Answer:',
    reconfirm: (date: string) => `Check by ${date}:`,
    home: 'Answer about your shared home',
  },

  receipt: {
    title: 'Receipt for your answer',
    answer: 'Your answer',
    comment: 'Your comment',
    at: 'Saved',
    reference: 'Reference',
    told: 'Has been told',
    coordinator: (name: string) => `the coordinator ${name}`,
    next: 'What happens now',
    keep: 'Keep the receipt. Give the reference if you want to ask about your answer.',
    print: 'Print the receipt',
    answers: {
      accepted: 'You accepted',
      declined: 'You declined',
      withdrawn: 'You withdrew from',
      reconfirmed: 'You will carry on with',
      'home-consent-yes': 'Yes, you agree that your shared home is used for care',
      'home-consent-no': 'No, you do not agree that your shared home is used for care',
      'contact-consultant': "You asked the relatives' consultant to contact you",
      'needs-assessment': 'You asked for an assessment of your own needs',
      'leave-role': 'You asked to step out of your role in the plan',
    },
    nextSteps: {
      accepted: 'The commitment applies now. You can withdraw whenever you want. Before the review you will be asked whether you want to carry on.',
      declined: (r: string) => `${r} will arrange the help another way. You can change your mind and accept as long as they have not planned anew.`,
      withdrawn: (r: string) => `${r} will plan again, so that the help happens another way. You do not need to do anything more.`,
      reconfirmed: 'You carry on as before. You will be asked again before the next review.',
      'home-consent-yes': 'Staff may give care in your home. You can change your answer whenever you want.',
      'home-consent-no': (r: string) => `${r} will plan how the care can be given without your home. You can change your answer whenever you want.`,
      'contact-consultant': "The relatives' consultant will contact you.",
      'needs-assessment': 'The municipality will contact you to assess what support you need.',
      'leave-role': (r: string) => `${r} will contact you to plan anew. What you have accepted stands until you have talked.`,
    },
    responsible: 'Whoever is responsible for the plan',
  },
  errorReference: (id: string) => `Give the reference ${id} if you contact us.`,
  help: 'Need help? Call',

  child: {
    heading: 'What is happening?',
    what: (who: string) =>
      `The municipality and the region are helping ${who}. The adults have written a plan together, so that the help works. You do not need to do anything.`,
    feelings: 'It is common to feel worried or sad when someone in the family needs help. You may talk to someone about it.',
    talkHeading: 'Who can you talk to?',
    counsellor: 'The school counsellor at your school',
    bris: 'BRIS, for you under 18. Call or chat:',
    umo: 'UMO, for you aged 13 to 25:',
    coordinator: (name: string) => `${name}, who coordinates the plan`,
  },

  saving: 'Saving …',
  saved: (time: string) => `Saved ${time}.`,
  notSaved: 'Not saved.',
  unknown: 'We do not know whether your answer was saved.',
  outcomeHelp: {
    network: 'We could not reach the service. Check your internet connection and try again.',
    session: 'Your sign-in has expired. Sign in again, then press Try again.',
    server: 'Something went wrong in the service. Try again in a while.',
    unknown: 'The service did not answer in time. Try again – if your answer was already saved, it will not be saved twice.',
    conflict: 'Something has changed since you opened the plan, for example by staff. We have loaded the latest.',
    validation: 'What you wrote could not be saved. Correct the error and try again.',
  },
  retrySafe: 'It is safe to try again: your answer is only saved once.',
  announce: {
    accepted: (what: string) => `Saved. You have accepted: ${what}.`,
    declined: (what: string) => `Saved. You have declined: ${what}.`,
    withdrawn: (what: string) => `Saved. You have withdrawn from: ${what}.`,
    reconfirmed: (what: string) => `Saved. You will carry on with: ${what}.`,
    homeConsent: 'Saved. Your answer about the home is recorded.',
    request: 'Saved. Your request has been sent.',
    notSaved: 'Not saved.',
    unknown: 'We do not know whether your answer was saved.',
    planOpened: (title: string) => `${title} is open.`,
  },

  homeHeading: 'Your shared home',
  homeIntro: (who: string) =>
    `You live with ${who}. When care is given at home, your shared home becomes a workplace for staff. That needs your consent.`,
  homeMeans: [
    'Yes means that staff come to your home, for example to help with meals, washing or medicines. They may need to set up an aid, for example a bed.',
    'No means that staff do not work in your home. The care is then planned another way, and whoever is responsible for the plan talks with you about how.',
    'You can change your answer whenever you want, here or through the coordinator.',
  ],
  homeQuestion: 'Do you agree that your shared home is used for care?',
  homeYes: 'Yes, I agree',
  homeNo: 'No, I do not agree',
  homeSave: 'Save my answer',
  homeCurrentYes: (date: string) => `You agreed on ${date}.`,
  homeCurrentNo: (date: string) => `You did not agree on ${date}.`,
  homeNotAnswered: 'You have not answered yet.',
  homeChoose: 'Choose yes or no',
  homeHistory: 'Your answers about the home',
  homeHistoryYes: 'Yes',
  homeHistoryNo: 'No',

  supportHeading: 'Support for you as a relative',
  supportIntro: 'The municipality must offer support to you who help someone close to you.',
  supportOffered: 'Support you have been offered',
  supportOffers: {
    conversation: 'Someone to talk to',
    respite: 'Respite, so that you get time for yourself',
    groups: 'Meetings with other relatives',
    training: 'Training for relatives',
  },
  supportNoneOffered: 'No support has been offered yet.',
  myRequests: 'What you have asked for',
  requestKinds: {
    'contact-consultant': "For the relatives' consultant to contact you",
    'needs-assessment': 'An assessment of your own needs',
  },
  requestAsked: (date: string) => `You asked on ${date}.`,
  requestHandled: (date: string) => `Done on ${date}.`,
  requestOpen: 'Not done yet.',
  requestButtons: {
    'contact-consultant': "Ask the relatives' consultant to contact me",
    'needs-assessment': 'Ask for an assessment of my own needs',
  },
  requestNote: 'Anything you want to add? (optional)',

  sharedHeading: 'What you can see of the plan',
  sharedUntil: (date: string, who: string) => `${cap(who)} has agreed that you can see this, until ${date}.`,
  sharedOpen: (who: string) => `${cap(who)} has agreed that you can see this.`,
  nothingShared: (who: string) => `${cap(who)} does not share anything of the plan with you at the moment. You only see what concerns you.`,
  consentWithdrawn: (who: string) =>
    `${cap(who)} has withdrawn their consent to the plan. Your own part still stands: your commitments and answers, what you are told and your support.`,
  goals: 'Goals',
  individualGoals: (who: string) => `What matters most to ${who}`,
  professionalGoals: (organisation: string) => `Goals of ${organisation}`,
  whoDoesWhat: 'Who does what',
  principal: {
    region: 'The region (health care)',
    municipality: 'The municipality (social services and care)',
  },
  interventionStatus: {
    planned: 'Planned',
    decided: 'Decided',
  },
  performedBy: 'Who',
  when: 'When',
  contacts: 'Contact people',
  followUp: 'Next follow-up',
  followUpNone: 'No follow-up has been set yet.',
  followUpPassed: 'Follow-up',
  followUpWas: (date: string) => `The follow-up was planned for ${date}. The coordinator will be in touch about a new time.`,
  needs: 'Needs',
  meetings: 'Meetings',
  none: 'Nothing yet.',

  informationHeading: 'Information for you',
  informationNone: 'No information is planned for you yet.',
  informationHow: (how: string, howOften: string) => `${how}, ${howOften}`,
  informedHeading: 'When you were informed',
  informedBy: (name: string) => `by ${name}`,

  errorSummaryTitle: 'There is a problem',
  errorPrefix: 'Error:',
  commentTooLong: (max: number, length: number) =>
    `Your comment must be ${group(max, 'en')} characters or fewer. It is now ${group(length, 'en')} characters.`,
  commentControl: 'Your comment contains characters that cannot be saved. Remove them and try again.',
  commentRejected: 'Your comment could not be saved. Check its length and characters.',
};

export const dictionaries: Record<Lang, Messages> = { sv, en };

/** The first non-empty `lang` on the element or its ancestors, across shadow roots; then the document's. */
export function inheritedLang(element: Element): string {
  let node: Element | null = element;
  while (node) {
    const found = node.closest('[lang]:not([lang=""])');
    if (found) return found.getAttribute('lang') ?? '';
    const root = node.getRootNode();
    node = root instanceof ShadowRoot ? root.host : null;
  }
  return element.ownerDocument?.documentElement.lang ?? '';
}

/** A language tag reduced to the languages the widget speaks (Swedish unless English). */
export function resolveLang(tag: string | null | undefined): { lang: Lang; locale: string } {
  const value = (tag ?? '').trim();
  const primary = value.toLowerCase().split('-')[0];
  if (primary === 'en') return { lang: 'en', locale: value.includes('-') ? value : 'en-GB' };
  if (primary === 'sv') return { lang: 'sv', locale: value.includes('-') ? value : 'sv-SE' };
  return { lang: 'sv', locale: 'sv-SE' };
}

/** Elements whose language follows the page: told when any `lang` attribute in the document changes. */
const listeners = new Set<ReactiveControllerHost>();
let observer: MutationObserver | undefined;

function watchDocumentLang(host: ReactiveControllerHost, doc: Document) {
  listeners.add(host);
  if (!observer) {
    observer = new MutationObserver(() => listeners.forEach((h) => h.requestUpdate()));
    observer.observe(doc.documentElement, { attributes: true, attributeFilter: ['lang'], subtree: true });
  }
}

function unwatchDocumentLang(host: ReactiveControllerHost) {
  listeners.delete(host);
  if (listeners.size === 0) {
    observer?.disconnect();
    observer = undefined;
  }
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The language of one element, its messages, and date formatting in that language. The
 * language is looked up again before every update, so changing `lang` anywhere takes effect.
 */
export class LocaleController implements ReactiveController {
  lang: Lang = 'sv';
  locale = 'sv-SE';
  t: Messages = sv;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  hostConnected() {
    watchDocumentLang(this.host, this.host.ownerDocument);
    this.#resolve();
  }

  hostDisconnected() {
    unwatchDocumentLang(this.host);
  }

  hostUpdate() {
    this.#resolve();
  }

  #resolve() {
    const { lang, locale } = resolveLang(inheritedLang(this.host));
    this.lang = lang;
    this.locale = locale;
    this.t = dictionaries[lang];
  }

  /** A calendar date (`YYYY-MM-DD`) or a moment, as a date: "3 mars 2026". */
  date(value: string): string {
    const date = DATE_ONLY.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(value);
    if (Number.isNaN(date.getTime())) return value;
    return new Intl.DateTimeFormat(this.locale, {
      dateStyle: 'long',
      ...(DATE_ONLY.test(value) ? { timeZone: 'UTC' } : {}),
    }).format(date);
  }

  /** A moment, as date and time in the reader's time zone. */
  dateTime(value: string): string {
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) return value;
    return new Intl.DateTimeFormat(this.locale, { dateStyle: 'long', timeStyle: 'short' }).format(date);
  }

  /** A moment in full, as a receipt gives it: "torsdag 3 december 2026 kl. 09:03". */
  fullDateTime(value: string): string {
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) return value;
    return new Intl.DateTimeFormat(this.locale, { dateStyle: 'full', timeStyle: 'short' }).format(date);
  }

  /** "a, b och c". */
  list(items: string[]): string {
    return new Intl.ListFormat(this.locale, { type: 'conjunction' }).format(items);
  }

  /** A moment, as a time of day. */
  time(value: Date): string {
    return new Intl.DateTimeFormat(this.locale, { timeStyle: 'short' }).format(value);
  }
}
