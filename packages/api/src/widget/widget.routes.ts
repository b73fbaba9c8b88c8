import { createHash } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { problemSchema } from '@sip/shared';
import type { AppEnv } from '../http/context.ts';
import { ProblemError } from '../http/errors.ts';
import { PROBLEM_CONTENT_TYPE, problemBody } from '../http/problem-response.ts';
import { createRouter } from '../http/router.ts';
import { individualViewBundle, staffBundle, widgetBuildSource, widgetBundle, type ElementBundle, type WidgetBuild } from './widget-build.ts';

const JAVASCRIPT = 'text/javascript; charset=utf-8';
const REVALIDATE = 'no-cache';
const IMMUTABLE = 'public, max-age=31536000, immutable';

const bundleMetadataSchema = (bundle: ElementBundle, id: string) => z
  .object({
    file: z.literal(bundle.file),
    version: z.string().describe('The widget package version'),
    hash: z.string().describe("The first 12 hex digits of the bundle's SHA-256"),
    integrity: z.string().describe('Subresource Integrity of the bundle, for the script tag'),
    path: z.string().describe('The versioned, immutable URL path of this build'),
    url: z.string().describe('The same, absolute'),
  })
  .meta({ id });

/** The current path of a build's bundle: changes with every build, so it can be cached for a year. */
export function versionedPath(build: Pick<WidgetBuild, 'hash'>, bundle: ElementBundle = widgetBundle): string {
  return `${bundle.prefix}/${build.hash}/${bundle.file}`;
}

/** 503 `widget-not-built`: a clear answer, never a 500, while the bundle has not been built. */
function notBuilt(c: Context<AppEnv>, bundle: ElementBundle, reason: string): Response {
  const body = {
    ...problemBody(c, 'not-ready', `${bundle.notBuiltTitle} (${reason}). Build it with: ${bundle.buildCommand}`),
    type: 'urn:sip-broker:problem:widget-not-built',
    title: bundle.notBuiltTitle,
  };
  return c.body(JSON.stringify(body), 503, { 'content-type': PROBLEM_CONTENT_TYPE, 'cache-control': 'no-store' });
}

