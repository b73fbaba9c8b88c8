// The demo portal: signs in as a demo person with the service's demo issuer and embeds
// the element for them the way a portal would: <sip-relative-view> for a relative,
// <sip-individual-view> (loaded only then, from its own module) for the person the plan is
// about. Runs under Trusted Types: no HTML strings, only DOM calls and textContent.

/** @typedef {{ id: string, kind: string, name: string, description: string }} Persona */
/** @typedef {(request?: { renew: boolean }) => Promise<string>} TokenCallback */

const texts = {
  sv: {
    title: 'Mina sidor – samordnad individuell plan (demo)',
    skip: 'Hoppa till innehållet',
    portal: 'Exempelkommunen · Mina sidor',
    language: 'Språk',
    heading: 'Din samordnade individuella plan',
    intro:
      'Så här ser det ut när en portal bäddar in tjänsten för samordnad individuell plan (SIP). Välj en påhittad person att logga in som: den som planen gäller, eller en anhörig.',
    signInHeading: 'Logga in som demoperson',
    personaLabel: 'Person',
    personaHint:
      'Den som planen gäller ser hela sin plan. En anhörig ser det som personen har valt att dela. Personerna är påhittade och har Skatteverkets testpersonnummer.',
    loading: 'Hämtar demopersoner …',
    individuals: 'Den som planen gäller',
    relatives: 'Anhöriga',
    signIn: 'Logga in',
    signOut: 'Logga ut',
    planHeading: 'Din samordnade individuella plan',
    eventsHeading: 'Händelser från elementet',
    eventsHint: 'Det portalen får veta: id:n och status, aldrig personuppgifter eller token.',
    noEvents: 'Inga ännu.',
    footer: 'Demoläge: påhittade personer, inga riktiga uppgifter.',
    widgetVersion: (/** @type {string} */ version) => `Widget ${version}.`,
    signingIn: 'Loggar in …',
    signedIn: (/** @type {string} */ name) => `Inloggad som ${name}.`,
    signedOut: 'Utloggad.',
    sessionRenewed: 'Sessionen gick ut. Du är inloggad igen.',
    personasFailed: 'Det gick inte att hämta demopersoner. Ladda om sidan för att försöka igen.',
    noPersonas: 'Det finns inga demopersoner.',
    tokenFailed: 'Det gick inte att logga in. Försök igen.',
    widgetMissing: (/** @type {string} */ detail) => `Widgeten kan inte visas: ${detail}`,
    widgetNotLoaded: 'Widgeten laddades inte. Kontrollera att den är byggd och ladda om sidan.',
  },
  'sv-x-lattlast': {
    title: 'Mina sidor – samordnad individuell plan (demo)',
    skip: 'Gå direkt till innehållet',
    portal: 'Exempelkommunen · Mina sidor',
    language: 'Språk',
    heading: 'Din samordnade individuella plan',
    intro:
      'Här ser du hur tjänsten för samordnad individuell plan (SIP) kan se ut på en webbplats. Välj en person att logga in som. Personerna är påhittade. Du kan vara den som planen gäller. Du kan också vara en anhörig.',
    signInHeading: 'Logga in som en påhittad person',
    personaLabel: 'Person',
    personaHint:
      'Den som planen gäller ser hela sin plan. En anhörig ser bara det som personen har sagt ja till. Personerna är påhittade. De har personnummer som Skatteverket har gjort för att testa.',
    loading: 'Vänta lite …',
    individuals: 'Den som planen gäller',
    relatives: 'Anhöriga',
    signIn: 'Logga in',
    signOut: 'Logga ut',
    planHeading: 'Din samordnade individuella plan',
    eventsHeading: 'Det här får webbplatsen veta',
    eventsHint: 'Webbplatsen får bara veta nummer och läge. Den får aldrig veta något om personen.',
    noEvents: 'Inget än.',
    footer: 'Det här är en demo. Personerna är påhittade. Inget här är på riktigt.',
    widgetVersion: (/** @type {string} */ version) => `Widget ${version}.`,
    signingIn: 'Loggar in …',
    signedIn: (/** @type {string} */ name) => `Du är inloggad som ${name}.`,
    signedOut: 'Du är utloggad.',
    sessionRenewed: 'Du var utloggad. Nu är du inloggad igen.',
    personasFailed: 'Vi kunde inte hämta personerna. Ladda om sidan och försök igen.',
    noPersonas: 'Det finns inga personer att logga in som.',
    tokenFailed: 'Det gick inte att logga in. Försök igen.',
    widgetMissing: (/** @type {string} */ detail) => `Planen kan inte visas: ${detail}`,
    widgetNotLoaded: 'Planen kunde inte visas. Ladda om sidan.',
  },
  en: {
    title: 'My pages – coordinated individual plan (demo)',
    skip: 'Skip to content',
    portal: 'Example Municipality · My pages',
    language: 'Language',
    heading: 'Your coordinated individual plan',
    intro:
      'This is what it looks like when a portal embeds the service for the coordinated individual plan (SIP). Choose a made-up person to sign in as: the person the plan is about, or a relative.',
    signInHeading: 'Sign in as a demo person',
    personaLabel: 'Person',
    personaHint:
      "The person the plan is about sees their whole plan. A relative sees what that person has chosen to share. The people are made up and have the Swedish Tax Agency's test personal identity numbers.",
    loading: 'Loading demo people …',
    individuals: 'The person the plan is about',
    relatives: 'Relatives',
    signIn: 'Sign in',
    signOut: 'Sign out',
    planHeading: 'Your coordinated individual plan',
    eventsHeading: 'Events from the element',
    eventsHint: 'What the portal learns: ids and status, never personal data or tokens.',
    noEvents: 'None yet.',
    footer: 'Demo mode: made-up people, no real data.',
    widgetVersion: (/** @type {string} */ version) => `Widget ${version}.`,
    signingIn: 'Signing in …',
    signedIn: (/** @type {string} */ name) => `Signed in as ${name}.`,
    signedOut: 'Signed out.',
    sessionRenewed: 'The session expired. You are signed in again.',
    personasFailed: 'The demo people could not be loaded. Reload the page to try again.',
    noPersonas: 'There are no demo people.',
    tokenFailed: 'Signing in failed. Try again.',
    widgetMissing: (/** @type {string} */ detail) => `The widget cannot be shown: ${detail}`,
    widgetNotLoaded: 'The widget did not load. Check that it is built and reload the page.',
  },
  fi: {
    title: 'Omat sivut – yhteensovitettu yksilöllinen suunnitelma (demo)',
    skip: 'Siirry sisältöön',
    portal: 'Esimerkkikunta · Omat sivut',
    language: 'Kieli',
    heading: 'Yhteensovitettu yksilöllinen suunnitelmasi',
    intro:
      'Näin palvelu näyttää, kun portaali upottaa koordinoidun yksilöllisen suunnitelman (SIP) palvelun sivulleen. Valitse keksitty henkilö, jona kirjaudut sisään: henkilö, jota suunnitelma koskee, tai omainen.',
    signInHeading: 'Kirjaudu sisään demohenkilönä',
    personaLabel: 'Henkilö',
    personaHint:
      'Henkilö, jota suunnitelma koskee, näkee koko suunnitelmansa. Omainen näkee sen, minkä tämä henkilö on päättänyt jakaa. Henkilöt ovat keksittyjä, ja heillä on Ruotsin verohallinnon testihenkilötunnukset.',
    loading: 'Haetaan demohenkilöitä …',
    individuals: 'Henkilö, jota suunnitelma koskee',
    relatives: 'Omaiset',
    signIn: 'Kirjaudu sisään',
    signOut: 'Kirjaudu ulos',
    planHeading: 'Yhteensovitettu yksilöllinen suunnitelmasi',
    eventsHeading: 'Elementin tapahtumat',
    eventsHint: 'Mitä portaali saa tietää: tunnisteet ja tilan, ei koskaan henkilötietoja tai kirjautumistunnuksia.',
    noEvents: 'Ei vielä yhtään.',
    footer: 'Demotila: keksittyjä henkilöitä, ei oikeita tietoja.',
    widgetVersion: (/** @type {string} */ version) => `Widget ${version}.`,
    signingIn: 'Kirjaudutaan sisään …',
    signedIn: (/** @type {string} */ name) => `Kirjautunut: ${name}.`,
    signedOut: 'Kirjauduit ulos.',
    sessionRenewed: 'Istunto vanheni. Olet taas kirjautunut sisään.',
    personasFailed: 'Demohenkilöitä ei voitu hakea. Yritä uudelleen lataamalla sivu uudelleen.',
    noPersonas: 'Demohenkilöitä ei ole.',
    tokenFailed: 'Kirjautuminen ei onnistunut. Yritä uudelleen.',
    widgetMissing: (/** @type {string} */ detail) => `Widgetiä ei voi näyttää: ${detail}`,
    widgetNotLoaded: 'Widget ei latautunut. Tarkista, että se on käännetty, ja lataa sivu uudelleen.',
  },
  ar: {
    title: 'صفحاتي – خطة فردية منسقة (عرض تجريبي)',
    skip: 'انتقل إلى المحتوى',
    portal: 'البلدية النموذجية · صفحاتي',
    language: 'اللغة',
    heading: 'خطتك الفردية المنسقة',
    intro:
      'هكذا تبدو الخدمة عندما تُدمج بوابةٌ خدمةَ الخطة الفردية المنسقة (SIP) في صفحاتها. اختر شخصًا وهميًا لتسجّل الدخول باسمه: الشخص الذي تخصه الخطة، أو أحد أقاربه.',
    signInHeading: 'سجّل الدخول بوصفك شخصًا تجريبيًا',
    personaLabel: 'الشخص',
    personaHint:
      'يرى الشخص الذي تخصه الخطة خطته كاملة. ويرى القريب ما اختار ذلك الشخص مشاركته. الأشخاص وهميون ولديهم أرقام شخصية تجريبية من مصلحة الضرائب السويدية.',
    loading: 'جارٍ تحميل الأشخاص التجريبيين …',
    individuals: 'الشخص الذي تخصه الخطة',
    relatives: 'الأقارب',
    signIn: 'سجّل الدخول',
    signOut: 'سجّل الخروج',
    planHeading: 'خطتك الفردية المنسقة',
    eventsHeading: 'أحداث العنصر',
    eventsHint: 'ما تعرفه البوابة: المعرّفات والحالة فقط، ولا تعرف أبدًا البيانات الشخصية أو رموز الدخول.',
    noEvents: 'لا شيء بعد.',
    footer: 'وضع تجريبي: أشخاص وهميون، ولا توجد بيانات حقيقية.',
    widgetVersion: (/** @type {string} */ version) => `الأداة ${version}.`,
    signingIn: 'جارٍ تسجيل الدخول …',
    signedIn: (/** @type {string} */ name) => `سجّلت الدخول باسم ${name}.`,
    signedOut: 'سجّلت الخروج.',
    sessionRenewed: 'انتهت الجلسة. لقد سجّلت الدخول من جديد.',
    personasFailed: 'تعذّر تحميل الأشخاص التجريبيين. أعد تحميل الصفحة للمحاولة مرة أخرى.',
    noPersonas: 'لا يوجد أشخاص تجريبيون.',
    tokenFailed: 'تعذّر تسجيل الدخول. حاول مرة أخرى.',
    widgetMissing: (/** @type {string} */ detail) => `لا يمكن عرض الأداة: ${detail}`,
    widgetNotLoaded: 'لم يتم تحميل الأداة. تأكد من أنها مبنية ثم أعد تحميل الصفحة.',
  },
};

