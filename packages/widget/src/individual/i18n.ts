/**
 * The texts of `<sip-individual-view>`, for the person the plan is about: plain Swedish an older
 * reader understands, and English. Each function gives a whole sentence, so no language's word
 * order is forced on another.
 */
import type { ReactiveControllerHost } from 'lit';
import { Localization, type Lang } from '../locale.ts';

type PlanStatus = 'draft' | 'active' | 'followed_up' | 'consent_withdrawn' | 'closed';
type Principal = 'region' | 'municipality';
type Category = 'goals' | 'needs' | 'interventions' | 'health-interventions' | 'social-interventions' | 'contacts' | 'meetings' | 'follow-up';
type ConsentState = 'none' | 'refused' | 'in-force' | 'expired' | 'withdrawn';
type AccessWho = 'staff' | 'auditor' | 'relative' | 'me' | 'service';
type AccessWhat = 'plan' | 'plan-list' | 'history' | 'live-changes' | 'relatives' | 'consent' | 'plan-change' | 'access-log' | 'work-list';
type ErrorCode = 'config' | 'network' | 'timeout' | 'not-found' | 'forbidden' | 'conflict' | 'validation' | 'server' | 'bad-response';

export const sv = {
  loading: 'Hämtar …',
  loadingPlan: 'Hämtar din plan …',
  waitingForSignIn: 'Väntar på inloggning …',
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
  } satisfies Record<ErrorCode, string>,
  sessionExpiredTitle: 'Du är utloggad',
  sessionExpired: 'Din inloggning har gått ut. Logga in igen för att fortsätta.',

  // The list
  myPlans: 'Mina planer',
  noPlans: 'Du har ingen samordnad individuell plan (SIP) just nu.',
  plansCount: (n: number) => (n === 1 ? 'Du har 1 samordnad individuell plan (SIP).' : `Du har ${n} samordnade individuella planer (SIP).`),
  untitledPlan: 'Samordnad individuell plan',
  planStatus: {
    draft: 'Utkast, planen är inte klar ännu',
    active: 'Gäller',
    followed_up: 'Uppföljd',
    consent_withdrawn: 'Pausad sedan samtycket togs tillbaka',
    closed: 'Avslutad',
  } satisfies Record<PlanStatus, string>,
  planStatusLabel: (status: string) => `Status: ${status}`,
  backToPlans: 'Alla mina planer',
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
  contactHeading: 'Hit vänder du dig',
  coordinator: 'Din samordnare',
  noCoordinator: 'Planen har ingen samordnare ännu.',
  phone: 'Telefon',
  contacts: 'Dina kontaktpersoner',
  outOfHours: 'Utanför kontorstid',
  outOfHoursGeneral: 'Ring 1177 för råd om vård, dygnet runt. Ring 112 om det är akut. Kontakta samordnaren nästa vardag.',

  // The plan
  planHeading: 'Din plan',
  needs: 'Det här behöver du hjälp med',
  goalsOf: (organisation: string) => `Mål som ${organisation} har skrivit`,
  whoDoesWhat: 'Vem gör vad',
  partOf: (organisation: string) => `Det här gör ${organisation}`,
  principal: {
    region: 'Regionen (hälso- och sjukvård)',
    municipality: 'Kommunen (socialtjänst och omsorg)',
  } satisfies Record<Principal, string>,
  interventionStatus: { planned: 'Planerat', decided: 'Beslutat' } as Record<string, string>,
  performedBy: 'Vem',
  when: 'När',
  statusLabel: 'Status',
  periodFrom: (from: string) => `Från ${from}`,
  periodFromUntil: (from: string, until: string) => `${from} – ${until}`,
  othersDo: 'Det här gör andra',
  meetings: 'Möten',
  followUp: 'Nästa uppföljning',
  followUpNone: 'Ingen uppföljning är bestämd ännu.',
  followUpPassed: 'Uppföljning',
  followUpWas: (date: string) => `Uppföljningen var planerad till ${date}. Samordnaren hör av sig om en ny tid.`,
  none: 'Inget ännu.',

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
  saving: 'Sparar …',
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
  errorSummaryTitle: 'Det finns ett problem',
  errorPrefix: 'Fel:',

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

