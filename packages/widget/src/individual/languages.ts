/**
 * Where the individual's view's messages in the languages besides Swedish come from. In the
 * sources: the modules in `lang/`, for a bundler to split off. The build (build-individual.mjs)
 * replaces this module with one that fetches each language's module from beside the element's,
 * at its versioned URL, checked against its Subresource Integrity.
 */
import type { LoadedLang } from '../locale.ts';
import type { Messages } from './i18n.ts';

export async function loadMessages(lang: LoadedLang): Promise<Messages> {
  const module = (await import(`./lang/${lang}.ts`)) as { default: Messages };
  return module.default;
}
