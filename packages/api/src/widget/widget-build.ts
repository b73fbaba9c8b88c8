import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { z } from 'zod';

export { defaultStaffDistDir, defaultWidgetDistDir } from '../files.ts';

export const WIDGET_FILE = 'sip-relative-view.js' as const;
export const WIDGET_METADATA_FILE = 'widget.json';

/** One of the element bundles the service serves: where its URLs live and what its build writes. */
export interface ElementBundle {
  /** What it is called in messages. */
  name: string;
  /** The title of the problem a request gets before it is built. */
  notBuiltTitle: string;
  /** The OpenAPI tag of its routes. */
  tag: string;
  /** The URL path it is served under, e.g. `/widget`. */
  prefix: string;
  /** The bundle's file name, in its dist folder and in its URLs. */
  file: string;
  /** The metadata file its build writes beside the bundle. */
  metadataFile: string;
  /** How to build it, for the message a request gets before it is built. */
  buildCommand: string;
}

/** `<sip-relative-view>`, the relatives' widget. */
export const widgetBundle: ElementBundle = {
  name: 'widget',
  notBuiltTitle: 'The widget is not built',
  tag: 'Widget',
  prefix: '/widget',
  file: WIDGET_FILE,
  metadataFile: WIDGET_METADATA_FILE,
  buildCommand: 'node packages/widget/build.mjs',
};

/**
 * `<sip-individual-view>`, the individual's own view: built by the widget package beside the
 * relatives' widget, a module of its own, served under a path of its own within the widget's
 * (so the widget's CORS and headers hold for it, and no route of either bundle answers for the other).
 */
export const individualViewBundle: ElementBundle = {
  name: "individual's view",
  notBuiltTitle: "The individual's view is not built",
  tag: 'Widget',
  prefix: '/widget/individual',
  file: 'sip-individual-view.js',
  metadataFile: 'individual-view.json',
  buildCommand: 'node packages/widget/build-individual.mjs',
};

/** The staff elements (`<sip-plan-editor>` and the others), one module. */
export const staffBundle: ElementBundle = {
  name: 'staff elements',
  notBuiltTitle: 'The staff elements are not built',
  tag: 'Staff elements',
  prefix: '/staff',
  file: 'sip-staff.js',
  metadataFile: 'staff.json',
  buildCommand: 'node packages/staff/build.mjs',
};

/** What the widget build writes beside the bundle; the hash and integrity are checked against the bytes. */
const metadataSchema = z.object({
  file: z.string().optional(),
  version: z.string().min(1),
  hash: z.string().regex(/^[0-9a-f]{12}$/),
  integrity: z.string().startsWith('sha384-'),
  /** The modules the bundle loads on demand (the widget's languages and parts), beside it, each named by its content. */
  modules: z
    .array(z.object({ file: z.string().regex(/^[\w-]+(\.[\w-]+)*\.[0-9a-f]{12}\.js$/), integrity: z.string().startsWith('sha384-') }))
    .optional(),
});

/** One module a bundle loads on demand: its bytes as built, gzipped and brotli-compressed. */
export interface BundleModule {
  body: Uint8Array;
  gzip: Uint8Array;
  br: Uint8Array;
}

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/**
 * The bytes compressed as served, gzip (level 9) and brotli (its best), once per content in this
 * process (by its SHA-384, which the caller has checked): every app that serves the same build
 * shares them. Compressed off the event loop, on libuv's threads: brotli at its best takes
 * over a second for the staff elements, which would otherwise stall every request meanwhile.
 */
const compressedByIntegrity = new Map<string, Promise<{ gzip: Uint8Array; br: Uint8Array }>>();
function compressed(body: Uint8Array, integrity: string): Promise<{ gzip: Uint8Array; br: Uint8Array }> {
  let done = compressedByIntegrity.get(integrity);
  if (!done) {
    done = Promise.all([
      gzipAsync(body, { level: 9 }),
      brotliAsync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }),
    ]).then(([gzip, br]) => ({ gzip, br }));
    compressedByIntegrity.set(integrity, done);
    done.catch(() => compressedByIntegrity.delete(integrity));
  }
  return done;
}