const WIDGET_TAG = 'sip-relative-view';
const INDIVIDUAL_TAG = 'sip-individual-view';
const WIDGET_EVENTS = ['sip-ready', 'sip-consent-change', 'sip-change', 'sip-error', 'sip-session-expired'];
/** A token is renewed this long before it expires. */
const RENEW_BEFORE_MS = 30_000;

/** @param {string} id */
function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element;
}

const form = /** @type {HTMLFormElement} */ (byId('sign-in'));
const select = /** @type {HTMLSelectElement} */ (byId('persona'));
const description = byId('persona-description');
const signInButton = /** @type {HTMLButtonElement} */ (byId('sign-in-button'));
const signOutButton = /** @type {HTMLButtonElement} */ (byId('sign-out-button'));
const status = byId('status');
const problem = byId('problem');
const planSection = byId('plan');
const slot = byId('widget-slot');
const eventList = byId('events');
const noEvents = byId('no-events');
const widgetVersion = byId('widget-version');

/** The languages the page and both citizen elements speak. @typedef {keyof typeof texts} Lang */
/** @param {string | null} value @returns {Lang} */
const asLang = (value) => (value !== null && Object.hasOwn(texts, value) ? /** @type {Lang} */ (value) : 'sv');
let lang = asLang(new URLSearchParams(location.search).get('lang'));
/** @type {Persona[]} */
let personas = [];
/** @type {HTMLElement | undefined} */
let widget;
/** What the status line says, kept as a key so a language switch can say it again. */
/** @type {{ key: string, arg?: string } | undefined} */
let statusMessage;
/** @type {{ key: string, arg?: string } | undefined} */
let problemMessage;

