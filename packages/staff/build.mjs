#!/usr/bin/env node
// Builds the staff elements into one minified ES module with Lit and the API's own schemas
// inside, dist/sip-staff.js, and describes it in dist/staff.json (version, content hash,
// Subresource Integrity, sizes) for the service that serves it under a versioned URL.
// The yearly report's charts (Chart.js) and texts are a module of their own beside it,
// dist/sip-staff-report.<hash>.js, which `<sip-report>` fetches only when it is used (checked
// against the Subresource Integrity the bundle carries for it), named in staff.json's `modules`.
// The same sources give the same bytes. Run it (`node packages/staff/build.mjs`) or import
// it (`await buildStaff()`).
import { createHash } from 'node:crypto';
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
 * The budget for the bundle, gzipped. Larger than the relatives' widget's: six elements, and
 * the API's own schemas (zod) so that a form is checked by the rules the service applies.
 * `<sip-report>` (its texts, the report's schema and figure names) added 9 KB; its chart
 * library is not in it but in the report module, under a budget of its own.
 */
export const GZIP_BUDGET_BYTES = 128 * 1024;

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

const target = ['es2022', 'chrome110', 'firefox110', 'safari16.4'];

/** The budget of the report module (Chart.js and the report's texts), gzipped. */
export const REPORT_GZIP_BUDGET_BYTES = 64 * 1024;

/** The report module's file: named by its content, so its URL never serves other bytes. */
export function reportModuleFile(hash) {
  return `sip-staff-report.${hash}.js`;
}

/**
 * The yearly report's module (`src/report/module.ts`): Chart.js and the report's texts, with
 * neither Lit nor zod (the bundle has them, and a second Lit would ask a strict page's Trusted
 * Types for its policy twice).
 */
async function buildReportModule() {
  const result = await build({
    ...browserModule,
    absWorkingDir: root,
    entryPoints: ['src/report/module.ts'],
    target,
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const { body, gzipBytes } = checkedBundle(result, {
    name: 'the report module',
    budget: REPORT_GZIP_BUDGET_BYTES,
    forbiddenWhat: 'Lit, zod or server code',
    forbidden: (path) => /node_modules\/(lit|lit-html|lit-element|@lit|zod|drizzle-orm|hono|postgres)\//.test(path) || /packages\/api\//.test(path),
  });
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return {
    file: reportModuleFile(hash),
    integrity: `sha384-${createHash('sha384').update(body).digest('base64')}`,
    bytes: body.length,
    gzipBytes,
    body,
  };
}

/**
 * Puts in place of `src/report/load.ts` a loader of the built report module: fetched from
 * beside the bundle (the same versioned path) as a module preload with its integrity, so the
 * browser refuses other bytes, then imported from the module map the preload filled.
 */
function reportModulePlugin(module) {
  return {
    name: 'sip-report-module',
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/]report[\\/]load\.ts$/ }, () => ({
        loader: 'js',
        contents: `const file = ${JSON.stringify(module.file)};
const integrity = ${JSON.stringify(module.integrity)};
let loading;
export function loadReportModule() {
  loading ??= new Promise((resolve, reject) => {
    const href = new URL(file, import.meta.url).href;
    const link = document.createElement('link');
    link.rel = 'modulepreload';
    link.crossOrigin = 'anonymous';
    link.integrity = integrity;
    link.href = href;
    link.onload = () => resolve(import(href));
    link.onerror = () => reject(new Error(file));
    document.head.append(link);
  }).catch((error) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
`,
      }));
    },
  };
}

/**
 * Builds the bundle and its metadata into `dist/`. Fails when the bundle pulls in server code
 * (the database, the HTTP framework) or grows past the gzip budget.
 * @returns {Promise<{ file: string, version: string, hash: string, integrity: string, bytes: number, gzipBytes: number, path: string }>}
 */
export async function buildStaff({ outDir = distDir } = {}) {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const report = await buildReportModule();
  const result = await build({
    ...browserModule,
    absWorkingDir: root,
    entryPoints: ['src/index.ts'],
    target,
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [zodEnglishOnly, reportModulePlugin(report)],
  });
  const { body, gzipBytes } = checkedBundle(result, {
    name: 'the staff bundle',
    budget: GZIP_BUDGET_BYTES,
    forbiddenWhat: 'server code',
    forbidden: (path) => /node_modules\/(drizzle-orm|hono|postgres|pino|jose|chart\.js)\//.test(path) || /packages\/api\//.test(path),
  });
  const metadata = {
    ...describeBundle({ file: bundleFile, version: pkg.version, body, gzipBytes }),
    modules: [{ file: report.file, integrity: report.integrity, bytes: report.bytes, gzipBytes: report.gzipBytes }],
  };
  // The module first: the bundle that names it is written after it.
  await writeBundle(outDir, { file: report.file, body: report.body });
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
    target,
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
  for (const m of built.modules) process.stdout.write(`  ${m.file} ${m.bytes} bytes, ${m.gzipBytes} gzipped\n`);
  const smart = await buildSmartLaunch();
  process.stdout.write(`SMART launch app: ${relative(process.cwd(), smart.path) || smart.path} ${smart.bytes} bytes, ${smart.gzipBytes} gzipped\n`);
}
