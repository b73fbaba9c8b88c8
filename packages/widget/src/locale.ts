/**
 * The language of an element, for an element with dictionaries of its own (the individual's
 * view): looked up on the element, its ancestors and the document, as the relatives' widget
 * looks up its own, reduced to Swedish and English, and the dates in it. No global
 * configuration, so two embeds on one page can speak different languages.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export type Lang = 'sv' | 'en';

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
 * The language of one element, its messages (one dictionary per language), and date formatting
 * in that language. The language is looked up again before every update, so changing `lang`
 * anywhere takes effect.
 */
export class Localization<Messages> implements ReactiveController {
  lang: Lang = 'sv';
  locale = 'sv-SE';
  t: Messages;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly dictionaries: Record<Lang, Messages>,
  ) {
    this.t = dictionaries.sv;
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
    this.t = this.dictionaries[lang];
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

  /** A moment, as a time of day. */
  time(value: Date): string {
    return new Intl.DateTimeFormat(this.locale, { timeStyle: 'short' }).format(value);
  }
}
