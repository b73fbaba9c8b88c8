#!/usr/bin/env node
// Builds <sip-relative-view> into one minified ES module with Lit inside,
// dist/sip-relative-view.js, and describes it in dist/widget.json (version, content hash,
// Subresource Integrity, sizes) for the service that serves it under a versioned URL.
// The same sources give the same bytes. Run it (`node packages/widget/build.mjs`) or import
// it (`await buildWidget()`).
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { browserModule, checkedBundle, describeBundle, withoutTemplateIndentation, writeBundle } from '../../scripts/element-bundle.mjs';

const root = dirname(fileURLToPath(import.meta.url));
export const distDir = join(root, 'dist');
export const bundleFile = 'sip-relative-view.js';
export const metadataFile = 'widget.json';
/** The budget for the bundle, gzipped. */
export const GZIP_BUDGET_BYTES = 30 * 1024;

/**
 * Builds the bundle and its metadata into `dist/`. Fails when the bundle pulls in server code
 * (zod, the schemas; of shared, only its dependency-free modules for browsers may come in) or
 * grows past the gzip budget.
 * @returns {Promise<{ file: string, version: string, hash: string, integrity: string, bytes: number, gzipBytes: number, path: string }>}
 */
export async function buildWidget({ outDir = distDir } = {}) {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const result = await build({
    ...browserModule,
    absWorkingDir: root,
    entryPoints: ['src/index.ts'],
    target: ['es2021', 'chrome100', 'firefox100', 'safari15.4'],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  // From shared, only its modules without dependencies, for browsers: the review window the
  // service reads too, and what the elements' clients share.
  const sharedForBrowsers = /(^|\/)shared\/src\/(review-window\.ts|client\/[\w-]+\.ts)$/;
  const { body, gzipBytes } = checkedBundle(result, {
    name: 'the widget bundle',
    budget: GZIP_BUDGET_BYTES,
    forbiddenWhat: 'server code or schemas',
    // The widget's templates are HTML and CSS with no preformatted text: their indentation is dead weight.
    transform: withoutTemplateIndentation,
    forbidden: (path) =>
      /node_modules\/(zod|drizzle-orm|hono)\//.test(path) ||
      ((/packages\/shared\//.test(path) || /(^|\/)shared\/src\//.test(path)) && !sharedForBrowsers.test(path)),
  });
  const metadata = describeBundle({ file: bundleFile, version: pkg.version, body, gzipBytes });
  const path = await writeBundle(outDir, { file: bundleFile, body, metadataFile, metadata });
  return { ...metadata, path };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildWidget();
  const where = relative(process.cwd(), built.path) || built.path;
  process.stdout.write(`widget: ${where} ${built.bytes} bytes, ${built.gzipBytes} gzipped, ${built.integrity}\n`);
}
