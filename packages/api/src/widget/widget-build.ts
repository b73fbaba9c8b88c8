import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';

/** The widget package's build output, beside this package in the workspace. */
export const defaultWidgetDistDir = fileURLToPath(new URL('../../../widget/dist/', import.meta.url));

export const WIDGET_FILE = 'sip-relative-view.js' as const;
export const WIDGET_METADATA_FILE = 'widget.json';

/** What the widget build writes beside the bundle; the hash and integrity are checked against the bytes. */
const metadataSchema = z.object({
  file: z.string().optional(),
  version: z.string().min(1),
  hash: z.string().regex(/^[0-9a-f]{12}$/),
  integrity: z.string().startsWith('sha384-'),
});

/** One build of the widget, in memory: the bytes as built and gzipped, and what names them. */
export interface WidgetBuild {
  version: string;
  /** The first 12 hex digits of the bundle's SHA-256: the versioned URL's segment. */
  hash: string;
  /** Subresource Integrity of the bundle (`sha384-…`). */
  integrity: string;
  body: Uint8Array;
  gzip: Uint8Array;
}

export type WidgetLoad = { built: true; build: WidgetBuild } | { built: false; reason: string };

function digest(algorithm: 'sha256' | 'sha384', bytes: Uint8Array, encoding: 'hex' | 'base64'): string {
  return createHash(algorithm).update(bytes).digest(encoding);
}

/** Reads one build from a dist folder; a missing, partial or inconsistent build is a reason, not an exception. */
export async function readWidgetBuild(distDir: string): Promise<WidgetLoad> {
  let body: Uint8Array;
  let metadataText: string;
  try {
    [body, metadataText] = await Promise.all([
      readFile(join(distDir, WIDGET_FILE)),
      readFile(join(distDir, WIDGET_METADATA_FILE), 'utf8'),
    ]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { built: false, reason: `${WIDGET_FILE} and ${WIDGET_METADATA_FILE} are not both there` };
    }
    throw error;
  }
  let metadata: z.infer<typeof metadataSchema>;
  try {
    metadata = metadataSchema.parse(JSON.parse(metadataText));
  } catch {
    return { built: false, reason: `${WIDGET_METADATA_FILE} is not a widget build's metadata` };
  }
  const hash = digest('sha256', body, 'hex').slice(0, 12);
  const integrity = `sha384-${digest('sha384', body, 'base64')}`;
  if (metadata.hash !== hash || metadata.integrity !== integrity) {
    return { built: false, reason: `${WIDGET_METADATA_FILE} does not describe ${WIDGET_FILE} (a build in progress?)` };
  }
  return { built: true, build: { version: metadata.version, hash, integrity, body, gzip: gzipSync(body, { level: 9 }) } };
}

/**
 * The widget build an app serves: read once, at the first request that needs it. A build
 * that is not there yet is looked for again at the next request, so building the widget
 * after the service started needs no restart; a new build once one was served does.
 */
export function widgetBuildSource(distDir: string): () => Promise<WidgetLoad> {
  let loaded: Promise<WidgetLoad> | undefined;
  return () => {
    loaded ??= readWidgetBuild(distDir).then(
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
