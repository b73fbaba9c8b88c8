// What the builds of the citizen elements (build.mjs, build-individual.mjs) share for their
// languages: each language besides Swedish built into a module of its own that imports nothing
// (the texts its source brings in are inlined), named by its content, and the loader that takes
// the place of the element's `languages.ts` and fetches such a module from beside the element's
// own, checked against its Subresource Integrity.
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { browserModule, writeBundle } from '../../scripts/element-bundle.mjs';

/**
 * What a built module still imports when it runs (`kind` and path of each import esbuild left in
 * it), from its metafile. What the sources import from one another esbuild bundles into the module
 * and does not count here.
 * @param {import('esbuild').Metafile} metafile
 */
export function moduleImports(metafile) {
  return Object.values(metafile.outputs).flatMap((output) => output.imports.map((i) => `${i.kind} ${i.path}`));
}

/**
 * Each language besides Swedish (`<root>/<dir>/<tag>.ts`), built into a module of its own that
 * imports nothing when it runs (the build fails when one does; what its source imports, such as
 * the texts both elements share in `lang/common/<tag>.ts`, is inlined): its file name (`<prefix>.<tag>.<hash>.js`,
 * named by its content, so its URL never serves other bytes), bytes and integrity.
 * @param {{ root: string, dir: string, prefix: string, target: string[] }} options
 */
export async function buildLanguageModules({ root, dir, prefix, target }) {
  const names = (await readdir(join(root, dir))).filter((f) => /^[a-z]{2}(-[a-z0-9]+)*\.ts$/.test(f)).sort();
  return Promise.all(
    names.map(async (name) => {
      const lang = name.slice(0, -3);
      return { lang, ...(await buildOnDemandModule({ root, entry: `${dir}/${name}`, prefix, name: lang, what: `the ${lang} messages`, target })) };
    }),
  );
}

/**
 * One module an element loads on demand (`entry`, from `root`), built into a module that imports
 * nothing when it runs (the build fails when it does; what its source imports is inlined): its
 * file name (`<prefix>.<name>.<hash>.js`, named by its content), bytes and integrity. `what`
 * names it in the error.
 * @param {{ root: string, entry: string, prefix: string, name: string, what: string, target: string[], transform?: (code: string) => string }} options
 */
export async function buildOnDemandModule({ root, entry, prefix, name, what, target, transform }) {
  const result = await build({ ...browserModule, absWorkingDir: root, entryPoints: [entry], target });
  const imports = moduleImports(result.metafile);
  if (imports.length > 0) throw new Error(`${what}, built, must import nothing, but import:\n  ${imports.join('\n  ')}`);
  const body = transform ? Buffer.from(transform(result.outputFiles[0].text), 'utf8') : Buffer.from(result.outputFiles[0].contents);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return {
    file: `${prefix}.${name}.${hash}.js`,
    integrity: `sha384-${createHash('sha384').update(body).digest('base64')}`,
    bytes: body.length,
    gzipBytes: gzipSync(body, { level: 9 }).length,
    body,
  };
}

/**
 * Puts in place of the module at `filter` (an element's `languages.ts`) a loader of the built
 * language modules: each is fetched from beside the element's own module (the same versioned
 * path), as a module preload with its integrity, so the browser refuses other bytes, and then
 * imported (from the module map the preload filled, not fetched again). A module that could not be
 * had is asked for again at its URL with a query (`?1`, `?2`, …): the page's module map keeps a
 * failed URL's failure. It exports that fetch
 * (`loadModule(file, integrity)`) for the element's other modules on demand (`planLoaderPlugin`).
 * @param {{ lang: string, file: string, integrity: string }[]} languages
 * @param {RegExp} filter
 */
export function languageLoaderPlugin(languages, filter) {
  const files = Object.fromEntries(languages.map((l) => [l.lang, [l.file, l.integrity]]));
  return {
    name: 'sip-languages',
    setup(b) {
      b.onLoad({ filter }, () => ({
        loader: 'js',
        contents: `const files = ${JSON.stringify(files)};
const failed = {};
export function loadModule(file, integrity) {
  const tries = failed[file];
  const href = new URL(tries ? file + '?' + tries : file, import.meta.url).href;
  return new Promise((resolve, reject) => {
    const link = document.createElement('link');
    link.rel = 'modulepreload';
    link.crossOrigin = 'anonymous';
    link.integrity = integrity;
    link.href = href;
    link.onload = resolve;
    link.onerror = () => reject(new Error(file));
    document.head.append(link);
  }).then(() => import(href)).catch((error) => {
    failed[file] = (tries ?? 0) + 1;
    throw error;
  });
}
export function loadMessages(lang) {
  return loadModule(...files[lang]).then((module) => module.default);
}
`,
      }));
    },
  };
}

/**
 * Puts in place of the module at `filter` (the widget's `plan-loader.ts`) a loader of its built
 * plan view (`plan`), fetched with its integrity by the language loader's `loadModule`
 * (`languages`: the path of the element's `languages.ts`, which `languageLoaderPlugin` replaces).
 * @param {{ file: string, integrity: string }} plan
 * @param {RegExp} filter
 * @param {string} languages
 */
export function planLoaderPlugin(plan, filter, languages) {
  return {
    name: 'sip-plan',
    setup(b) {
      b.onLoad({ filter }, () => ({
        loader: 'js',
        contents: `import { loadModule } from ${JSON.stringify(languages)};
export function loadPlan() {
  return loadModule(${JSON.stringify(plan.file)}, ${JSON.stringify(plan.integrity)});
}
`,
      }));
    },
  };
}

/** The language modules as the metadata describes them (the service serves them by it). */
export function describeLanguageModules(languages) {
  return languages.map(({ lang, file, integrity, bytes, gzipBytes }) => ({ lang, file, integrity, bytes, gzipBytes }));
}

/** A module on demand as the metadata describes it (the service serves it by it). */
export function describeModule({ file, integrity, bytes, gzipBytes }) {
  return { file, integrity, bytes, gzipBytes };
}

/** The language modules written into `outDir`, before the element that names them. */
export async function writeLanguageModules(outDir, languages) {
  await Promise.all(languages.map((l) => writeBundle(outDir, { file: l.file, body: l.body })));
}
