/**
 * The Swedish texts both citizen elements show alike: the relatives' widget's dictionary
 * (`../../i18n.ts`) and the individual's view's (`../../individual/i18n.ts`) take them from here.
 * A text either element words its own way (for the person the plan is about, or for a relative)
 * stays in that element's dictionary. Every other language has a module like this one beside it
 * (`<tag>.ts`, typed by `Common`), which that language's modules of both elements bring in; their
 * builds inline it, so each built language module still imports nothing.
 */

type Principal = 'region' | 'municipality';
type ErrorCode = 'config' | 'network' | 'timeout' | 'not-found' | 'forbidden' | 'conflict' | 'validation' | 'server' | 'bad-response';

/** What a relative is to the individual, by its v3-RoleCode. */
export const relationships: Record<string, string> = {
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
};

/** The messages both elements' dictionaries have, with the same keys and the same words. */
export const common = {
  loading: 'Hämtar …',
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
  waitingForSignIn: 'Väntar på inloggning …',
  myPlans: 'Mina planer',
  untitledPlan: 'Samordnad individuell plan',
  planStatusLabel: (status: string) => `Status: ${status}`,
  backToPlans: 'Alla mina planer',
  relationships,
  contactHeading: 'Hit vänder du dig',
  noCoordinator: 'Planen har ingen samordnare ännu.',
  phone: 'Telefon',
  outOfHours: 'Utanför kontorstid',
  outOfHoursGeneral: 'Ring 1177 för råd om vård, dygnet runt. Ring 112 om det är akut. Kontakta samordnaren nästa vardag.',
  periodFrom: (from: string) => `Från ${from}`,
  periodFromUntil: (from: string, until: string) => `${from} – ${until}`,
  statusLabel: 'Status',
  saving: 'Sparar …',
  whoDoesWhat: 'Vem gör vad',
  principal: {
    region: 'Regionen (hälso- och sjukvård)',
    municipality: 'Kommunen (socialtjänst och omsorg)',
  } satisfies Record<Principal, string>,
  performedBy: 'Vem',
  when: 'När',
  followUp: 'Nästa uppföljning',
  followUpNone: 'Ingen uppföljning är bestämd ännu.',
  followUpPassed: 'Uppföljning',
  followUpWas: (date: string) => `Uppföljningen var planerad till ${date}. Samordnaren hör av sig om en ny tid.`,
  meetings: 'Möten',
  none: 'Inget ännu.',
  errorSummaryTitle: 'Det finns ett problem',
  errorPrefix: 'Fel:',
};

/** The shape of the shared texts, which every language's module of them has. */
export type Common = typeof common;
