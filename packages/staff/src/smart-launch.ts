/**
 * The broker's SMART on FHIR app: launched from a health record (EHR launch, `iss` and `launch`)
 * or started on its own against one (standalone launch, `iss` alone). `/smart/launch` authorises
 * against the record with PKCE; `/smart/app` completes it, reads the patient in context, exchanges
 * the record's id token for a staff token of the broker (RFC 8693, `POST /token`), and opens the
 * patient's SIP in `<sip-plan-editor>`, or offers to start one.
 *
 * No inline code and no HTML strings: the page is built with DOM calls, so it runs under a CSP of
 * its own scripts and Trusted Types. Tokens stay in memory: what the SMART client keeps in session
 * storage for the redirect is removed as soon as the launch completes.
 */
import FHIR from 'fhirclient/lib/entry/browser.js';
import { SipSessionExpiredEvent } from './events.ts';
import { langOf, type Lang } from './i18n.ts';

/** Scopes of an EHR launch: the launch context, who the user is, and the patient. */
export const EHR_SCOPE = 'launch openid fhirUser patient/Patient.read';
/** Scopes of a standalone launch: the record lets the user pick the patient. */
export const STANDALONE_SCOPE = 'launch/patient openid fhirUser patient/Patient.read';
const LANG_KEY = 'sip-smart-lang';
/** How long before the staff token runs out the app says so, in seconds. */
export const EXPIRY_WARNING_SECONDS = 300;

/** The SMART client of a completed launch. */
type Client = Awaited<ReturnType<typeof FHIR.oauth2.ready>>;

type ErrorCode =
  | 'no-iss'
  | 'unknown-iss'
  | 'launch-failed'
  | 'no-patient'
  | 'no-personnummer'
  | 'exchange-refused'
  | 'unavailable'
  | 'forbidden'
  | 'create-failed'
  | 'session-expired';

interface Messages {
  title: string;
  connecting: string;
  loading: string;
  planFor: (name: string) => string;
  patient: string;
  noPlan: string;
  startPlan: string;
  starting: string;
  onlyCoordinators: string;
  partner: { region: string; municipality: string };
  choosePartner: string;
  opened: string;
  expiring: string;
  switchLang: string;
  switchLangCode: Lang;
  errors: Record<ErrorCode, string>;
}

const messages = {
  sv: {
    title: 'SIP – samordnad individuell plan',
    connecting: 'Ansluter till journalen …',
    loading: 'Hämtar patientens SIP …',
    planFor: (name) => `SIP för ${name}`,
    patient: 'Patient',
    noPlan: 'Det finns ingen SIP för patienten som din organisation deltar i.',
    startPlan: 'Starta en SIP',
    starting: 'Startar SIP …',
    onlyCoordinators: 'En SIP-samordnare i din organisation kan starta en.',
    partner: { region: 'Region', municipality: 'Kommun' },
    choosePartner: 'Den andra huvudmannen',
    opened: 'SIP:en är öppnad.',
    expiring: 'Din inloggning går ut om några minuter. Spara det du har skrivit och starta sedan appen från journalen igen.',
    switchLang: 'In English',
    switchLangCode: 'en',
    errors: {
      'no-iss': 'Appen startas från journalen. Öppna den därifrån.',
      'unknown-iss': 'Journalen som appen startades från är inte ansluten till SIP-tjänsten.',
      'launch-failed': 'Inloggningen från journalen blev inte klar. Starta appen från journalen igen.',
      'no-patient': 'Ingen patient är vald i journalen.',
      'no-personnummer': 'Patienten har inget personnummer eller samordningsnummer i journalen.',
      'exchange-refused': 'SIP-tjänsten godtog inte inloggningen från journalen. Starta appen från journalen igen.',
      unavailable: 'SIP-tjänsten eller journalen svarar inte just nu. Försök igen om en stund.',
      forbidden: 'Du har inte behörighet att starta en SIP.',
      'create-failed': 'Det gick inte att starta SIP:en. Försök igen.',
      'session-expired': 'Din inloggning har gått ut. Starta appen från journalen igen.',
    },
  },
  en: {
    title: 'SIP – coordinated individual plan',
    connecting: 'Connecting to the health record …',
    loading: "Fetching the patient's SIP …",
    planFor: (name) => `SIP for ${name}`,
    patient: 'Patient',
    noPlan: 'There is no SIP for this patient that your organisation takes part in.',
    startPlan: 'Start a SIP',
    starting: 'Starting the SIP …',
    onlyCoordinators: 'A SIP coordinator in your organisation can start one.',
    partner: { region: 'Region', municipality: 'Municipality' },
    choosePartner: 'The other principal',
    opened: 'The SIP is open.',
    expiring: 'Your sign-in runs out in a few minutes. Save what you have written, then start the app from the health record again.',
    switchLang: 'På svenska',
    switchLangCode: 'sv',
    errors: {
      'no-iss': 'The app is started from the health record. Open it from there.',
      'unknown-iss': 'The health record the app was started from is not connected to the SIP service.',
      'launch-failed': 'Signing in from the health record did not complete. Start the app from the health record again.',
      'no-patient': 'No patient is selected in the health record.',
      'no-personnummer': 'The patient has no personnummer or samordningsnummer in the health record.',
      'exchange-refused': 'The SIP service did not accept the sign-in from the health record. Start the app from the health record again.',
      unavailable: 'The SIP service or the health record is not answering right now. Try again in a while.',
      forbidden: 'You are not allowed to start a SIP.',
      'create-failed': 'The SIP could not be started. Try again.',
      'session-expired': 'Your sign-in has expired. Start the app from the health record again.',
    },
  },
} satisfies Record<Lang, Messages>;

