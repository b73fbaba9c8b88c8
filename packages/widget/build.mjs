#!/usr/bin/env node
// Builds <sip-relative-view> into one minified ES module with Lit and the Swedish messages
// inside, dist/sip-relative-view.js, and each other language into a module of its own beside it,
// dist/sip-relative-view.<lang>.<hash>.js, which the element fetches only when it speaks that
// language (checked against the Subresource Integrity the element carries for it), and how a plan
// is shown into dist/sip-relative-view.plan.<hash>.js, fetched the same way alongside the first plan
// the element opens. Describes them in dist/widget.json (version, content hash, integrity, sizes) for the service that serves them
// under versioned URLs. The same sources give the same bytes. Run it (`node
// packages/widget/build.mjs`; `--profile` prints what costs what) or import it (`await buildWidget()`).
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transformSync } from 'esbuild';
import { browserModule, checkedBundle, describeBundle, withoutTemplateIndentation, writeBundle } from '../../scripts/element-bundle.mjs';
import {
  buildLanguageModules,
  buildOnDemandModule,
  describeLanguageModules,
  describeModule,
  languageLoaderPlugin,
  planLoaderPlugin,
  writeLanguageModules,
} from './build-languages.mjs';

const root = dirname(fileURLToPath(import.meta.url));
export const distDir = join(root, 'dist');
export const bundleFile = 'sip-relative-view.js';
export const metadataFile = 'widget.json';
/**
 * The budget for the bundle (the element with Lit and its Swedish messages, what every page that
 * embeds it loads), gzipped: 20 KB (20,480 B). A plan is shown by a module of its own
 * (`src/plan.ts`, with the Swedish only a plan shows), fetched alongside the first plan opened;
 * `--profile` says what costs what.
 */
export const GZIP_BUDGET_BYTES = 20 * 1024;
/** The budget for the plan view's module, gzipped: it keeps the bytes the element sheds from growing there. */
export const PLAN_GZIP_BUDGET_BYTES = 9 * 1024;

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
  // How a plan is shown, with the Swedish only a plan shows: fetched alongside the first plan opened.
  const plan = await buildOnDemandModule({
    root,
    entry: 'src/plan.ts',
    prefix: 'sip-relative-view',
    name: 'plan',
    what: 'the plan view',
    target,
    transform: withoutTemplateIndentation,
  });
  if (plan.gzipBytes > PLAN_GZIP_BUDGET_BYTES) throw new Error(`the plan view's module is ${plan.gzipBytes} bytes gzipped, over the budget of ${PLAN_GZIP_BUDGET_BYTES}`);
  const result = await build({
    ...browserModule,
    absWorkingDir: root,
    entryPoints: ['src/index.ts'],
    target,
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [
      languageLoaderPlugin(languages, /[\\/]src[\\/]languages\.ts$/),
      planLoaderPlugin(plan, /[\\/]src[\\/]plan-loader\.ts$/, join(root, 'src/languages.ts')),
      stylesWithoutComments,
    ],
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
    modules: [...describeLanguageModules(languages), { part: 'plan', ...describeModule(plan) }],
  };
  // The languages first: the element that names them is written after them.
  await writeLanguageModules(outDir, [...languages, plan]);
  const path = await writeBundle(outDir, { file: bundleFile, body, metadataFile, metadata });
  return { ...metadata, path };
}

/**
 * The elements' CSS minified by esbuild: the `css` templates of `*.styles.ts` (each `${…}` kept
 * in its place: a placeholder declaration inside a rule, a placeholder rule outside one) and the
 * shared rules of `client/styles.ts` (template literals without interpolations). esbuild keeps a
 * template's text as written, comments and white space included.
 */
const stylesWithoutComments = {
  name: 'sip-styles-minified',
  setup(b) {
    b.onLoad({ filter: /([\\/]src[\\/][\w-]+\.styles\.ts|[\\/]client[\\/]styles\.ts)$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      const contents = /[\\/]client[\\/]styles\.ts$/.test(path)
        ? source.replace(/= `([^`$]*)`;/g, (_, text) => `= \`${minifyCss(text)}\`;`)
        : source.replace(/\bcss`([^`]*)`/g, (_, text) => `css\`${minifyCss(text)}\``);
      return { loader: 'ts', contents };
    });
  },
};

/**
 * A template's CSS minified. Its `${…}` (no nested braces or backticks in ours) stand in for
 * declarations when inside a rule, for rules outside one; declarations alone (no braces) are
 * minified as one rule's.
 */
function minifyCss(text) {
  const held = [];
  let depth = 0;
  let marked = '';
  for (const part of text.split(/(\$\{[^}]*\})/)) {
    if (part.startsWith('${')) {
      held.push(part);
      const n = held.length - 1;
      marked += depth > 0 ? `--sip-held-${n}:0;` : `sip-held-${n}{--sip-held:${n}}`;
    } else {
      marked += part;
      for (const ch of part.replace(/\/\*[\s\S]*?\*\//g, '')) depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
    }
  }
  const declarations = !marked.includes('{');
  const minified = transformSync(declarations ? `x{${marked}}` : marked, { loader: 'css', minify: true, charset: 'utf8', logLevel: 'silent' })
    .code.trim();
  const out = declarations ? minified.slice(2, -1) : minified;
  return out
    .replace(/--sip-held-(\d+):0;?/g, (_, n) => held[n])
    .replace(/sip-held-(\d+)\{--sip-held:\d+\}/g, (_, n) => held[n]);
}

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
  for (const m of built.modules) lines.push(`  ${(m.lang ?? m.part).padEnd(14)} ${m.file} ${m.bytes} bytes, ${m.gzipBytes} gzipped`);
  if (process.argv.includes('--profile')) {
    lines.push('', 'bytes in the element\'s module (minified, before its templates\' indentation is dropped and gzip):');
    for (const { input, bytes } of profile()) lines.push(`  ${String(bytes).padStart(7)}  ${input}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
