#!/usr/bin/env node
// Builds <sip-relative-view> into one minified ES module with Lit inside,
// dist/sip-relative-view.js, and describes it in dist/widget.json (version, content hash,
// Subresource Integrity, sizes) for the service that serves it under a versioned URL.
// The same sources give the same bytes. Run it (`node packages/widget/build.mjs`) or import
// it (`await buildWidget()`).
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
export const distDir = join(root, 'dist');
export const bundleFile = 'sip-relative-view.js';
export const metadataFile = 'widget.json';
/** The budget for the bundle, gzipped. */
export const GZIP_BUDGET_BYTES = 30 * 1024;

/** Writes next to the target and renames, so a reader never sees half a file. */
async function writeAtomically(path, data) {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

/**
 * Builds the bundle and its metadata into `dist/`. Fails when the bundle pulls in server code
 * (zod, the schemas; of shared, only the dependency-free review window may come in) or grows
 * past the gzip budget.
 * @returns {Promise<{ file: string, version: string, hash: string, integrity: string, bytes: number, gzipBytes: number, path: string }>}
 */
export async function buildWidget({ outDir = distDir } = {}) {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['src/index.ts'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2021', 'chrome100', 'firefox100', 'safari15.4'],
    minify: true,
    legalComments: 'eof',
    charset: 'utf8',
    sourcemap: false,
    metafile: true,
    write: false,
    logLevel: 'silent',
    // Lit's production build: no dev-mode warnings.
    conditions: ['production'],
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const inputs = Object.keys(result.metafile.inputs);
  // From shared, only its modules without dependencies that the service reads too (the review window).
  const sharedForBrowsers = /(^|\/)shared\/src\/review-window\.ts$/;
  const serverCode = inputs.filter(
    (path) =>
      /node_modules\/(zod|drizzle-orm|hono)\//.test(path) ||
      ((/packages\/shared\//.test(path) || /(^|\/)shared\/src\//.test(path)) && !sharedForBrowsers.test(path)),
  );
  if (serverCode.length > 0) {
    throw new Error(`the widget bundle must not include server code or schemas:\n  ${serverCode.join('\n  ')}`);
  }
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild wrote no output');
  const body = Buffer.from(output.contents);
  const gzipBytes = gzipSync(body, { level: 9 }).length;
  if (gzipBytes > GZIP_BUDGET_BYTES) {
    throw new Error(`the widget bundle is ${gzipBytes} bytes gzipped, over the budget of ${GZIP_BUDGET_BYTES}`);
  }
  const metadata = {
    file: bundleFile,
    version: pkg.version,
    hash: createHash('sha256').update(body).digest('hex').slice(0, 12),
    integrity: `sha384-${createHash('sha384').update(body).digest('base64')}`,
    bytes: body.length,
    gzipBytes,
  };
  await mkdir(outDir, { recursive: true });
  // The bundle first, then what describes it: a reader that sees new metadata sees its bundle.
  await writeAtomically(join(outDir, bundleFile), body);
  await writeAtomically(join(outDir, metadataFile), `${JSON.stringify(metadata, null, 2)}\n`);
  return { ...metadata, path: join(outDir, bundleFile) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildWidget();
  const where = relative(process.cwd(), built.path) || built.path;
  process.stdout.write(`widget: ${where} ${built.bytes} bytes, ${built.gzipBytes} gzipped, ${built.integrity}\n`);
}
