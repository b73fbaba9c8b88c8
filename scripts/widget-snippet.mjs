#!/usr/bin/env node
// `npm run widget:snippet`: builds the widget and writes the README's embedding snippet, with
// this build's versioned URL and Subresource Integrity, between the snippet markers. A test
// fails while the README names another build, so the snippet a portal copies always works.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = new URL('../', import.meta.url);
const dist = new URL('packages/widget/dist/', root);

export const readmePath = fileURLToPath(new URL('README.md', root));
export const START = '<!-- widget-snippet:start: written by `npm run widget:snippet` -->';
export const END = '<!-- widget-snippet:end -->';
/** The broker's address in the README's examples. */
export const EXAMPLE_ORIGIN = 'https://sip.example.se';

/** Builds the widget and returns what names this build, checked against the bundle's bytes. */
export async function buildCurrentWidget() {
  const { buildWidget } = await import(new URL('packages/widget/build.mjs', root).href);
  await buildWidget();
  const [bundle, metadataText] = await Promise.all([
    readFile(new URL('sip-relative-view.js', dist)),
    readFile(new URL('widget.json', dist), 'utf8'),
  ]);
  const metadata = JSON.parse(metadataText);
  const hash = createHash('sha256').update(bundle).digest('hex').slice(0, 12);
  const integrity = `sha384-${createHash('sha384').update(bundle).digest('base64')}`;
  if (metadata.hash !== hash || metadata.integrity !== integrity) {
    throw new Error('widget.json does not describe the bundle beside it');
  }
  return { version: metadata.version, hash, integrity };
}

/** The snippet for one build: the module at its versioned URL with its integrity, the element, and the portal's own script. */
export function renderSnippet({ hash, integrity }) {
  return [
    '```html',
    `<script type="module" src="${EXAMPLE_ORIGIN}/widget/${hash}/sip-relative-view.js"`,
    `        integrity="${integrity}" crossorigin="anonymous"></script>`,
    '',
    `<sip-relative-view api-base="${EXAMPLE_ORIGIN}" lang="sv"></sip-relative-view>`,
    '',
    '<!-- The portal\'s own script file: it hands the element the token (no inline script). -->',
    '<script type="module" src="/js/relatives.js"></script>',
    '```',
  ].join('\n');
}

function markers(readme) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no snippet between ${START} and ${END}`);
  return { start: start + START.length, end };
}

/** The snippet the README has now. */
export function snippetIn(readme) {
  const { start, end } = markers(readme);
  return readme.slice(start, end).trim();
}

/** The README with the given snippet between its markers. */
export function withSnippet(readme, snippet) {
  const { start, end } = markers(readme);
  return `${readme.slice(0, start)}\n${snippet}\n${readme.slice(end)}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const build = await buildCurrentWidget();
  const readme = await readFile(readmePath, 'utf8');
  const updated = withSnippet(readme, renderSnippet(build));
  if (updated === readme) {
    process.stdout.write(`README.md already embeds widget ${build.version} (${build.hash})\n`);
  } else {
    await writeFile(readmePath, updated);
    process.stdout.write(`README.md now embeds widget ${build.version} (${build.hash})\n`);
  }
}
