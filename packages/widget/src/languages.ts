/**
 * Where the messages of the languages besides Swedish come from. In the sources: the modules in
 * `lang/`, for a bundler to split off. The widget's own build (build.mjs) replaces this module
 * with one that fetches each language's module from beside the element's, at its versioned
 * URL, checked against its Subresource Integrity.
 */
import type { LoadedLang, Messages } from './i18n.ts';

export async function loadMessages(lang: LoadedLang): Promise<Messages> {
  const module = (await import(`./lang/${lang}.ts`)) as { default: Messages };
  return module.default;
}
