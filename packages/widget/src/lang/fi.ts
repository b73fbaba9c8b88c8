/** Suomi (Finnish), a national minority language in Sweden. */
import type { Messages } from '../i18n.ts';
import { common } from './common/fi.ts';

/** A sentence that starts with a name: its first letter upper-case. */
const cap = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const group = (n: number) => new Intl.NumberFormat('fi-FI').format(n);
/** The responsible organisation as the subject of a sentence, or who it is when it has no name. */
const who = (responsible: string | null) => (responsible ? `${responsible}, joka vastaa suunnitelmasta,` : 'Suunnitelmasta vastaava taho');
const whoShort = (responsible: string | null) => responsible ?? 'suunnitelmasta vastaava taho';

const fi: Messages = {
  // The texts both citizen elements show alike (`lang/common/<tag>.ts`).
  ...common,
  loadingPlan: 'Haetaan suunnitelmaa …',
  noPlans: 'Et ole tällä hetkellä omaisena missään yhteensovitetussa yksilöllisessä suunnitelmassa (SIP).',

  plansCount: (n: number) =>
    n === 1
      ? 'Olet omaisena yhdessä yhteensovitetussa yksilöllisessä suunnitelmassa (SIP).'
      : `Olet omaisena ${n} yhteensovitetussa yksilöllisessä suunnitelmassa (SIP).`,
  sipMeans:
    'SIP tarkoittaa yhteensovitettua yksilöllistä suunnitelmaa (ruotsiksi samordnad individuell plan). Siihen kunta ja alue kirjaavat yhdessä, mitä tehdään ja kuka sen tekee.',
  planStatus: {
    draft: 'Luonnos',
    active: 'Voimassa',
    followed_up: 'Seurattu',
    consent_withdrawn: 'Keskeytetty: suostumus on peruttu',
    closed: 'Päättynyt',
  },

  print: 'Tulosta',
  youAre: (name: string, relationship: string) => `Olet ${name} (${relationship}).`,

  coordinator: 'Suunnitelman koordinaattori',

  commitmentsHeading: 'Sitoumuksesi',
  commitmentsIntro:
    'Sinulta on kysytty, haluatko tehdä nämä asiat. Se on vapaaehtoista. Mikään ei ole voimassa ennen kuin olet suostunut, ja voit lopettaa sitoumuksen milloin haluat.',
  noCommitments: 'Sinulta ei ole pyydetty mitään sitoumusta.',
  childNoCommitments: 'Lapsilta ei pyydetä sitoumuksia. Voit silti saada tietoa ja tukea.',
  commitmentKind: 'Avun laji',
  commitmentKinds: {
    'personal-care': 'Henkilökohtainen hoiva',
    household: 'Kotityöt ja käytännön apu',
    accompanying: 'Saattaminen ja matkat',
    supervision: 'Valvonta ja seuranpito',
    contacts: 'Yhteydenpito hoitoon ja viranomaisiin',
    finances: 'Raha-asiat ja asioiden hoito',
    other: 'Muu apu',
  },
  howOften: 'Kuinka usein',
  period: 'Aika',
  reviewDate: 'Tarkistetaan',
  commitmentStatus: {
    requested: 'Odottaa vastaustasi',
    accepted: 'Olet suostunut',
    declined: 'Olet kieltäytynyt',
    withdrawn: 'Olet lopettanut sitoumuksen',
    cancelled: 'Henkilökunta on perunut sen',
  },
  reconfirmDue: (date: string) => `On aika tarkistaa: voitko jatkaa tätä? Vastaa viimeistään ${date}.`,
  reconfirmFrom: (date: string) => `Sinulta kysytään uudelleen ${date} alkaen.`,
  cancelledHelp: 'Henkilökunta on poistanut tämän sitoumuksen. Sinun ei tarvitse tehdä mitään. Onko sinulla kysyttävää? Ota yhteyttä koordinaattoriin.',
  withdrawnHelp: (responsible: string | null) =>
    `${who(responsible)} on saanut tiedon ja suunnittelee asian uudelleen, jotta apu järjestyy silti.`,
  accept: 'Suostun',
  decline: 'Kieltäydyn',
  withdraw: 'Lopeta sitoumus',
  reconfirm: 'Kyllä, jatkan',
  comment: 'Kommentti (vapaaehtoinen)',
  commentHint: 'Enintään 2 000 merkkiä. Suunnitelman parissa työskentelevä henkilökunta voi lukea sen.',
  history: 'Tähänastiset vastauksesi',
  historyEntry: {
    requested: 'Henkilökunta kysyi sinulta',
    accepted: 'Suostuit',
    declined: 'Kieltäydyit',
    withdrawn: 'Lopetit sitoumuksen',
    cancelled: 'Henkilökunta perui sitoumuksen',
    reconfirmed: 'Vahvistit, että jatkat',
  },
  nextReview: (date: string) => `seuraava tarkistus ${date}`,

  withdrawTitle: 'Haluatko lopettaa sitoumuksen?',
  withdrawBody: (responsible: string | null) =>
    `Lopetat silloin tämän. ${who(responsible)} saa tiedon ja suunnittelee asian uudelleen, jotta apu järjestyy toisella tavalla. Sinun ei tarvitse kertoa syytä.`,
  withdrawComment: 'Haluatko kertoa syyn? (vapaaehtoinen)',
  withdrawConfirm: 'Kyllä, lopeta sitoumus',
  withdrawCancel: 'Ei, jatkan kuten ennenkin',

  declineTitle: 'Haluatko kieltäytyä?',
  declineBody: (responsible: string | null) =>
    `On täysin hyväksyttävää kieltäytyä. ${who(responsible)} saa tiedon ja järjestää avun toisella tavalla. Voit muuttaa mielesi ja suostua niin kauan kuin asiaa ei ole suunniteltu uudelleen.`,
  declineConfirm: 'Kyllä, kieltäydyn',
  declineCancel: 'Ei, palaa takaisin',
  declinedHelp: (responsible: string | null) =>
    `Muutitko mielesi? Voit suostua niin kauan kuin ${whoShort(responsible)} ei ole suunnitellut asiaa uudelleen.`,
  changeToAccept: 'Muutan mieleni ja suostun',

  roleHeading: 'Roolisi omaisena',
  roleIntro: (responsible: string | null) =>
    `Omaisena mukana oleminen on vapaaehtoista. Jos et enää halua olla mukana suunnitelmassa, voit kertoa sen tässä. ${who(responsible)} ottaa silloin sinuun yhteyttä suunnitellakseen asiat uudelleen. Se, mihin olet suostunut, on voimassa, kunnes olette puhuneet. Jos haluat lopettaa jonkin asian heti, voit lopettaa sen yllä.`,
  leaveButton: 'Haluan luopua roolistani',
  leaveTitle: 'Haluatko luopua roolistasi suunnitelmassa?',
  leaveBody: (responsible: string | null) =>
    `${who(responsible)} saa tiedon ja ottaa sinuun yhteyttä suunnitellakseen asiat uudelleen, jotta apu järjestyy silti. Sinun ei tarvitse kertoa syytä.`,
  leaveConfirm: 'Kyllä, haluan luopua roolistani',
  leaveCancel: 'Ei, palaa takaisin',
  leaveAsked: (date: string) => `Pyysit ${date}, että saisit luopua roolistasi.`,
  leaveWaiting: (responsible: string | null) =>
    responsible ? `${responsible} ottaa sinuun yhteyttä.` : 'Suunnitelmasta vastaava taho ottaa sinuun yhteyttä.',

  phoneHours: 'Puhelinaika',
  someone: 'läheisesi',
  todo: {
    heading: 'Tehtävät',
    none: 'Sinun ei tarvitse vastata mihinkään juuri nyt.',
    answer: 'Vastaa:',
    reconfirm: (date: string) => `Tarkista viimeistään ${date}:`,
    home: 'Vastaa kysymykseen yhteisestä kodistanne',
  },

  receipt: {
    title: 'Kuitti vastauksestasi',
    answer: 'Vastauksesi',
    comment: 'Kommenttisi',
    at: 'Tallennettu',
    reference: 'Viite',
    told: 'Tiedon ovat saaneet',
    coordinator: (name: string) => `koordinaattori ${name}`,
    next: 'Mitä nyt tapahtuu',
    keep: 'Säilytä kuitti. Kerro viite, jos haluat kysyä vastauksestasi.',
    print: 'Tulosta kuitti',
    answers: {
      accepted: 'Suostuit tähän',
      declined: 'Kieltäydyit tästä',
      withdrawn: 'Lopetit tämän',
      reconfirmed: 'Jatkat tätä',
      'home-consent-yes': 'Kyllä, suostut siihen, että yhteistä kotianne käytetään hoitoon ja hoivaan',
      'home-consent-no': 'Ei, et suostu siihen, että yhteistä kotianne käytetään hoitoon ja hoivaan',
      'contact-consultant': 'Pyysit omaisneuvojaa ottamaan sinuun yhteyttä',
      'needs-assessment': 'Pyysit omien tarpeidesi arviointia',
      'leave-role': 'Pyysit saada luopua roolistasi suunnitelmassa',
    },
    nextSteps: {
      accepted: 'Sitoumus on nyt voimassa. Voit lopettaa sen milloin haluat. Ennen tarkistusta sinulta kysytään, haluatko jatkaa.',
      declined: (r: string) => `${r} järjestää avun toisella tavalla. Voit muuttaa mielesi ja suostua niin kauan kuin asiaa ei ole suunniteltu uudelleen.`,
      withdrawn: (r: string) => `${r} suunnittelee asian uudelleen, jotta apu järjestyy toisella tavalla. Sinun ei tarvitse tehdä muuta.`,
      reconfirmed: 'Jatkat kuten ennenkin. Sinulta kysytään uudelleen ennen seuraavaa tarkistusta.',
      'home-consent-yes': 'Henkilökunta saa antaa hoitoa ja hoivaa kodissanne. Voit muuttaa vastaustasi milloin haluat.',
      'home-consent-no': (r: string) => `${r} suunnittelee, miten hoito ja hoiva voidaan antaa ilman kotianne. Voit muuttaa vastaustasi milloin haluat.`,
      'contact-consultant': 'Omaisneuvoja ottaa sinuun yhteyttä.',
      'needs-assessment': 'Kunta ottaa sinuun yhteyttä arvioidakseen, millaista tukea tarvitset.',
      'leave-role': (r: string) => `${r} ottaa sinuun yhteyttä suunnitellakseen asiat uudelleen. Se, mihin olet suostunut, on voimassa, kunnes olette puhuneet.`,
    },
    responsible: 'Suunnitelmasta vastaava taho',
  },
  errorReference: (id: string) => `Kerro viite ${id}, jos otat meihin yhteyttä.`,
  help: 'Tarvitsetko apua? Soita',

  child: {
    heading: 'Mitä tapahtuu?',
    what: (who: string) =>
      `Kunta ja alue antavat apua, jota ${who} tarvitsee. Aikuiset ovat kirjoittaneet yhdessä suunnitelman, jotta apu toimii. Sinun ei tarvitse tehdä mitään.`,
    feelings: 'On tavallista olla huolissaan tai surullinen, kun joku perheessä tarvitsee apua. Saat puhua siitä jonkun kanssa.',
    talkHeading: 'Kenen kanssa voit puhua?',
    counsellor: 'Koulusi kuraattori',
    bris: 'BRIS, alle 18-vuotiaille. Soita tai chattaa:',
    umo: 'UMO, 13–25-vuotiaille:',
    coordinator: (name: string) => `${name}, joka koordinoi suunnitelmaa`,
  },

  homeIntro: (who: string) =>
    `Te asutte yhdessä, sinä ja ${who}. Kun hoitoa ja hoivaa annetaan kotona, yhteisestä kodistanne tulee henkilökunnan työpaikka. Siihen tarvitaan sinun suostumuksesi.`,
  homeMeans: [
    'Kyllä tarkoittaa, että henkilökunta tulee kotiinne esimerkiksi auttamaan ruoassa, peseytymisessä tai lääkkeissä. He voivat joutua järjestämään apuvälineen, esimerkiksi sängyn.',
    'Ei tarkoittaa, että henkilökunta ei työskentele kodissanne. Hoito ja hoiva suunnitellaan silloin toisella tavalla, ja suunnitelmasta vastaava taho keskustelee kanssanne siitä, miten.',
    'Voit muuttaa vastaustasi milloin haluat, täällä tai koordinaattorin kautta.',
  ],
  sharedUntil: (date: string, who: string) => `${cap(who)} on antanut suostumuksensa siihen, että näet tämän ${date} asti.`,
  sharedOpen: (who: string) => `${cap(who)} on antanut suostumuksensa siihen, että näet tämän.`,
  nothingShared: (who: string) => `${cap(who)} ei jaa sinulle tällä hetkellä mitään suunnitelmasta. Näet vain sen, mikä koskee sinua itseäsi.`,
  consentWithdrawn: (who: string) =>
    `${cap(who)} on perunut suostumuksensa suunnitelmaan. Oma osuutesi on edelleen voimassa: sitoumuksesi ja vastauksesi, tieto, jota saat, ja tukesi.`,
  individualGoals: (who: string) => `Tärkeintä, mitä ${who} toivoo`,

  saved: (time: string) => `Tallennettu klo ${time}.`,
  notSaved: 'Ei tallennettu.',
  unknown: 'Emme tiedä, tallentuiko vastauksesi.',
  outcomeHelp: {
    network: 'Emme saaneet yhteyttä palveluun. Tarkista internetyhteytesi ja yritä uudelleen.',
    session: 'Kirjautumisesi on vanhentunut. Kirjaudu uudelleen sisään ja paina sitten Yritä uudelleen.',
    server: 'Palvelussa tapahtui virhe. Yritä hetken kuluttua uudelleen.',
    unknown: 'Palvelu ei vastannut ajoissa. Yritä uudelleen – jos vastauksesi on jo tallennettu, sitä ei tallenneta toiseen kertaan.',
    conflict: 'Jotain on muuttunut sen jälkeen, kun avasit suunnitelman, esimerkiksi henkilökunnan tekemänä. Olemme hakeneet uusimmat tiedot.',
    validation: 'Kirjoittamaasi tekstiä ei voitu tallentaa. Korjaa virhe ja yritä uudelleen.',
  },
  retrySafe: 'Voit turvallisesti yrittää uudelleen: vastauksesi tallennetaan vain kerran.',
  announce: {
    accepted: (what: string) => `Tallennettu. Olet suostunut tähän: ${what}.`,
    declined: (what: string) => `Tallennettu. Olet kieltäytynyt tästä: ${what}.`,
    withdrawn: (what: string) => `Tallennettu. Olet lopettanut tämän: ${what}.`,
    reconfirmed: (what: string) => `Tallennettu. Jatkat tätä: ${what}.`,
    homeConsent: 'Tallennettu. Vastauksesi kodista on kirjattu.',
    request: 'Tallennettu. Pyyntösi on lähetetty.',
    notSaved: 'Ei tallennettu.',
    unknown: 'Emme tiedä, tallentuiko vastauksesi.',
    planOpened: (title: string) => `${title} on avattu.`,
  },

  homeHeading: 'Yhteinen kotinne',
  homeQuestion: 'Suostutko siihen, että yhteistä kotianne käytetään hoitoon ja hoivaan?',
  homeYes: 'Kyllä, suostun',
  homeNo: 'Ei, en suostu',
  homeSave: 'Tallenna vastaukseni',
  homeCurrentYes: (date: string) => `Suostuit ${date}.`,
  homeCurrentNo: (date: string) => `Et suostunut ${date}.`,
  homeNotAnswered: 'Et ole vielä vastannut.',
  homeChoose: 'Valitse kyllä tai ei',
  homeHistory: 'Vastauksesi kodista',
  homeHistoryYes: 'Kyllä',
  homeHistoryNo: 'Ei',

  supportHeading: 'Tukea sinulle omaisena',
  supportIntro: 'Kunnan on tarjottava tukea sinulle, joka autat läheistäsi.',
  supportOffered: 'Sinulle tarjottu tuki',
  supportOffers: {
    conversation: 'Keskusteluapu',
    respite: 'Lomitus, jotta saat aikaa itsellesi',
    groups: 'Tapaamiset muiden omaisten kanssa',
    training: 'Koulutus omaisille',
  },
  supportNoneOffered: 'Tukea ei ole vielä tarjottu.',
  myRequests: 'Mitä olet pyytänyt',
  requestKinds: {
    'contact-consultant': 'Että omaisneuvoja ottaa sinuun yhteyttä',
    'needs-assessment': 'Omien tarpeidesi arviointi',
  },
  requestAsked: (date: string) => `Pyysit sitä ${date}.`,
  requestHandled: (date: string) => `Valmis ${date}.`,
  requestOpen: 'Ei vielä valmis.',
  requestButtons: {
    'contact-consultant': 'Pyydä omaisneuvojaa ottamaan minuun yhteyttä',
    'needs-assessment': 'Pyydä omien tarpeideni arviointia',
  },
  requestNote: 'Haluatko kertoa jotain muuta? (vapaaehtoinen)',

  sharedHeading: 'Tämän näet suunnitelmasta',
  goals: 'Tavoitteet',
  professionalGoals: (organisation: string) => `Tavoitteet: ${organisation}`,
  interventionStatus: {
    planned: 'Suunniteltu',
    decided: 'Päätetty',
  },
  contacts: 'Yhteyshenkilöt',
  needs: 'Tarpeet',

  informationHeading: 'Tietoa sinulle',
  informationNone: 'Sinulle ei ole vielä suunniteltu tiedottamista.',
  informationHow: (how: string, howOften: string) => `${how}, ${howOften}`,
  informedHeading: 'Milloin sait tietoa',
  informedBy: (name: string) => `(kertoja: ${name})`,

  commentTooLong: (max: number, length: number) =>
    `Kommentissa saa olla enintään ${group(max)} merkkiä. Siinä on nyt ${group(length)} merkkiä.`,
  commentControl: 'Kommentissa on merkkejä, joita ei voi tallentaa. Poista ne ja yritä uudelleen.',
  commentRejected: 'Kommenttia ei voitu tallentaa. Tarkista sen pituus ja merkit.',
};

export default fi;
