/**
 * The texts both citizen elements show alike (see `sv.ts`), in easy-to-read Swedish. Here the
 * elements word more of them their own way, for the person the plan is about or for a relative
 * (who to contact, the follow-up, a conflict when saving), so fewer are shared than in the other
 * languages; those stay in each element's module.
 */
import { relationships, type Common } from './sv.ts';

/** The messages each element words its own way in easy-to-read Swedish. */
type Own = 'contactHeading' | 'noCoordinator' | 'outOfHoursGeneral' | 'saving' | 'principal' | 'followUp' | 'followUpNone' | 'followUpPassed' | 'followUpWas' | 'errorSummaryTitle';

/**
 * The messages both elements' dictionaries have, with the same keys and the same words; of the
 * errors, each words a conflict its own way.
 */
export const common: Omit<Common, Own | 'errors'> & { errors: Omit<Common['errors'], 'conflict'> } = {
  loading: 'Vänta lite …',
  errorTitle: 'Det blev fel',
  tryAgain: 'Försök igen',
  errors: {
    config: 'Den här sidan fungerar inte som den ska. Hör av dig till dem som har hand om webbplatsen.',
    network: 'Vi når inte tjänsten. Kolla att du är ansluten till internet. Försök sedan igen.',
    timeout: 'Tjänsten svarar inte nu. Försök igen om en stund.',
    'not-found': 'Vi hittar inte planen. Eller så får du inte se den längre.',
    forbidden: 'Du får inte se det här.',
    server: 'Det blev fel i tjänsten. Försök igen om en stund.',
    'bad-response': 'Tjänsten svarade något konstigt. Försök igen om en stund.',
    validation: 'Det du skrev gick inte att spara. Ändra det och försök igen.',
  },
  sessionExpiredTitle: 'Du är utloggad',
  sessionExpired: 'Du har varit inloggad för länge. Logga in igen.',
  waitingForSignIn: 'Vi väntar på att du loggar in …',
  myPlans: 'Mina planer',
  untitledPlan: 'Samordnad individuell plan',
  planStatusLabel: (status: string) => `Läge: ${status}`,
  backToPlans: 'Alla mina planer',
  relationships,
  phone: 'Telefon',
  outOfHours: 'På kvällar och helger',
  periodFrom: (from: string) => `Från ${from}`,
  periodFromUntil: (from: string, until: string) => `${from} – ${until}`,
  statusLabel: 'Läge',
  whoDoesWhat: 'Vem gör vad',
  performedBy: 'Vem',
  when: 'När',
  meetings: 'Möten',
  none: 'Inget än.',
  errorPrefix: 'Fel:',
};