/** @param {string} key @param {string} [arg] */
function text(key, arg) {
  const value = /** @type {Record<string, unknown>} */ (texts[lang])[key];
  return typeof value === 'function' ? value(arg ?? '') : String(value);
}

/** @param {{ key: string, arg?: string } | undefined} message */
function showStatus(message) {
  statusMessage = message;
  status.textContent = message ? text(message.key, message.arg) : '';
}

/** @param {{ key: string, arg?: string } | undefined} message */
function showProblem(message) {
  problemMessage = message;
  problem.hidden = !message;
  problem.textContent = message ? text(message.key, message.arg) : '';
}

function applyLanguage() {
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === 'ar' ? 'rtl' : 'ltr';
  document.title = text('title');
  for (const element of document.querySelectorAll('[data-text]')) {
    element.textContent = text(/** @type {string} */ (element.getAttribute('data-text')));
  }
  for (const element of document.querySelectorAll('optgroup[data-label-text]')) {
    /** @type {HTMLOptGroupElement} */ (element).label = text(/** @type {string} */ (element.getAttribute('data-label-text')));
  }
  for (const element of document.querySelectorAll('[data-label]')) {
    element.setAttribute('aria-label', text(/** @type {string} */ (element.getAttribute('data-label'))));
  }
  for (const button of document.querySelectorAll('button[data-lang]')) {
    button.setAttribute('aria-pressed', String(button.getAttribute('data-lang') === lang));
  }
  // The element follows its lang attribute: it fetches the language the first time it is asked for.
  if (widget) widget.setAttribute('lang', lang);
  showStatus(statusMessage);
  showProblem(problemMessage);
}

