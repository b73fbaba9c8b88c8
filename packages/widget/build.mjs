#!/usr/bin/env node
// Builds <sip-relative-view> into one minified ES module with Lit inside,
// dist/sip-relative-view.js, and describes it in dist/widget.json (version, content hash,
// Subresource Integrity, sizes) for the service that serves it under a versioned URL; and
// <sip-individual-view>, the individual's own view, the same way into a module of its own,
// dist/sip-individual-view.js with dist/individual-view.json, so a relatives' portal never
// loads it. The same sources give the same bytes. Run it (`node packages/widget/build.mjs`)
// or import it (`await buildWidget()`, `await buildIndividualView()`).
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { browserModule, checkedBundle, describeBundle, writeBundle } from '../../scripts/element-bundle.mjs';

const root = dirname(fileURLToPath(import.meta.url));
export const distDir = join(root, 'dist');
export const bundleFile = 'sip-relative-view.js';
export const metadataFile = 'widget.json';
/** The budget for the bundle, gzipped. */
export const GZIP_BUDGET_BYTES = 30 * 1024;

/** `<sip-individual-view>`'s module and the metadata that describes it. */
export const individualBundleFile = 'sip-individual-view.js';
export const individualMetadataFile = 'individual-view.json';
/**
 * The budget for the individual's view, gzipped: Lit, the shared client and styles, and one
 * element with both its languages, as the relatives' widget's.
 */
export const INDIVIDUAL_GZIP_BUDGET_BYTES = 30 * 1024;

// From shared, only its modules without dependencies, for browsers: the review window the
// service reads too, and what the elements' clients share.
const sharedForBrowsers = /(^|\/)shared\/src\/(review-window\.ts|client\/[\w-]+\.ts)$/;

/**
 * Builds one element's module from `entry` and its metadata into `outDir`. Fails when the
 * module pulls in server code (zod, the schemas; of shared, only its dependency-free modules
 * for browsers may come in) or grows past its gzip budget.
 */
async function buildElement({ entry, name, file, metadataFile: metadataName, budget, outDir }) {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const result = await build({
    ...browserModule,
    absWorkingDir: root,
    entryPoints: [entry],
    target: ['es2021', 'chrome100', 'firefox100', 'safari15.4'],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const { body, gzipBytes } = checkedBundle(result, {
    name,
    budget,
    forbiddenWhat: 'server code or schemas',
    forbidden: (path) =>
      /node_modules\/(zod|drizzle-orm|hono)\//.test(path) ||
      ((/packages\/shared\//.test(path) || /(^|\/)shared\/src\//.test(path)) && !sharedForBrowsers.test(path)),
  });
  const metadata = describeBundle({ file, version: pkg.version, body, gzipBytes });
  const path = await writeBundle(outDir, { file, body, metadataFile: metadataName, metadata });
  return { ...metadata, path };
}

/**
 * Builds `<sip-relative-view>` and its metadata into `dist/`.
 * @returns {Promise<{ file: string, version: string, hash: string, integrity: string, bytes: number, gzipBytes: number, path: string }>}
 */
export function buildWidget({ outDir = distDir } = {}) {
  return buildElement({ entry: 'src/index.ts', name: 'the widget bundle', file: bundleFile, metadataFile, budget: GZIP_BUDGET_BYTES, outDir });
}

/**
 * Builds `<sip-individual-view>` and its metadata into `dist/`: a module of its own, which
 * nothing of the relatives' widget loads.
 * @returns {Promise<{ file: string, version: string, hash: string, integrity: string, bytes: number, gzipBytes: number, path: string }>}
 */
export function buildIndividualView({ outDir = distDir } = {}) {
  return buildElement({
    entry: 'src/individual/index.ts',
    name: "the individual's view bundle",
    file: individualBundleFile,
    metadataFile: individualMetadataFile,
    budget: INDIVIDUAL_GZIP_BUDGET_BYTES,
    outDir,
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildWidget();
  const where = relative(process.cwd(), built.path) || built.path;
  process.stdout.write(`widget: ${where} ${built.bytes} bytes, ${built.gzipBytes} gzipped, ${built.integrity}\n`);
  const individual = await buildIndividualView();
  const individualWhere = relative(process.cwd(), individual.path) || individual.path;
  process.stdout.write(`individual's view: ${individualWhere} ${individual.bytes} bytes, ${individual.gzipBytes} gzipped, ${individual.integrity}\n`);
}
