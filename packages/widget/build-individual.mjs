#!/usr/bin/env node
// Builds <sip-individual-view>, the individual's own view, into one minified ES module with Lit
// and the Swedish messages inside, dist/sip-individual-view.js, and each other language into a
// module of its own beside it, dist/sip-individual-view.<lang>.<hash>.js, which the element
// fetches only when it speaks that language (checked against the Subresource Integrity the
// element carries for it), as the relatives' widget does (build-languages.mjs). Describes them in
// dist/individual-view.json (version, content hash, integrity, sizes) for the service that serves
// them under versioned URLs beside the relatives' widget. A module of its own: a relatives'
// portal never loads it.
// The same sources give the same bytes. Run it (`node packages/widget/build-individual.mjs`) or
// import it (`await buildIndividualView()`).
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { browserModule, checkedBundle, describeBundle, writeBundle } from '../../scripts/element-bundle.mjs';
import { buildLanguageModules, describeLanguageModules, languageLoaderPlugin, writeLanguageModules } from './build-languages.mjs';

const root = dirname(fileURLToPath(import.meta.url));
export const distDir = join(root, 'dist');
export const bundleFile = 'sip-individual-view.js';
export const metadataFile = 'individual-view.json';
/**
 * The budget for the bundle, gzipped: Lit, the shared client, the citizen elements' styles, and
 * one element with its Swedish messages (the other languages are modules of their own).
 */
export const GZIP_BUDGET_BYTES = 30 * 1024;

const target = ['es2021', 'chrome100', 'firefox100', 'safari15.4'];

/**
 * Builds the bundle and its metadata into `dist/`. Fails when the bundle pulls in server code
 * (zod, the schemas; of shared, only its dependency-free modules for browsers may come in, as
 * for the relatives' widget) or grows past the gzip budget.
 * @returns {Promise<{ file: string, version: string, hash: string, integrity: string, bytes: number, gzipBytes: number, path: string }>}
 */
export async function buildIndividualView({ outDir = distDir } = {}) {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const languages = await buildLanguageModules({ root, dir: 'src/individual/lang', prefix: 'sip-individual-view', target });
  const result = await build({
    ...browserModule,
    absWorkingDir: root,
    entryPoints: ['src/individual/index.ts'],
    target,
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [languageLoaderPlugin(languages, /[\\/]src[\\/]individual[\\/]languages\.ts$/)],
  });
  const sharedForBrowsers = /(^|\/)shared\/src\/(review-window\.ts|client\/[\w-]+\.ts)$/;
  const { body, gzipBytes } = checkedBundle(result, {
    name: "the individual's view bundle",
    budget: GZIP_BUDGET_BYTES,
    forbiddenWhat: 'server code or schemas',
    forbidden: (path) =>
      /node_modules\/(zod|drizzle-orm|hono)\//.test(path) ||
      ((/packages\/shared\//.test(path) || /(^|\/)shared\/src\//.test(path)) && !sharedForBrowsers.test(path)),
  });
  const metadata = { ...describeBundle({ file: bundleFile, version: pkg.version, body, gzipBytes }), modules: describeLanguageModules(languages) };
  // The languages first: the element that names them is written after them.
  await writeLanguageModules(outDir, languages);
  const path = await writeBundle(outDir, { file: bundleFile, body, metadataFile, metadata });
  return { ...metadata, path };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildIndividualView();
  const where = relative(process.cwd(), built.path) || built.path;
  const lines = [`individual's view: ${where} ${built.bytes} bytes, ${built.gzipBytes} gzipped (budget ${GZIP_BUDGET_BYTES}), ${built.integrity}`];
  for (const m of built.modules) lines.push(`  ${m.lang.padEnd(14)} ${m.file} ${m.bytes} bytes, ${m.gzipBytes} gzipped`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