export const en: Messages = {
  loading: 'Loading …',
  loadingPlan: 'Loading your plan …',
  waitingForSignIn: 'Waiting for sign-in …',
  errorTitle: 'Something went wrong',
  tryAgain: 'Try again',
  errors: {
    config: 'The service is not set up correctly on this page. Contact whoever runs the website.',
    network: 'We cannot reach the service. Check your internet connection and try again.',
    timeout: 'The service is not answering right now. Try again in a while.',
    'not-found': 'The plan does not exist, or you no longer have access to it.',
    forbidden: 'You are not allowed to see this.',
    server: 'Something went wrong in the service. Try again in a while.',
    'bad-response': 'The service gave an answer we do not understand. Try again in a while.',
    conflict: 'This could not be saved because something has changed. We have loaded the latest.',
    validation: 'What you wrote could not be saved. Correct the error and try again.',
  },
  sessionExpiredTitle: 'You are signed out',
  sessionExpired: 'Your sign-in has expired. Sign in again to continue.',

  myPlans: 'My plans',
  noPlans: 'You do not have a coordinated individual plan (SIP) at the moment.',
  plansCount: (n: number) => (n === 1 ? 'You have 1 coordinated individual plan (SIP).' : `You have ${n} coordinated individual plans (SIP).`),
  untitledPlan: 'Coordinated individual plan',
  planStatus: {
    draft: 'Draft, the plan is not ready yet',
    active: 'In force',
    followed_up: 'Followed up',
    consent_withdrawn: 'Paused since the consent was withdrawn',
    closed: 'Closed',
  },
  planStatusLabel: (status: string) => `Status: ${status}`,
  backToPlans: 'All my plans',
  sipMeans:
    'SIP means coordinated individual plan. It is your plan, where the municipality and the region write down with you what is to be done and who does it.',
  noProxy:
    'Only you can change your consent and what you have written here. A relative cannot do it for you in this service, even if you have let them see the plan.',

  ownHeading: 'This is important to me',
  ownIntro: 'Here you write in your own words what is important to you and what you do yourself. Staff see it in the plan.',
  ownGoals: 'This is important to me',
  ownActions: 'This is what I do myself',
  ownHint: 'Write one thing per line.',
  ownSave: 'Save what I have written',
  ownTooLong: (max: number) => `A line can be at most ${max.toLocaleString('en-GB')} characters long. Shorten the long line.`,
  ownTooMany: (max: number) => `You can write at most ${max} lines. Remove some lines.`,
  ownControl: 'The text contains characters that cannot be saved. Remove them and try again.',
  ownConflictTitle: 'The plan changed while you were writing',
  ownConflict:
    'Someone else has saved a new version of the plan. This is what the plan says now. What you wrote is still in the boxes and has not been saved. Save again if what you wrote should apply.',
  ownNow: 'In the plan now',

  contactHeading: 'Who to contact',
  coordinator: 'Your coordinator',
  noCoordinator: 'The plan has no coordinator yet.',
  phone: 'Phone',
  contacts: 'Your contact people',
  outOfHours: 'Outside office hours',
  outOfHoursGeneral: 'Call 1177 for health care advice, day and night. Call 112 in an emergency. Contact the coordinator on the next working day.',

  planHeading: 'Your plan',
  needs: 'What you need help with',
  goalsOf: (organisation: string) => `Goals written by ${organisation}`,
  whoDoesWhat: 'Who does what',
  partOf: (organisation: string) => `What ${organisation} does`,
  principal: {
    region: 'The region (health care)',
    municipality: 'The municipality (social services and care)',
  },
  interventionStatus: { planned: 'Planned', decided: 'Decided' },
  performedBy: 'Who',
  when: 'When',
  statusLabel: 'Status',
  periodFrom: (from: string) => `From ${from}`,
  periodFromUntil: (from: string, until: string) => `${from} – ${until}`,
  othersDo: 'What others do',
  meetings: 'Meetings',
  followUp: 'Next follow-up',
  followUpNone: 'No follow-up has been set yet.',
  followUpPassed: 'Follow-up',
  followUpWas: (date: string) => `The follow-up was planned for ${date}. The coordinator will be in touch about a new time.`,
  none: 'Nothing yet.',

  consentHeading: 'Your consent to the plan',
  consentIntro:
    'The municipality and the region may only share information about you with each other if you say yes. You decide what they may share. You can change it or withdraw it whenever you like, and it applies at once.',
  consentState: {
    none: 'You have not given consent yet.',
    refused: 'You have said no to sharing information.',
    'in-force': 'You have said yes to sharing information.',
    expired: 'Your consent has expired. Nothing is shared now.',
    withdrawn: 'You have withdrawn your consent. Nothing is shared now.',
  },
  consentWhat: 'What may be shared',
  consentWho: 'Between',
  consentUntil: 'Valid until',
  consentUntilOpen: 'Until you say otherwise',
  consentExcluded: 'This may not be shared',
  consentGivenOn: (date: string) => `Last changed ${date}.`,
  consentFormLegend: 'What may the municipality and the region share with each other?',
  consentFormHint: 'Tick what may be shared. What you do not tick stays with whoever wrote it.',
  untilLabel: 'Last day (optional)',
  untilHint: 'Write the date as year-month-day, for example 2027-06-30. Leave it empty for it to apply until you change it.',
  untilInvalid: 'Write a date as year-month-day, for example 2027-06-30, that has not passed.',
  chooseOne: 'Tick at least one thing. If you do not want to share anything, withdraw your consent instead.',
  consentGive: 'Yes, I consent',
  consentSave: 'Save the change',
  consentWithdraw: 'Withdraw my consent',
  childConsent: 'You are under 18. Your guardians have consented to the plan. You can withdraw the consent yourself, but not give a new one. Talk to your coordinator if you want to change something.',
  childNoConsent: 'You are under 18. Then your guardians consent to the plan. Talk to your coordinator if you have questions.',
  category: {
    goals: 'Goals',
    needs: 'Needs',
    interventions: 'Interventions from both the municipality and the region',
    'health-interventions': 'Care from the region',
    'social-interventions': 'Support and care from the municipality',
    contacts: 'Contact people',
    meetings: 'Meetings',
    'follow-up': 'Follow-up',
  },

  relativesHeading: 'What your relatives may see',
  relativesIntro: 'You decide what each relative may see of the plan. A change applies at once, the next time they look.',
  noRelatives: 'There are no relatives in the plan.',
  relativeOf: (name: string, relationship: string) => `${name} (${relationship})`,
  sharesNothing: (name: string) => `${name} may not see anything of the plan.`,
  sharesUntil: (date: string) => `Until ${date}.`,
  sharesOpen: 'Until you change it.',
  sharingLegend: (name: string) => `What may ${name} see?`,
  sharingSave: (name: string) => `Save what ${name} may see`,
  seesNow: (name: string) => `This is what ${name} sees now`,
  sharingNeedsConsent: 'What you have chosen applies again when you consent to the plan.',
  sharingAfterConsent: 'You can choose what your relatives may see once you have consented to the plan again.',
  sharingStop: (name: string) => `Stop sharing with ${name}`,

  withdrawConsentTitle: 'Do you want to withdraw your consent?',
  withdrawConsentBody:
    'The municipality and the region may then no longer share information about you with each other, and your relatives do not see the plan. The plan is paused. Your coordinator is told. You can consent again later.',
  withdrawConsentConfirm: 'Yes, withdraw my consent',
  stopSharingTitle: (name: string) => `Do you want to stop sharing the plan with ${name}?`,
  stopSharingBody: (name: string) => `${name} will then see nothing of the plan from now on. You can share again later.`,
  stopSharingConfirm: 'Yes, stop sharing',
  cancel: 'No, leave it as it is',

  saving: 'Saving …',
  receiptTitle: 'Done. This is what you did',
  receiptPlan: 'The plan',
  receiptWhat: 'What',
  receiptWhen: 'When',
  receiptReference: 'Reference',
  receiptNext: 'What happens now',
  receipt: {
    consentGiven: 'You said yes to sharing information, as you ticked.',
    consentChanged: 'You changed what may be shared.',
    consentWithdrawn: 'You withdrew your consent.',
    sharingChanged: (name: string) => `You changed what ${name} may see.`,
    sharingStopped: (name: string) => `You stopped sharing the plan with ${name}.`,
    ownSaved: 'You saved what you have written.',
  },
  next: {
    consent: 'It applies from now on. Your coordinator sees the change in the plan.',
    consentPaused: 'It applies from now on. The plan is paused until your coordinator has started it again.',
    consentWithdrawn: 'It applies from now on. The plan is paused, and your coordinator is told and will be in touch.',
    sharing: (name: string) => `It applies from now on. The next time ${name} looks at the plan, they see only what you have chosen.`,
    own: 'Staff see what you wrote in the plan.',
  },
  print: 'Print the receipt',
  notSaved: 'It was not saved',
  unknown: 'We do not know whether it was saved',
  outcomeHelp: {
    network: 'We could not reach the service.',
    session: 'Your sign-in has expired.',
    server: 'Something went wrong in the service.',
    conflict: 'The plan has changed since you opened it. We have loaded the latest. Look at it and try again.',
    validation: 'The service did not accept what you sent.',
    unknown: 'The service did not answer in time. It may have been saved all the same.',
  },
  retrySafe: 'You can try again. It will not be saved twice.',
  errorSummaryTitle: 'There is a problem',
  errorPrefix: 'Error:',

  logHeading: 'Who has read my plan',
  logIntro:
    'By law you have the right to know who has read or changed information about you. Here you see which organisation and which professional role, when and what.',
  logShow: 'Show who has read my plan',
  logRefresh: 'Load the list again',
  logLoading: 'Loading the list …',
  logEmpty: 'Nobody has read or changed the plan yet.',
  logCount: (shown: number, total: number) => (shown === total ? `${total} times.` : `The latest ${shown} of ${total} times.`),
  logRole: {
    staff: 'staff',
    auditor: 'the person who checks who has read information',
    relative: 'a relative',
    me: 'You yourself',
    service: 'The service itself',
  },
  logWhoText: (organisation: string, role: string) => `${organisation} (${role})`,
  logRelative: (name: string) => `${name} (relative)`,
  logSomeRelative: 'A relative',
  logWhat: {
    plan: { read: 'read the plan', change: 'changed the plan' },
    'plan-list': { read: 'saw that the plan exists', change: 'changed the list of plans' },
    history: { read: 'read earlier versions of the plan', change: 'changed earlier versions of the plan' },
    'live-changes': { read: 'followed changes to the plan while it was open', change: 'changed the plan' },
    relatives: { read: 'read what concerns relatives', change: 'changed what concerns relatives' },
    consent: { read: 'read the consent', change: 'changed the consent' },
    'plan-change': { read: 'read a change to the plan', change: 'changed the plan' },
    'access-log': { read: 'read the list of who has read the plan', change: 'changed the list of who has read the plan' },
    'work-list': { read: 'read a work list the plan is on', change: 'put a task about the plan on a work list' },
  },
  logUnknownOrganisation: 'An organisation',

  announce: {
    planOpened: (title: string) => `${title} is open.`,
    saved: 'Saved.',
    notSaved: 'It was not saved.',
    unknown: 'We do not know whether it was saved.',
    conflict: 'The plan has changed. What you wrote is still there.',
    logLoaded: (n: number) => (n === 1 ? '1 line in the list.' : `${n} lines in the list.`),
  },
};

export const dictionaries: Record<Lang, Messages> = { sv, en };

/** The individual's view's language and its messages in it. */
export class IndividualLocale extends Localization<Messages> {
  constructor(host: ReactiveControllerHost & HTMLElement) {
    super(host, dictionaries);
  }
}