/** @param {string} path @param {RequestInit} [init] */
async function fetchJson(path, init) {
  const response = await fetch(path, init);
  const body = await response.json().catch(() => undefined);
  if (!response.ok) throw Object.assign(new Error(`${path}: HTTP ${response.status}`), { body });
  return body;
}

/**
 * A portal's token source for one signed-in relative: mints a token with the demo issuer,
 * hands out the same one until shortly before it expires, then mints a new one.
 * @param {string} personaId
 */
function tokenSource(personaId) {
  /** @type {{ token: string, expiresAt: number } | undefined} */
  let current;
  return {
    async get() {
      if (!current || Date.now() > current.expiresAt - RENEW_BEFORE_MS) {
        const body = await fetchJson('/dev/token', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ persona: personaId }),
        });
        current = { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
      }
      return current.token;
    },
    /** The service refused the token: the next call mints a fresh one. */
    forget() {
      current = undefined;
    },
  };
}

/** @param {Event} event */
function logEvent(event) {
  const item = document.createElement('li');
  const name = document.createElement('code');
  name.textContent = event.type;
  item.append(name);
  const detail = /** @type {CustomEvent} */ (event).detail;
  if (detail !== undefined && detail !== null) item.append(` ${JSON.stringify(detail)}`);
  eventList.prepend(item);
  noEvents.hidden = true;
}

function signOut() {
  widget?.remove();
  widget = undefined;
  planSection.hidden = true;
  signOutButton.hidden = true;
}

/**
 * Waits for the element's module to define it; false when it does not load. The relatives'
 * widget is on the page already; the individual's view is loaded only for an individual.
 * @param {string} tag
 */
async function elementDefined(tag, timeoutMs = 10_000) {
  if (tag === INDIVIDUAL_TAG && !customElements.get(tag)) {
    const { path } = await fetchJson('/widget/individual/individual-view.json').catch(() => ({ path: '/widget/individual/sip-individual-view.js' }));
    import(path).catch(() => undefined);
  }
  return Promise.race([
    customElements.whenDefined(tag).then(() => true),
    new Promise((resolve) => setTimeout(() => resolve(false), timeoutMs)),
  ]);
}