class LaunchError extends Error {
  constructor(readonly code: ErrorCode) {
    super(code);
  }
}

interface Organisation {
  id: string;
  name: string;
  kind: 'region' | 'municipality';
}

/** What the app shows; re-rendered when the language changes. */
type View =
  | { kind: 'busy'; text: 'connecting' | 'loading' | 'starting' }
  | { kind: 'error'; code: ErrorCode }
  | { kind: 'plan'; name: string; planId: string }
  | { kind: 'no-plan'; name: string; partners: Organisation[]; own: Organisation | undefined };

let lang: Lang = 'sv';
let view: View = { kind: 'busy', text: 'connecting' };
/** The broker's staff token: in memory only, handed to the editor as a property. */
let staffToken: string | undefined;
let startPlan: ((partnerId: string) => void) | undefined;
/** Whether the staff token runs out within {@link EXPIRY_WARNING_SECONDS}. */
let expiringSoon = false;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<Record<string, string>> = {}, ...children: (Node | string)[]) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) if (value !== undefined) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function main(): HTMLElement {
  const found = document.getElementById('main');
  if (!found) throw new Error('the page has no #main');
  return found;
}

/** Shows the view; `focus` moves focus to its heading, as after each step the user waits for. */
function render(next: View, focus = true): void {
  view = next;
  const t = messages[lang];
  document.documentElement.lang = lang;
  document.title = t.title;
  const root = main();
  const switcher = el('button', { type: 'button', class: 'lang', lang: t.switchLangCode }, t.switchLang);
  switcher.addEventListener('click', () => {
    lang = t.switchLangCode;
    sessionStorage.setItem(LANG_KEY, lang);
    render(view, false);
    (root.querySelector('button.lang') as HTMLButtonElement | null)?.focus();
  });
  const header = el('header', {}, el('p', { class: 'product' }, t.title), switcher);
  let body: HTMLElement;
  switch (next.kind) {
    case 'busy':
      body = el('section', { 'aria-busy': 'true' }, el('h1', { tabindex: '-1' }, t.title), el('p', { role: 'status' }, t[next.text]));
      break;
    case 'error':
      body = el('section', {}, el('h1', { tabindex: '-1' }, t.title), el('p', { role: 'alert', class: 'error' }, t.errors[next.code]));
      break;
    case 'plan': {
      const editor = existingEditor(next.planId) ?? document.createElement('sip-plan-editor');
      editor.setAttribute('api-base', location.origin);
      editor.setAttribute('plan-id', next.planId);
      editor.setAttribute('lang', lang);
      (editor as HTMLElement & { getAccessToken?: () => Promise<string> }).getAccessToken = async () => {
        if (!staffToken) throw new Error('no staff token');
        return staffToken;
      };
      body = el(
        'section',
        {},
        el('h1', { tabindex: '-1' }, t.planFor(next.name)),
        el('p', { role: 'status', class: 'visually-hidden' }, t.opened),
        // Present from the start, so that the warning is announced when it comes.
        el('div', { id: 'expiry', role: 'status' }, ...(expiringSoon ? [el('p', { class: 'notice' }, t.expiring)] : [])),
        editor,
      );
      break;
    }
    case 'no-plan': {
      if (next.partners.length === 0) {
        body = el('section', {}, el('h1', { tabindex: '-1' }, t.planFor(next.name)), el('p', {}, t.noPlan), el('p', {}, t.onlyCoordinators));
        break;
      }
      const form = el('form', { novalidate: '' });
      const select = el('select', { id: 'partner', name: 'partner', required: '' });
      for (const partner of next.partners) select.append(el('option', { value: partner.id }, partner.name));
      const otherKind = next.own?.kind === 'municipality' ? 'region' : 'municipality';
      form.append(
        el('label', { for: 'partner' }, `${t.choosePartner} (${t.partner[otherKind].toLowerCase()})`),
        select,
        el('button', { type: 'submit' }, t.startPlan),
      );
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        if (select.value) startPlan?.(select.value);
      });
      body = el('section', {}, el('h1', { tabindex: '-1' }, t.planFor(next.name)), el('p', {}, t.noPlan), form);
      break;
    }
  }
  root.replaceChildren(header, body);
  if (focus) (root.querySelector('h1') as HTMLElement | null)?.focus();
}

