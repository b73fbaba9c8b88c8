#!/usr/bin/env node
// Builds <sip-relative-view> into one minified ES module with Lit and the Swedish messages
// inside, dist/sip-relative-view.js, and each other language into a module of its own beside it,
// dist/sip-relative-view.<lang>.<hash>.js, which the element fetches only when it speaks that
// language (checked against the Subresource Integrity the element carries for it). Describes them
// in dist/widget.json (version, content hash, integrity, sizes) for the service that serves them
// under versioned URLs. The same sources give the same bytes. Run it (`node
// packages/widget/build.mjs`; `--profile` prints what costs what) or import it (`await buildWidget()`).
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { browserModule, checkedBundle, describeBundle, withoutTemplateIndentation, writeBundle } from '../../scripts/element-bundle.mjs';
import { buildLanguageModules, describeLanguageModules, languageLoaderPlugin, writeLanguageModules } from './build-languages.mjs';

const root = dirname(fileURLToPath(import.meta.url));
export const distDir = join(root, 'dist');
export const bundleFile = 'sip-relative-view.js';
export const metadataFile = 'widget.json';
/**
 * The budget for the bundle (the element with its Swedish messages), gzipped. The aim is 20 KB;
 * with the content it has it is 24.3 KB (`--profile` says what costs what: Lit about 6 KB, the
 * Swedish messages about 5.5 KB, the styles about 2 KB), and the budget keeps it from growing.
 */
export const GZIP_BUDGET_BYTES = 25 * 1024;

// Browsers of 2022 on: their own class fields and private members, not rewritten.
const target = ['es2022', 'chrome100', 'firefox100', 'safari15.4'];

/**
 * Builds the bundle and its metadata into `dist/`. Fails when the bundle pulls in server code
 * (zod, the schemas; of shared, only its dependency-free modules for browsers may come in) or
 * grows past the gzip budget.
 * @returns {Promise<{ file: string, version: string, hash: string, integrity: string, bytes: number, gzipBytes: number, path: string }>}
 */
export async function buildWidget({ outDir = distDir } = {}) {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const languages = await buildLanguageModules({ root, dir: 'src/lang', prefix: 'sip-relative-view', target });
  const result = await build({
    ...browserModule,
    absWorkingDir: root,
    entryPoints: ['src/index.ts'],
    target,
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [languageLoaderPlugin(languages, /[\\/]src[\\/]languages\.ts$/), stylesWithoutComments],
    // Lit's licence notices, once for all its modules (below), not once per module.
    legalComments: 'none',
  });
  lastMetafile = result.metafile;
  // From shared, only its modules without dependencies, for browsers: the review window the
  // service reads too, and what the elements' clients share.
  const sharedForBrowsers = /(^|\/)shared\/src\/(review-window\.ts|client\/[\w-]+\.ts)$/;
  const { body, gzipBytes } = checkedBundle(result, {
    name: 'the widget bundle',
    budget: GZIP_BUDGET_BYTES,
    forbiddenWhat: 'server code or schemas',
    // The widget's templates are HTML and CSS with no preformatted text: their indentation is dead weight.
    transform: withLitLicence,
    forbidden: (path) =>
      /node_modules\/(zod|drizzle-orm|hono)\//.test(path) ||
      ((/packages\/shared\//.test(path) || /(^|\/)shared\/src\//.test(path)) && !sharedForBrowsers.test(path)),
  });
  const metadata = {
    ...describeBundle({ file: bundleFile, version: pkg.version, body, gzipBytes }),
    modules: describeLanguageModules(languages),
  };
  // The languages first: the element that names them is written after them.
  await writeLanguageModules(outDir, languages);
  const path = await writeBundle(outDir, { file: bundleFile, body, metadataFile, metadata });
  return { ...metadata, path };
}

/** The comments in the elements' CSS left out: esbuild keeps a template's text as written. */
const stylesWithoutComments = {
  name: 'sip-styles-without-comments',
  setup(b) {
    b.onLoad({ filter: /([\\/]src[\\/][\w-]+\.styles\.ts|[\\/]client[\\/]styles\.ts)$/ }, async ({ path }) => ({
      loader: 'ts',
      // Their only comments are CSS comments in templates and doc comments: no string holds "/*".
      contents: (await readFile(path, 'utf8')).replace(/\/\*[\s\S]*?\*\//g, ''),
    }));
  },
};

/**
 * The module with its templates' indentation dropped (Lit's html and css, which esbuild keeps as
 * written) and Lit's licence notice once at the end, for all its modules.
 */
function withLitLicence(code) {
  return `${withoutTemplateIndentation(code)}/*! Lit | Copyright 2017-2022 Google LLC | SPDX-License-Identifier: BSD-3-Clause */\n`;
}

/** The last build's esbuild metafile, for `--profile`. */
let lastMetafile;

/** What each input costs in the element's module, largest first. */
export function profile(metafile = lastMetafile) {
  const [output] = Object.values(metafile.outputs);
  return Object.entries(output.inputs)
    .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
    .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
    .map(([input, { bytesInOutput }]) => ({ input: input.replace(/^(\.\.\/)+node_modules\/\.pnpm\/[^/]+\/node_modules\//, ''), bytes: bytesInOutput }));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildWidget();
  const where = relative(process.cwd(), built.path) || built.path;
  const lines = [`widget: ${where} ${built.bytes} bytes, ${built.gzipBytes} gzipped (budget ${GZIP_BUDGET_BYTES}), ${built.integrity}`];
  for (const m of built.modules) lines.push(`  ${m.lang.padEnd(14)} ${m.file} ${m.bytes} bytes, ${m.gzipBytes} gzipped`);
  if (process.argv.includes('--profile')) {
    lines.push('', 'bytes in the element\'s module (minified, before its templates\' indentation is dropped and gzip):');
    for (const { input, bytes } of profile()) lines.push(`  ${String(bytes).padStart(7)}  ${input}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