/** @param {Persona} persona */
async function signIn(persona) {
  showProblem(undefined);
  showStatus({ key: 'signingIn' });
  const tokens = tokenSource(persona.id);
  try {
    await tokens.get();
  } catch {
    showStatus(undefined);
    showProblem({ key: 'tokenFailed' });
    return;
  }
  const tag = persona.kind === 'individual' ? INDIVIDUAL_TAG : WIDGET_TAG;
  if (!(await elementDefined(tag))) {
    showStatus(undefined);
    showProblem({ key: 'widgetNotLoaded' });
    return;
  }
  signOut();
  const element = /** @type {HTMLElement & { getAccessToken?: TokenCallback }} */ (document.createElement(tag));
  element.setAttribute('api-base', location.origin);
  element.setAttribute('lang', lang);
  /** @type {TokenCallback} */
  const provide = async ({ renew } = { renew: false }) => {
    // Called again with renew: true when the service refused the last token.
    if (renew) tokens.forget();
    return tokens.get();
  };
  element.getAccessToken = provide;
  // The element tells the relative itself what went wrong; the portal only logs the events.
  for (const type of WIDGET_EVENTS) element.addEventListener(type, logEvent);
  element.addEventListener('sip-session-expired', async () => {
    // As a portal signs the relative in again: a fresh token, then the callback set anew,
    // which makes the element load again.
    tokens.forget();
    try {
      await tokens.get();
    } catch {
      showProblem({ key: 'tokenFailed' });
      return;
    }
    element.getAccessToken = provide;
    showStatus({ key: 'sessionRenewed' });
  });
  element.addEventListener('sip-ready', () => showProblem(undefined));
  widget = element;
  slot.append(element);
  planSection.hidden = false;
  signOutButton.hidden = false;
  showStatus({ key: 'signedIn', arg: persona.name });
}

function describeSelected() {
  const persona = personas.find((p) => p.id === select.value);
  description.textContent = persona?.description ?? '';
}

async function loadPersonas() {
  showStatus({ key: 'loading' });
  try {
    const body = await fetchJson('/dev/personas');
    personas = /** @type {Persona[]} */ (body.personas).filter((p) => p.kind === 'relative' || p.kind === 'individual');
  } catch {
    showStatus(undefined);
    showProblem({ key: 'personasFailed' });
    return;
  }
  /** @param {string} kind @param {string} key */
  const group = (kind, key) => {
    const optgroup = document.createElement('optgroup');
    optgroup.setAttribute('data-label-text', key);
    optgroup.label = text(key);
    optgroup.append(
      ...personas
        .filter((persona) => persona.kind === kind)
        .map((persona) => {
          const option = document.createElement('option');
          option.value = persona.id;
          option.textContent = persona.name;
          return option;
        }),
    );
    return optgroup;
  };
  // Relatives first: the page has shown them since before the individual's view.
  select.replaceChildren(group('relative', 'relatives'), group('individual', 'individuals'));
  showStatus(undefined);
  if (personas.length === 0) {
    showProblem({ key: 'noPersonas' });
    return;
  }
  select.disabled = false;
  signInButton.disabled = false;
  describeSelected();
}

/** Shows the widget build's version, or why the widget cannot be shown. */
async function checkWidget() {
  const response = await fetch('/widget/widget.json');
  const body = await response.json().catch(() => undefined);
  if (response.ok) widgetVersion.textContent = text('widgetVersion', `${body.version} (${body.hash})`);
  else showProblem({ key: 'widgetMissing', arg: body?.detail ?? `HTTP ${response.status}` });
}

select.addEventListener('change', describeSelected);
form.addEventListener('submit', (event) => {
  event.preventDefault();
  const persona = personas.find((p) => p.id === select.value);
  if (persona) void signIn(persona);
});
signOutButton.addEventListener('click', () => {
  signOut();
  showStatus({ key: 'signedOut' });
  select.focus();
});
for (const button of document.querySelectorAll('button[data-lang]')) {
  button.addEventListener('click', () => {
    lang = asLang(button.getAttribute('data-lang'));
    applyLanguage();
    // Kept in the address, so a reload keeps the language.
    const url = new URL(location.href);
    url.searchParams.set('lang', lang);
    history.replaceState(null, '', url);
  });
}

applyLanguage();
void checkWidget();
void loadPersonas();
