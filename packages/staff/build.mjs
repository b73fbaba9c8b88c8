#!/usr/bin/env node
// Builds the staff elements into one minified ES module with Lit and the API's own schemas
// inside, dist/sip-staff.js, and describes it in dist/staff.json (version, content hash,
// Subresource Integrity, sizes) for the service that serves it under a versioned URL.
// The same sources give the same bytes. Run it (`node packages/staff/build.mjs`) or import
// it (`await buildStaff()`).
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { browserModule, checkedBundle, describeBundle, writeBundle } from '../../scripts/element-bundle.mjs';

const root = dirname(fileURLToPath(import.meta.url));
export const distDir = join(root, 'dist');
export const bundleFile = 'sip-staff.js';
export const metadataFile = 'staff.json';
/**
 * The budget for the bundle, gzipped. Larger than the relatives' widget's: five elements, and
 * the API's own schemas (zod) so that a form is checked by the rules the service applies.
 */
export const GZIP_BUDGET_BYTES = 120 * 1024;

/**
 * zod exposes every locale's error messages as `z.locales`, which keeps all of them in a bundle
 * that uses `z` at all. The elements show their own texts, so only the default (English) stays.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)$/.test(args.resolveDir) ? { path: join(args.resolveDir, '..', 'locales', 'en.js'), namespace: 'zod-locales' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/**
 * Builds the bundle and its metadata into `dist/`. Fails when the bundle pulls in server code
 * (the database, the HTTP framework) or grows past the gzip budget.
 * @returns {Promise<{ file: string, version: string, hash: string, integrity: string, bytes: number, gzipBytes: number, path: string }>}
 */
export async function buildStaff({ outDir = distDir } = {}) {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const result = await build({
    ...browserModule,
    absWorkingDir: root,
    entryPoints: ['src/index.ts'],
    target: ['es2022', 'chrome110', 'firefox110', 'safari16.4'],
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [zodEnglishOnly],
  });
  const { body, gzipBytes } = checkedBundle(result, {
    name: 'the staff bundle',
    budget: GZIP_BUDGET_BYTES,
    forbiddenWhat: 'server code',
    forbidden: (path) => /node_modules\/(drizzle-orm|hono|postgres|pino|jose)\//.test(path) || /packages\/api\//.test(path),
  });
  const metadata = describeBundle({ file: bundleFile, version: pkg.version, body, gzipBytes });
  const path = await writeBundle(outDir, { file: bundleFile, body, metadataFile, metadata });
  return { ...metadata, path };
}

export const smartLaunchFile = 'smart-launch.js';
/** The budget of the SMART launch app, gzipped: the SMART client library and the page. */
export const SMART_GZIP_BUDGET_BYTES = 40 * 1024;

/**
 * Builds the SMART launch app (`src/smart-launch.ts`, with the SMART client library `fhirclient`)
 * into `dist/smart-launch.js`, which the service serves under `/smart/`. It loads the staff
 * elements' module itself, from its versioned URL, when it opens a plan.
 * @returns {Promise<{ path: string, bytes: number, gzipBytes: number }>}
 */
export async function buildSmartLaunch({ outDir = distDir } = {}) {
  const result = await build({
    ...browserModule,
    absWorkingDir: root,
    entryPoints: ['src/smart-launch.ts'],
    target: ['es2022', 'chrome110', 'firefox110', 'safari16.4'],
    // fhirclient's build for current browsers: no fetch polyfill.
    define: { 'process.env.NODE_ENV': '"production"', FHIRCLIENT_PURE: 'true' },
  });
  const { body, gzipBytes } = checkedBundle(result, {
    name: 'the SMART launch app',
    budget: SMART_GZIP_BUDGET_BYTES,
    forbiddenWhat: 'server code',
    forbidden: (path) => /node_modules\/(drizzle-orm|hono|postgres|pino)\//.test(path) || /packages\/api\//.test(path),
  });
  const path = await writeBundle(outDir, { file: smartLaunchFile, body });
  return { path, bytes: body.length, gzipBytes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildStaff();
  const where = relative(process.cwd(), built.path) || built.path;
  process.stdout.write(`staff elements: ${where} ${built.bytes} bytes, ${built.gzipBytes} gzipped, ${built.integrity}\n`);
  const smart = await buildSmartLaunch();
  process.stdout.write(`SMART launch app: ${relative(process.cwd(), smart.path) || smart.path} ${smart.bytes} bytes, ${smart.gzipBytes} gzipped\n`);
}
