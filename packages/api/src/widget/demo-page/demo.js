// The demo portal: signs in as a demo relative with the service's demo issuer and embeds
// <sip-relative-view> the way a portal would. Runs under Trusted Types: no HTML strings,
// only DOM calls and textContent.

/** @typedef {{ id: string, kind: string, name: string, description: string }} Persona */
/** @typedef {(request?: { renew: boolean }) => Promise<string>} TokenCallback */

const texts = {
  sv: {
    title: 'Mina sidor – anhörig (demo)',
    skip: 'Hoppa till innehållet',
    portal: 'Exempelkommunen · Mina sidor',
    language: 'Språk',
    heading: 'Din roll som anhörig',
    intro:
      'Så här ser en anhörigs sida ut när en portal bäddar in widgeten för samordnad individuell plan (SIP). Välj en påhittad anhörig för att logga in.',
    signInHeading: 'Logga in som demoanhörig',
    personaLabel: 'Anhörig',
    personaHint: 'Personerna är påhittade och har Skatteverkets testpersonnummer.',
    loading: 'Hämtar demoanhöriga …',
    signIn: 'Logga in',
    signOut: 'Logga ut',
    planHeading: 'Din samordnade individuella plan',
    eventsHeading: 'Händelser från widgeten',
    eventsHint: 'Det portalen får veta: id:n och status, aldrig personuppgifter eller token.',
    noEvents: 'Inga ännu.',
    footer: 'Demoläge: påhittade personer, inga riktiga uppgifter.',
    widgetVersion: (/** @type {string} */ version) => `Widget ${version}.`,
    signingIn: 'Loggar in …',
    signedIn: (/** @type {string} */ name) => `Inloggad som ${name}.`,
    signedOut: 'Utloggad.',
    sessionRenewed: 'Sessionen gick ut. Du är inloggad igen.',
    personasFailed: 'Det gick inte att hämta demoanhöriga. Ladda om sidan för att försöka igen.',
    noPersonas: 'Det finns inga demoanhöriga.',
    tokenFailed: 'Det gick inte att logga in. Försök igen.',
    widgetMissing: (/** @type {string} */ detail) => `Widgeten kan inte visas: ${detail}`,
    widgetNotLoaded: 'Widgeten laddades inte. Kontrollera att den är byggd och ladda om sidan.',
  },
  en: {
    title: 'My pages – relative (demo)',
    skip: 'Skip to content',
    portal: 'Example Municipality · My pages',
    language: 'Language',
    heading: 'Your role as a relative',
    intro:
      "This is what a relative's page looks like when a portal embeds the widget for the coordinated individual plan (SIP). Choose a made-up relative to sign in.",
    signInHeading: 'Sign in as a demo relative',
    personaLabel: 'Relative',
    personaHint: "The people are made up and have the Swedish Tax Agency's test personal identity numbers.",
    loading: 'Loading demo relatives …',
    signIn: 'Sign in',
    signOut: 'Sign out',
    planHeading: 'Your coordinated individual plan',
    eventsHeading: 'Events from the widget',
    eventsHint: 'What the portal learns: ids and status, never personal data or tokens.',
    noEvents: 'None yet.',
    footer: 'Demo mode: made-up people, no real data.',
    widgetVersion: (/** @type {string} */ version) => `Widget ${version}.`,
    signingIn: 'Signing in …',
    signedIn: (/** @type {string} */ name) => `Signed in as ${name}.`,
    signedOut: 'Signed out.',
    sessionRenewed: 'The session expired. You are signed in again.',
    personasFailed: 'The demo relatives could not be loaded. Reload the page to try again.',
    noPersonas: 'There are no demo relatives.',
    tokenFailed: 'Signing in failed. Try again.',
    widgetMissing: (/** @type {string} */ detail) => `The widget cannot be shown: ${detail}`,
    widgetNotLoaded: 'The widget did not load. Check that it is built and reload the page.',
  },
};

const WIDGET_TAG = 'sip-relative-view';
const WIDGET_EVENTS = ['sip-ready', 'sip-consent-change', 'sip-error', 'sip-session-expired'];
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

/** @type {'sv' | 'en'} */
let lang = new URLSearchParams(location.search).get('lang') === 'en' ? 'en' : 'sv';
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
  document.title = text('title');
  for (const element of document.querySelectorAll('[data-text]')) {
    element.textContent = text(/** @type {string} */ (element.getAttribute('data-text')));
  }
  for (const element of document.querySelectorAll('[data-label]')) {
    element.setAttribute('aria-label', text(/** @type {string} */ (element.getAttribute('data-label'))));
  }
  for (const button of document.querySelectorAll('button[data-lang]')) {
    button.setAttribute('aria-pressed', String(button.getAttribute('data-lang') === lang));
  }
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

/** Waits for the widget module to define its element; false when it does not load. */
async function widgetDefined(timeoutMs = 10_000) {
  return Promise.race([
    customElements.whenDefined(WIDGET_TAG).then(() => true),
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
  if (!(await widgetDefined())) {
    showStatus(undefined);
    showProblem({ key: 'widgetNotLoaded' });
    return;
  }
  signOut();
  const element = /** @type {HTMLElement & { getAccessToken?: TokenCallback }} */ (document.createElement(WIDGET_TAG));
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
    personas = /** @type {Persona[]} */ (body.personas).filter((p) => p.kind === 'relative');
  } catch {
    showStatus(undefined);
    showProblem({ key: 'personasFailed' });
    return;
  }
  select.replaceChildren(
    ...personas.map((persona) => {
      const option = document.createElement('option');
      option.value = persona.id;
      option.textContent = persona.name;
      return option;
    }),
  );
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
    lang = button.getAttribute('data-lang') === 'en' ? 'en' : 'sv';
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