/** Whether the request accepts a content coding by name (a `q=0` refuses it). */
function accepts(header: string | undefined, name: 'br' | 'gzip'): boolean {
  return (header ?? '').split(',').some((entry) => {
    const [coding, ...params] = entry.trim().toLowerCase().split(';');
    if (coding?.trim() !== name) return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

/** Whether If-None-Match names one of the given entity tags (weak comparison, as RFC 9110 asks). */
function matchesAny(ifNoneMatch: string | undefined, etags: string[]): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = new Set(etags.map(opaque));
  return ifNoneMatch.split(',').some((tag) => wanted.has(opaque(tag)));
}

/**
 * The bundle (or a module of it), compressed as it was once at load: brotli when accepted, else
 * gzip when accepted, else as built; with an ETag per encoding and 304 when the client has it.
 */
function serveBundle(c: Context<AppEnv>, build: Pick<WidgetBuild, 'hash' | 'body' | 'gzip' | 'br'>, cacheControl: string): Response {
  const acceptEncoding = c.req.header('accept-encoding');
  const coding = accepts(acceptEncoding, 'br') ? 'br' : accepts(acceptEncoding, 'gzip') ? 'gzip' : undefined;
  const tag = (suffix?: string) => `"${build.hash}${suffix ? `-${suffix}` : ''}"`;
  const headers: Record<string, string> = {
    'content-type': JAVASCRIPT,
    'cache-control': cacheControl,
    etag: tag(coding),
    vary: 'Accept-Encoding',
  };
  if (matchesAny(c.req.header('if-none-match'), [tag(), tag('gzip'), tag('br')])) {
    const { 'content-type': _type, ...notModified } = headers;
    return c.body(null, 304, notModified);
  }
  if (coding) headers['content-encoding'] = coding;
  // A Uint8Array is a BodyInit; Hono's typing asks for its own buffer types.
  return c.body((coding ? build[coding] : build.body) as Uint8Array<ArrayBuffer>, 200, headers);
}

/**
 * An element bundle: its module at a revalidated URL and at an immutable versioned one, and the
 * metadata a host page needs for its script tag. No authentication: the bundle is public code;
 * CORS and `Cross-Origin-Resource-Policy: cross-origin` are set for the whole path in app.ts.
 */
function createBundleRoutes(bundle: ElementBundle, distDir: string, summary: string, metadataId: string) {
  const loadBuild = widgetBuildSource(distDir, bundle);
  const metadataSchema = bundleMetadataSchema(bundle, metadataId);

  return createRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: `${bundle.prefix}/${bundle.metadataFile}`,
        tags: [bundle.tag],
        summary,
        responses: {
          200: { description: 'The current build', content: { 'application/json': { schema: metadataSchema } } },
          503: {
            description: `${bundle.notBuiltTitle} (\`type\` ends in \`widget-not-built\`)`,
            content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } },
          },
        },
      }),
      async (c) => {
        const load = await loadBuild();
        if (!load.built) return notBuilt(c, bundle, load.reason) as never;
        const { build } = load;
        const path = versionedPath(build, bundle);
        const { publicUrl } = c.get('deps').config;
        const metadata = {
          file: bundle.file,
          version: build.version,
          hash: build.hash,
          integrity: build.integrity,
          path,
          url: `${publicUrl}${path}`,
        };
        const etag = `"${createHash('sha256').update(JSON.stringify(metadata)).digest('hex').slice(0, 16)}"`;
        const headers = { 'cache-control': REVALIDATE, etag };
        if (matchesAny(c.req.header('if-none-match'), [etag])) return c.body(null, 304, headers) as never;
        return c.json(metadata, 200, headers);
      },
    )
    .get(`${bundle.prefix}/${bundle.file}`, async (c) => {
      const load = await loadBuild();
      if (!load.built) return notBuilt(c, bundle, load.reason);
      return serveBundle(c, load.build, REVALIDATE);
    })
    .get(`${bundle.prefix}/:hash/${bundle.file}`, async (c) => {
      const load = await loadBuild();
      if (!load.built) return notBuilt(c, bundle, load.reason);
      if (c.req.param('hash') !== load.build.hash) {
        // Not cached: during a rolling deploy another instance may already serve that build.
        throw new ProblemError('not-found', `No such ${bundle.name} build; the current one is at ${versionedPath(load.build, bundle)}`, {
          headers: { 'cache-control': 'no-store' },
        });
      }
      return serveBundle(c, load.build, IMMUTABLE);
    })
    // The modules the bundle loads on demand (the widget's languages and parts), beside it: at the versioned
    // path, and beside the revalidated URL for a page that loads that. Each file is named by its
    // content, so both are immutable.
    .get(`${bundle.prefix}/:hash/:file{[\\w.-]+\\.js}`, async (c) => {
      const load = await loadBuild();
      if (!load.built) return notBuilt(c, bundle, load.reason);
      if (c.req.param('hash') !== load.build.hash) {
        throw new ProblemError('not-found', `No such ${bundle.name} build; the current one is at ${versionedPath(load.build, bundle)}`, {
          headers: { 'cache-control': 'no-store' },
        });
      }
      return serveModule(c, bundle, load.build, c.req.param('file'));
    })
    .get(`${bundle.prefix}/:file{[\\w.-]+\\.js}`, async (c) => {
      const load = await loadBuild();
      if (!load.built) return notBuilt(c, bundle, load.reason);
      return serveModule(c, bundle, load.build, c.req.param('file'));
    });
}

/** One module of the build the bundle loads on demand, by its file name; any other name is a 404. */
function serveModule(c: Context<AppEnv>, bundle: ElementBundle, build: WidgetBuild, file: string): Response {
  const module = build.modules.get(file);
  if (!module) throw new ProblemError('not-found', `The current ${bundle.name} build has no such module`, { headers: { 'cache-control': 'no-store' } });
  // The file's name ends in its content hash: its entity tag.
  const hash = /\.([0-9a-f]{12})\.js$/.exec(file)![1]!;
  return serveBundle(c, { hash, ...module }, IMMUTABLE);
}

/** `<sip-relative-view>`, for relatives' portals. */
export function createWidgetRoutes(options: { distDir: string }) {
  return createBundleRoutes(
    widgetBundle,
    options.distDir,
    "The current widget build: its versioned URL and the integrity for the portal's script tag",
    'WidgetMetadata',
  );
}

/** `<sip-individual-view>`, for the portals where individuals sign in to see their own plan. */
export function createIndividualViewRoutes(options: { distDir: string }) {
  return createBundleRoutes(
    individualViewBundle,
    options.distDir,
    "The current build of the individual's view: its versioned URL and the integrity for the portal's script tag",
    'IndividualViewMetadata',
  );
}

/** The staff elements, for case systems and health records. */
export function createStaffElementRoutes(options: { distDir: string }) {
  return createBundleRoutes(
    staffBundle,
    options.distDir,
    "The current build of the staff elements: its versioned URL and the integrity for the host system's script tag",
    'StaffElementsMetadata',
  );
}