/** One build of the widget, in memory: the bytes as built, gzipped and brotli-compressed, and what names them. */
export interface WidgetBuild {
  version: string;
  /** The first 12 hex digits of the bundle's SHA-256: the versioned URL's segment. */
  hash: string;
  /** Subresource Integrity of the bundle (`sha384-…`). */
  integrity: string;
  body: Uint8Array;
  gzip: Uint8Array;
  br: Uint8Array;
  /** The modules it loads on demand, by file name; none for a bundle that loads none. */
  modules: ReadonlyMap<string, BundleModule>;
}

export type WidgetLoad = { built: true; build: WidgetBuild } | { built: false; reason: string };

function digest(algorithm: 'sha256' | 'sha384', bytes: Uint8Array, encoding: 'hex' | 'base64'): string {
  return createHash(algorithm).update(bytes).digest(encoding);
}

/** Reads one build from a dist folder; a missing, partial or inconsistent build is a reason, not an exception. */
export async function readWidgetBuild(distDir: string, bundle: ElementBundle = widgetBundle): Promise<WidgetLoad> {
  const { file, metadataFile } = bundle;
  let body: Uint8Array;
  let metadataText: string;
  try {
    [body, metadataText] = await Promise.all([
      readFile(join(distDir, file)),
      readFile(join(distDir, metadataFile), 'utf8'),
    ]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { built: false, reason: `${file} and ${metadataFile} are not both there` };
    }
    throw error;
  }
  let metadata: z.infer<typeof metadataSchema>;
  try {
    metadata = metadataSchema.parse(JSON.parse(metadataText));
  } catch {
    return { built: false, reason: `${metadataFile} is not a build's metadata` };
  }
  const hash = digest('sha256', body, 'hex').slice(0, 12);
  const integrity = `sha384-${digest('sha384', body, 'base64')}`;
  if (metadata.hash !== hash || metadata.integrity !== integrity) {
    return { built: false, reason: `${metadataFile} does not describe ${file} (a build in progress?)` };
  }
  const bodies: { file: string; body: Uint8Array; integrity: string }[] = [];
  for (const module of metadata.modules ?? []) {
    let moduleBody: Uint8Array;
    try {
      moduleBody = await readFile(join(distDir, module.file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { built: false, reason: `${module.file}, which ${metadataFile} names, is not there` };
      throw error;
    }
    if (`sha384-${digest('sha384', moduleBody, 'base64')}` !== module.integrity) {
      return { built: false, reason: `${metadataFile} does not describe ${module.file}` };
    }
    bodies.push({ file: module.file, body: moduleBody, integrity: module.integrity });
  }
  const [own, ...each] = await Promise.all([compressed(body, integrity), ...bodies.map((m) => compressed(m.body, m.integrity))]);
  const modules = new Map<string, BundleModule>(bodies.map((m, i) => [m.file, { body: m.body, ...each[i]! }]));
  return { built: true, build: { version: metadata.version, hash, integrity, body, ...own!, modules } };
}

/**
 * The widget build an app serves: read once, at the first request that needs it. A build
 * that is not there yet is looked for again at the next request, so building the widget
 * after the service started needs no restart; a new build once one was served does.
 */
export function widgetBuildSource(distDir: string, bundle: ElementBundle = widgetBundle): () => Promise<WidgetLoad> {
  let loaded: Promise<WidgetLoad> | undefined;
  return () => {
    loaded ??= readWidgetBuild(distDir, bundle).then(
      (load) => {
        if (!load.built) loaded = undefined;
        return load;
      },
      (error: unknown) => {
        loaded = undefined;
        throw error;
      },
    );
    return loaded;
  };
}
