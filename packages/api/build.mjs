#!/usr/bin/env node
// Builds the service for production into dist/main.js: its sources and the workspace packages it
// runs (@sip/shared, @sip/fhir-peer for the demo upstreams) in one ES module for Node, with its
// dependencies left to node_modules, and the pages it serves copied beside it. Started with
// `node packages/api/dist/main.js`: plain Node, no TypeScript at run time. It finds what it reads
// (migrations, the elements' builds, the pages) from there as from src/ (src/files.ts says how).
// Run it (`node packages/api/build.mjs`) or import it (`await buildService()`).
import { copyFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
export const distDir = join(root, 'dist');
export const mainFile = 'main.js';

/** The workspace's own packages are TypeScript sources: they go into the bundle. */
const WORKSPACE = /^@sip\//;

/** Every other package is imported at run time from node_modules, as it is installed. */
const dependenciesExternal = {
  name: 'dependencies-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => (WORKSPACE.test(args.path) ? undefined : { path: args.path, external: true }));
  },
};

/** `zod/v4/core` → `zod`, `@hono/node-server/vercel` → `@hono/node-server`. */
const packageName = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/**
 * Builds dist/main.js (or into `outDir`, a folder directly in this package: the service finds
 * this package's files at `../` from its main module) and copies the pages beside it. Fails when
 * the bundle imports a package this package does not list in its `dependencies`, as a production
 * install (`pnpm install --prod`) would not have it.
 * @returns {Promise<{ path: string, bytes: number, external: string[] }>}
 */
export async function buildService({ outDir = distDir } = {}) {
  if (dirname(outDir) !== root) throw new Error(`the service is built into a folder directly in ${root}, not ${outDir}`);
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  await rm(outDir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { main: 'src/main.ts' },
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    sourcemap: 'linked',
    plugins: [dependenciesExternal],
    metafile: true,
    logLevel: 'warning',
  });
  const builtins = new Set(builtinModules);
  const external = [
    ...new Set(
      Object.values(result.metafile.outputs)
        .flatMap((output) => output.imports)
        .filter((i) => i.external && !i.path.startsWith('node:') && !builtins.has(i.path))
        .map((i) => packageName(i.path)),
    ),
  ].sort();
  const missing = external.filter((name) => !pkg.dependencies?.[name]);
  if (missing.length > 0) throw new Error(`the service imports packages ${pkg.name} does not depend on: ${missing.join(', ')}`);
  // The pages it serves: what src/ holds besides TypeScript.
  for (const entry of await readdir(join(root, 'src'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.endsWith('.ts')) continue;
    const from = join(entry.parentPath ?? entry.path, entry.name);
    const to = join(outDir, relative(join(root, 'src'), from));
    await mkdir(dirname(to), { recursive: true });
    await copyFile(from, to);
  }
  const path = join(outDir, mainFile);
  return { path, bytes: result.metafile.outputs[relative(root, path)]?.bytes ?? 0, external };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildService();
  process.stdout.write(`service: ${relative(process.cwd(), built.path) || built.path} ${built.bytes} bytes; start it with: node ${relative(process.cwd(), built.path)}\n`);
}
