/**
 * The language of a citizen element (the relatives' widget, the individual's view): looked up on
 * the element, its ancestors and the document, reduced to the languages the elements speak, the
 * messages in it, and the dates in it. No global configuration, so two embeds on one page can
 * speak different languages.
 *
 * Swedish is the default and part of each element's module; every other language is a module of
 * its own that the element fetches the first time it speaks it (each element's `languages.ts`,
 * which its build replaces with a loader that checks the module's Subresource Integrity).
 */
import { dateTimeFormat, listFormat } from '@sip/shared/client';
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';

/**
 * The languages the elements speak. `sv-x-lattlast` is lättläst svenska (easy-to-read Swedish):
 * Swedish (`sv`) with a private-use subtag, since BCP 47 registers none for it.
 */
export type Lang = 'sv' | 'sv-x-lattlast' | 'en' | 'fi' | 'ar';
/** The languages that are loaded on demand. */
export type LoadedLang = Exclude<Lang, 'sv'>;

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

/** Each language's own name, in itself: what an element says when a language could not be loaded. */
export const LANGUAGE_NAMES: Record<Lang, string> = {
  sv: 'svenska',
  'sv-x-lattlast': 'lättläst svenska',
  en: 'English',
  fi: 'suomi',
  ar: 'العربية',
};

/**
 * What both elements say, in Swedish, when the language asked for (`failed`) could not be
 * fetched; nothing when it could.
 */
export function languageFailedNotice(failed: Lang | undefined) {
  return failed
    ? html`<p part="message" class="message message--warning">
        Texterna på <span lang=${failed} dir="auto">${LANGUAGE_NAMES[failed]}</span> gick inte att hämta. Därför står allt här på svenska.
      </p>`
    : nothing;
}

/**
 * A language tag reduced to the languages the elements speak (Swedish when they speak none of
 * the tag's), the locale dates and numbers are written in, and the writing direction.
 */
export function resolveLang(tag: string | null | undefined): { lang: Lang; locale: string; dir: 'ltr' | 'rtl' } {
  const value = (tag ?? '').trim();
  const subtags = value.toLowerCase().split('-');
  const primary = subtags[0];
  const lang: Lang =
    primary === 'sv'
      ? subtags.includes('lattlast') && subtags.indexOf('x') > 0 && subtags.indexOf('x') < subtags.indexOf('lattlast')
        ? 'sv-x-lattlast'
        : 'sv'
      : primary === 'en' || primary === 'fi' || primary === 'ar'
        ? primary
        : 'sv';
  const fallback = { sv: 'sv-SE', 'sv-x-lattlast': 'sv-SE', en: 'en-GB', fi: 'fi-FI', ar: 'ar' }[lang];
  // A region or script the page names is kept for dates and numbers ("en-US", "sv-FI"); a tag Intl does not take is not.
  let locale = fallback;
  if (lang === primary && value.includes('-')) {
    try {
      locale = Intl.getCanonicalLocales(value)[0] ?? fallback;
    } catch {
      // Not a well-formed tag: the language's own default.
    }
  }
  return { lang, locale, dir: lang === 'ar' ? 'rtl' : 'ltr' };
}

/** One element's languages besides Swedish: those loaded so far on this page, and fetching one. */
export interface MessageSource<Messages> {
  loaded: ReadonlyMap<LoadedLang, Messages>;
  /** A language's messages: fetched once per page, however many elements speak it. */
  get(lang: LoadedLang): Promise<Messages>;
}

/** The languages `load` fetches, each once per page; a failed fetch is tried again the next time. */
export function messageSource<Messages>(load: (lang: LoadedLang) => Promise<Messages>): MessageSource<Messages> {
  const loaded = new Map<LoadedLang, Messages>();
  const loading = new Map<LoadedLang, Promise<Messages>>();
  return {
    loaded,
    get(lang) {
      let pending = loading.get(lang);
      if (!pending) {
        pending = load(lang).then(
          (messages) => {
            loaded.set(lang, messages);
            return messages;
          },
          (error: unknown) => {
            // Tried again the next time an element asks for it.
            loading.delete(lang);
            throw error;
          },
        );
        loading.set(lang, pending);
      }
      return pending;
    },
  };
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
 * A language other than Swedish is fetched the first time it is asked for: until it is there,
 * `loading` is true (the element shows a neutral state); when it cannot be had, the element
 * speaks Swedish and `failed` names the language asked for.
 */
export class Localization<Messages> implements ReactiveController {
  lang: Lang = 'sv';
  locale = 'sv-SE';
  dir: 'ltr' | 'rtl' = 'ltr';
  t: Messages;
  loading = false;
  failed: Lang | undefined;
  /** The language asked for, and whether fetching it failed. */
  #wanted: Lang = 'sv';
  #wantedFailed = false;
  #settled: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly sv: Messages,
    private readonly others: MessageSource<Messages>,
  ) {
    this.t = sv;
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

  /** Settles once the language asked for is there, or could not be had. */
  ready(): Promise<void> {
    this.#resolve();
    return this.#settled;
  }

  #resolve() {
    const { lang, locale, dir } = resolveLang(inheritedLang(this.host));
    if (lang !== this.#wanted) {
      this.#wanted = lang;
      this.#wantedFailed = false;
    }
    this.loading = false;
    this.failed = undefined;
    const messages = lang === 'sv' ? this.sv : this.others.loaded.get(lang);
    if (messages) {
      Object.assign(this, { lang, locale, dir, t: messages });
      return;
    }
    if (this.#wantedFailed) {
      Object.assign(this, { lang: 'sv', locale: 'sv-SE', dir: 'ltr', t: this.sv, failed: lang });
      return;
    }
    this.loading = true;
    this.#settled = this.others.get(lang as LoadedLang).then(
      () => this.host.requestUpdate(),
      () => {
        if (this.#wanted === lang) this.#wantedFailed = true;
        this.host.requestUpdate();
      },
    );
  }

  /**
   * Makes the date formatter in a task of its own, after the current one: call it just after
   * starting a request whose answer shows dates. The first Intl formatter a page makes has ICU load
   * its data, 10 to 30 ms of the main thread; made while the answer is on its way, that time is
   * not spent after the answer has come.
   */
  prepareDates(): void {
    setTimeout(() => dateTimeFormat(this.locale, { dateStyle: 'long', timeZone: 'UTC' }));
  }

  /** A calendar date (`YYYY-MM-DD`) or a moment, as a date: "3 mars 2026". */
  date(value: string): string {
    const date = DATE_ONLY.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(value);
    if (Number.isNaN(date.getTime())) return value;
    return dateTimeFormat(this.locale, { dateStyle: 'long', ...(DATE_ONLY.test(value) ? { timeZone: 'UTC' } : {}) }).format(date);
  }

  /** A moment, as date and time in the reader's time zone. */
  dateTime(value: string): string {
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) return value;
    return dateTimeFormat(this.locale, { dateStyle: 'long', timeStyle: 'short' }).format(date);
  }

  /** A moment in full, as a receipt gives it: "torsdag 3 december 2026 kl. 09:03". */
  fullDateTime(value: string): string {
    const date = new Date(value);
    if (Number.isNaN(date.getTime())) return value;
    return dateTimeFormat(this.locale, { dateStyle: 'full', timeStyle: 'short' }).format(date);
  }

  /** "a, b och c". */
  list(items: string[]): string {
    return listFormat(this.locale, { type: 'conjunction' }).format(items);
  }

  /** A moment, as a time of day. */
  time(value: Date): string {
    return dateTimeFormat(this.locale, { timeStyle: 'short' }).format(value);
  }
}
