#!/usr/bin/env node
// Builds the staff elements into one minified ES module with Lit and the API's own schemas
// inside, dist/sip-staff.js, and describes it in dist/staff.json (version, content hash,
// Subresource Integrity, sizes) for the service that serves it under a versioned URL.
// The same sources give the same bytes. Run it (`node packages/staff/build.mjs`) or import
// it (`await buildStaff()`).
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

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
 * Zod's classic API re-exports every one of its message locales, and none of them can be
 * shaken out; the schemas speak English to the elements (which put the problems in their own
 * words), so only the English locale comes in.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer) ? { path: join(dirname(args.importer), args.path), namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(join(dirname(args.path), 'en.js'))};`,
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

async function writeAtomically(path, data) {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

/**
 * Builds the bundle and its metadata into `dist/`. Fails when the bundle pulls in server code
 * (the database, the HTTP framework) or grows past the gzip budget.
 * @returns {Promise<{ file: string, version: string, hash: string, integrity: string, bytes: number, gzipBytes: number, path: string }>}
 */
export async function buildStaff({ outDir = distDir } = {}) {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  const result = await build({
    absWorkingDir: root,
    entryPoints: ['src/index.ts'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16.4'],
    minify: true,
    legalComments: 'eof',
    charset: 'utf8',
    sourcemap: false,
    metafile: true,
    write: false,
    logLevel: 'silent',
    conditions: ['production'],
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [zodEnglishOnly],
  });
  const inputs = Object.keys(result.metafile.inputs);
  const serverCode = inputs.filter((path) => /node_modules\/(drizzle-orm|hono|postgres|pino|jose)\//.test(path) || /packages\/api\//.test(path));
  if (serverCode.length > 0) {
    throw new Error(`the staff bundle must not include server code:\n  ${serverCode.join('\n  ')}`);
  }
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild wrote no output');
  const body = Buffer.from(output.contents);
  const gzipBytes = gzipSync(body, { level: 9 }).length;
  if (gzipBytes > GZIP_BUDGET_BYTES) {
    throw new Error(`the staff bundle is ${gzipBytes} bytes gzipped, over the budget of ${GZIP_BUDGET_BYTES}`);
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
  await writeAtomically(join(outDir, bundleFile), body);
  await writeAtomically(join(outDir, metadataFile), `${JSON.stringify(metadata, null, 2)}\n`);
  return { ...metadata, path: join(outDir, bundleFile) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildStaff();
  const where = relative(process.cwd(), built.path) || built.path;
  process.stdout.write(`staff elements: ${where} ${built.bytes} bytes, ${built.gzipBytes} gzipped, ${built.integrity}\n`);
}