/** The editor already on the page for this plan: kept across a language change. */
function existingEditor(planId: string): HTMLElement | undefined {
  const editor = main().querySelector('sip-plan-editor');
  return editor instanceof HTMLElement && editor.getAttribute('plan-id') === planId ? editor : undefined;
}

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

/** What the service tells the app: the records it trusts, and the identifier systems of a personnummer (the API's own). */
async function smartConfig(): Promise<{ issuers: { iss: string; clientId: string }[]; personIdSystems: string[] }> {
  const response = await fetch('/smart/config.json', { credentials: 'omit' });
  if (!response.ok) throw new LaunchError('unavailable');
  return json(response);
}

/** `/smart/launch`: sends the browser to the record's authorisation endpoint. */
async function launch(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const iss = params.get('iss')?.replace(/\/+$/, '');
  const launchValue = params.get('launch');
  if (!iss) throw new LaunchError('no-iss');
  const config = await smartConfig();
  // Only a record the service trusts: the app never sends the user to an unknown server.
  const issuer = config.issuers.find((i) => i.iss === iss);
  if (!issuer) throw new LaunchError('unknown-iss');
  await FHIR.oauth2.authorize({
    clientId: issuer.clientId,
    iss: issuer.iss,
    ...(launchValue ? { launch: launchValue } : {}),
    scope: launchValue ? EHR_SCOPE : STANDALONE_SCOPE,
    redirectUri: '/smart/app',
    pkceMode: 'required',
  });
}

/** Removes what the SMART client kept for the redirect (the verifier, and after it the tokens). */
function forgetLaunchState(): void {
  const key = sessionStorage.getItem('SMART_KEY');
  if (key) {
    try {
      sessionStorage.removeItem(JSON.parse(key) as string);
    } catch {
      // Not ours to understand: removed below all the same.
    }
  }
  sessionStorage.removeItem('SMART_KEY');
}

async function exchange(client: Client): Promise<{ token: string; expiresIn: number }> {
  const { id_token: idToken, access_token: accessToken } = client.state.tokenResponse ?? {};
  if (!idToken || !accessToken) throw new LaunchError('launch-failed');
  const response = await fetch('/token', {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: idToken,
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      actor_token: accessToken,
      actor_token_type: 'urn:ietf:params:oauth:token-type:access_token',
    }),
    credentials: 'omit',
  });
  if (response.status >= 500) throw new LaunchError('unavailable');
  if (!response.ok) throw new LaunchError('exchange-refused');
  const { access_token: token, expires_in: expiresIn } = await json<{ access_token: string; expires_in: number }>(response);
  return { token, expiresIn };
}

/**
 * The staff token is not renewed (the launch's id token is spent, and the record gives no refresh
 * token): shortly before it runs out the app says so beside the plan, leaving the editor and what
 * the user is writing as they are, so that they save and launch again.
 */
function warnBeforeExpiry(expiresIn: number): void {
  const after = Math.max(0, expiresIn - EXPIRY_WARNING_SECONDS) * 1000;
  setTimeout(() => {
    expiringSoon = true;
    const region = document.getElementById('expiry');
    if (region && !region.firstChild) region.append(el('p', { class: 'notice' }, messages[lang].expiring));
  }, after);
}

