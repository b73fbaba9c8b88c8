// What the builds of the element bundles share (packages/widget/build.mjs,
// packages/staff/build.mjs): esbuild's options for one minified ES module for browsers, the
// checks on what went into it and on its gzipped size, the metadata the service serves it by,
// and writes that a reader never sees half of.
import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** esbuild's options for an element bundle: one minified module, the same bytes from the same sources. */
export const browserModule = Object.freeze({
  bundle: true,
  format: 'esm',
  platform: 'browser',
  minify: true,
  legalComments: 'eof',
  charset: 'utf8',
  sourcemap: false,
  metafile: true,
  write: false,
  logLevel: 'silent',
  // Lit's production build: no dev-mode warnings.
  conditions: ['production'],
});

/**
 * The indentation of the template literals in a minified module dropped: esbuild keeps a
 * template's text as written, and outside templates its minified output has no line starting
 * with blanks. Only for modules whose templates are HTML and CSS without preformatted text,
 * where a line break is as much white space as a line break and its indentation.
 * @param {string} code
 */
export function withoutTemplateIndentation(code) {
  return code.replace(/\n[ \t]+/g, '\n');
}

/**
 * The module esbuild made, checked: fails when an input is `forbidden` (it says which, as
 * `forbiddenWhat`) or the module gzipped is over `budget` bytes. `name` names the bundle in errors.
 * `transform`, when given, rewrites the module's text before it is checked.
 * @param {import('esbuild').BuildResult<{ metafile: true, write: false }>} result
 * @param {{ name: string, budget: number, forbidden: (path: string) => boolean, forbiddenWhat: string, transform?: (code: string) => string }} check
 * @returns {{ body: Buffer, gzipBytes: number }}
 */
export function checkedBundle(result, { name, budget, forbidden, forbiddenWhat, transform }) {
  const refused = Object.keys(result.metafile.inputs).filter(forbidden);
  if (refused.length > 0) throw new Error(`${name} must not include ${forbiddenWhat}:\n  ${refused.join('\n  ')}`);
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild wrote no output');
  const body = transform ? Buffer.from(transform(output.text), 'utf8') : Buffer.from(output.contents);
  const gzipBytes = gzipSync(body, { level: 9 }).length;
  if (gzipBytes > budget) throw new Error(`${name} is ${gzipBytes} bytes gzipped, over the budget of ${budget}`);
  return { body, gzipBytes };
}

/** What the service serves a bundle by: its version, content hash, Subresource Integrity and sizes. */
export function describeBundle({ file, version, body, gzipBytes }) {
  return {
    file,
    version,
    hash: createHash('sha256').update(body).digest('hex').slice(0, 12),
    integrity: `sha384-${createHash('sha384').update(body).digest('base64')}`,
    bytes: body.length,
    gzipBytes,
  };
}

/** Writes next to the target and renames, so a reader never sees half a file. */
export async function writeAtomically(path, data) {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}

/**
 * Writes the bundle into `outDir` and, when named, the metadata that describes it; answers the
 * bundle's path.
 * @returns {Promise<string>}
 */
export async function writeBundle(outDir, { file, body, metadataFile, metadata }) {
  await mkdir(outDir, { recursive: true });
  // The bundle first, then what describes it: a reader that sees new metadata sees its bundle.
  await writeAtomically(join(outDir, file), body);
  if (metadataFile) await writeAtomically(join(outDir, metadataFile), `${JSON.stringify(metadata, null, 2)}\n`);
  return join(outDir, file);
}