function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(path, {
    ...init,
    credentials: 'omit',
    headers: { authorization: `Bearer ${staffToken ?? ''}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
  });
}

async function loadEditor(): Promise<void> {
  if (customElements.get('sip-plan-editor')) return;
  const meta = await json<{ path: string }>(await fetch('/staff/staff.json'));
  await import(/* @vite-ignore */ meta.path);
}

/** `/smart/app`: completes the launch, reads the patient, and opens or offers the SIP. */
async function app(): Promise<void> {
  let client: Client;
  try {
    client = await FHIR.oauth2.ready();
  } catch {
    forgetLaunchState();
    throw new LaunchError('launch-failed');
  }
  forgetLaunchState();
  // The code and state have done their work: out of the address bar and the history.
  history.replaceState(null, '', location.pathname);
  render({ kind: 'busy', text: 'loading' });
  if (!client.patient.id) throw new LaunchError('no-patient');
  const patient = (await client.patient.read()) as {
    identifier?: { system?: string; value?: string }[];
    name?: { given?: string[]; family?: string; text?: string }[];
  };
  const { personIdSystems } = await smartConfig();
  const personId = patient.identifier?.find((i) => i.system && personIdSystems.includes(i.system) && i.value)?.value;
  if (!personId) throw new LaunchError('no-personnummer');
  const first = patient.name?.[0];
  const name = first?.text ?? [...(first?.given ?? []), first?.family ?? ''].join(' ').trim();
  const exchanged = await exchange(client);
  staffToken = exchanged.token;
  warnBeforeExpiry(exchanged.expiresIn);

  const search = await api('/api/plans/search', { method: 'POST', body: JSON.stringify({ personId, limit: 1 }) });
  if (!search.ok) throw new LaunchError(search.status === 403 ? 'forbidden' : 'unavailable');
  const [plan] = (await json<{ items: { id: string }[] }>(search)).items;
  if (plan) {
    await loadEditor();
    render({ kind: 'plan', name, planId: plan.id });
    return;
  }
  const [session, organisations] = await Promise.all([
    api('/api/session').then((r) => json<{ organisationId: string; role: string }>(r)),
    api('/api/organisations').then((r) => json<{ items: Organisation[] }>(r)),
  ]);
  const own = organisations.items.find((o) => o.id === session.organisationId);
  // Only a coordinator starts a SIP, with a principal of the other kind.
  const partners = own && session.role === 'coordinator' ? organisations.items.filter((o) => o.kind !== own.kind) : [];
  startPlan = (partnerId) => {
    const partner = partners.find((p) => p.id === partnerId);
    if (!own || !partner) return;
    render({ kind: 'busy', text: 'starting' });
    void (async () => {
      const region = own.kind === 'region' ? own : partner;
      const municipality = own.kind === 'municipality' ? own : partner;
      const created = await api('/api/plans', {
        method: 'POST',
        body: JSON.stringify({
          individual: { personId, ...(name ? { name } : {}) },
          principals: { region: { id: region.id, name: region.name }, municipality: { id: municipality.id, name: municipality.name } },
          title: messages.sv.planFor(name || personId.slice(0, 8)),
        }),
      });
      if (created.status !== 201) throw new LaunchError(created.status === 403 ? 'forbidden' : 'create-failed');
      const { id } = await json<{ id: string }>(created);
      await loadEditor();
      render({ kind: 'plan', name, planId: id });
    })().catch(fail);
  };
  render({ kind: 'no-plan', name, partners, own });
}

function fail(error: unknown): void {
  render({ kind: 'error', code: error instanceof LaunchError ? error.code : 'unavailable' });
}

function start(): void {
  lang = langOf(new URLSearchParams(location.search).get('lang') ?? sessionStorage.getItem(LANG_KEY));
  sessionStorage.setItem(LANG_KEY, lang);
  const page = document.body.dataset.page;
  // The staff token is not renewed (the launch's id token is spent): when it runs out, launch again.
  main().addEventListener(SipSessionExpiredEvent.eventName, () => {
    staffToken = undefined;
    render({ kind: 'error', code: 'session-expired' });
  });
  render({ kind: 'busy', text: page === 'app' ? 'loading' : 'connecting' }, false);
  (page === 'app' ? app() : launch()).catch(fail);
}

start();
