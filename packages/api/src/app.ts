import type { MiddlewareHandler } from 'hono';
import { OpenAPIHono } from '@hono/zod-openapi';
import { kickAccessLogChainer } from './access-log/access-log.ts';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import { accessLogRoutes } from './access-log/access-log.routes.ts';
import { authenticate } from './auth/middleware.ts';
import { sessionRoutes } from './auth/session.routes.ts';
import { tokenExchangeRoutes } from './auth/token-exchange.routes.ts';
import { createSmartRoutes, smartPageHeaders } from './smart/smart.routes.ts';
import { devRoutes } from './demo/dev.routes.ts';
import { docsRoutes } from './docs/docs.routes.ts';
import { fhirRoutes } from './fhir/fhir.routes.ts';
import { healthRoutes } from './health/health.routes.ts';
import { ServiceMetrics } from './health/metrics.ts';
import { planEventsRoutes } from './plans/events.routes.ts';
import { plansRoutes } from './plans/plans.routes.ts';
import { meRoutes } from './relatives/me.routes.ts';
import { ownRoutes } from './individual/own.routes.ts';
import { documentsRoutes } from './documents/documents.routes.ts';
import { organisationsRoutes } from './organisations/organisations.routes.ts';
import { relativesRoutes } from './relatives/relatives.routes.ts';
import { reportsRoutes } from './reports/reports.routes.ts';
import { createStaffDemoRoutes, staffDemoHeaders } from './staff-demo/staff-demo.routes.ts';
import { createDemoPageRoutes, demoPageHeaders } from './widget/demo.routes.ts';
import { defaultStaffDistDir, defaultWidgetDistDir } from './widget/widget-build.ts';
import { createIndividualViewRoutes, createStaffElementRoutes, createWidgetRoutes } from './widget/widget.routes.ts';
import type { AppDeps, AppEnv } from './http/context.ts';
import { publicationRoutes } from './publish/publication.routes.ts';
import { errorToOperationOutcome, fhirResponse, isFhirPath, operationOutcome } from './fhir/outcome.ts';
import { changeAnswerHeaders, declaredLength, noStore, requestIds, requestLog, requireJsonBody } from './http/middleware.ts';
import { allowedMethods, pathKnown } from './http/methods.ts';
import { refuseUnstorable } from './http/storable.ts';
import { errorToResponse, problemResponse } from './http/problem-response.ts';

const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d{1,5})?$/;

/** Whether a browser origin may call the API and load the widget. */
export function originAllowed(origin: string, deps: Pick<AppDeps, 'config'>): boolean {
  if (deps.config.allowedOrigins.includes(origin)) return true;
  return deps.config.demoMode && LOOPBACK_ORIGIN.test(origin);
}

const apiHeaderOptions = {
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] },
  crossOriginResourcePolicy: 'same-site',
  strictTransportSecurity: 'max-age=31536000; includeSubDomains',
};
const apiHeaders = secureHeaders(apiHeaderOptions);
// The widget is loaded by portals on other sites: same-site would block it.
const widgetHeaders = secureHeaders({ ...apiHeaderOptions, crossOriginResourcePolicy: 'cross-origin' });
const pageHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    // Swagger UI sets inline styles on its elements.
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
  },
  strictTransportSecurity: 'max-age=31536000; includeSubDomains',
});

/** Builds the broker's HTTP app from its dependencies. No globals: tests build their own. */
export function createApp(appDeps: AppDeps) {
  const deps: AppDeps = { ...appDeps, metrics: appDeps.metrics ?? new ServiceMetrics() };
  const app = new OpenAPIHono<AppEnv>({ strict: false });

  app.use('*', deps.metrics!.middleware);
  app.use('*', requestIds);
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
  });
  app.use('*', requestLog);
  // Entries a request wrote to the access log are linked into its chain after it has
  // answered, outside its transaction: one chainer, in batches, never on a request's path.
  const chainFailed = (error: unknown) => deps.logger.error({ event: 'access-log.chain-failed', error: (error as Error).name }, 'access log entries not linked yet: tried again after the next request');
  for (const path of ['/api/*', '/fhir/*']) {
    app.use(path, async (_c, next) => {
      try {
        await next();
      } finally {
        void kickAccessLogChainer(deps.database.db, chainFailed);
      }
    });
  }
  for (const path of ['/api', '/api/*', '/fhir', '/fhir/*', '/token']) app.use(path, noStore);
  const demoPage = deps.config.demoMode && deps.demo !== undefined;
  // The SMART app, launched from a health record: wherever launches are exchanged for staff tokens.
  const smartApp = deps.tokenExchange !== undefined;
  const smartHeaders = smartPageHeaders(deps);
  app.use('*', (c, next) => {
    const path = c.req.path;
    if (path.startsWith('/docs')) return pageHeaders(c, next);
    if (smartApp && path.startsWith('/smart/')) return smartHeaders(c, next);
    if (path.startsWith('/widget/') || path.startsWith('/staff/')) return widgetHeaders(c, next);
    if (demoPage && (path === '/demo/staff' || path.startsWith('/demo/staff/'))) return staffDemoHeaders(c, next);
    if (demoPage && (path === '/demo' || path.startsWith('/demo/'))) return demoPageHeaders(c, next);
    return apiHeaders(c, next);
  });
  const exposeHeaders = ['ETag', 'Location', 'X-Request-Id', 'Retry-After', 'Idempotent-Replayed'];
  const corsPreflight = cors({
    origin: (origin) => (originAllowed(origin, deps) ? origin : null),
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Idempotency-Key', 'Last-Event-ID', 'Prefer', 'X-Request-Id'],
    exposeHeaders,
    maxAge: 600,
    credentials: false,
  });
  // Preflights are Hono's cors middleware's. An actual request's CORS headers are the same as it
  // gives them, set here among the headers the route's answer is made with: Hono's sets them on
  // `c.res` before the route has answered, and the answer is then copied into a new Response
  // (about 0.1 ms of CPU a request, 6 % of a part update's).
  const exposed = exposeHeaders.join(',');
  const corsMiddleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (c.req.method === 'OPTIONS') return corsPreflight(c, next);
    const origin = c.req.header('origin');
    if (origin !== undefined && originAllowed(origin, deps)) c.header('Access-Control-Allow-Origin', origin);
    c.header('Access-Control-Expose-Headers', exposed);
    await next();
    // Whatever Vary the answer has, it also varies by Origin.
    changeAnswerHeaders(c, (headers) => headers.append('Vary', 'Origin'));
  };
  for (const path of ['/api/*', '/dev/*', '/fhir/*', '/widget/*', '/staff/*']) app.use(path, corsMiddleware);
  const limitBody = bodyLimit({
    maxSize: deps.config.bodyLimitBytes,
    onError: (c) =>
      isFhirPath(c.req.path)
        ? fhirResponse(c, operationOutcome('too-long', `The body may be at most ${deps.config.bodyLimitBytes} bytes`), 413)
        : problemResponse(c, 'payload-too-large', `The body may be at most ${deps.config.bodyLimitBytes} bytes`),
  });
  // Only requests that may carry a body: reading one on a GET costs every read. A body whose
  // Content-Length is sent (and no Transfer-Encoding) is held to it by Node's HTTP parser, so the
  // limit is checked on that header alone and the body is later read once, straight off the
  // socket. Hono's bodyLimit looks at the body stream first, which makes the Node adapter build a
  // whole fetch Request around it (about 0.1 ms of CPU, 7 % of a part update's); it still bounds
  // chunked bodies, counting as they are read.
  app.use('*', (c, next) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) return next();
    const length = declaredLength(c);
    return length === undefined || length > deps.config.bodyLimitBytes ? limitBody(c, next) : next();
  });
  // Who asks comes first: on a known path of the API, a request without a valid token is a 401
  // before its body or its values are looked at (a path the API does not have stays a 404).
  app.use('/api/*', (c, next) => (pathKnown(app, c) ? authenticate(c, next) : next()));
  app.use('/api/*', requireJsonBody);
  app.use('/dev/*', requireJsonBody);
  app.use('/api/*', refuseUnstorable);
  app.use('/dev/*', refuseUnstorable);

  app.route('/', healthRoutes);
  app.route('/', sessionRoutes);
  if (deps.tokenExchange) app.route('/', tokenExchangeRoutes);
  app.route('/', organisationsRoutes);
  app.route('/', plansRoutes);
  app.route('/', publicationRoutes);
  app.route('/', relativesRoutes);
  app.route('/', meRoutes);
  app.route('/', ownRoutes);
  app.route('/', documentsRoutes);
  app.route('/', planEventsRoutes);
  app.route('/', accessLogRoutes);
  app.route('/', reportsRoutes);
  app.route('/', fhirRoutes);
  app.route('/', docsRoutes);
  // The individual's view first: its path is within the relatives' widget's, and is answered
  // before any route of the widget's that takes a build's hash and a file by name.
  app.route('/', createIndividualViewRoutes({ distDir: deps.config.widgetDistDir ?? defaultWidgetDistDir }));
  app.route('/', createWidgetRoutes({ distDir: deps.config.widgetDistDir ?? defaultWidgetDistDir }));
  app.route('/', createStaffElementRoutes({ distDir: deps.config.staffDistDir ?? defaultStaffDistDir }));
  if (deps.config.demoMode && deps.demo) app.route('/', devRoutes);
  if (demoPage) app.route('/', createDemoPageRoutes());
  if (demoPage) app.route('/', createStaffDemoRoutes());
  if (smartApp) app.route('/', createSmartRoutes({ distDir: deps.config.staffDistDir ?? defaultStaffDistDir }));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Staff tokens (audience: staff) or citizen e-ID tokens (audience: citizen)',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'SIP broker',
      version: '0.1.0',
      description:
        'One shared SIP (samordnad individuell plan) for the municipality and the region, with a standing relatives section. Errors are RFC 9457 application/problem+json. ' +
        'New to the API? Start with `docs/getting-started.md` in the repository: tokens, reading and changing a plan (`If-Match`), relatives\u2019 answers (`Idempotency-Key`), errors, live events and the relatives\u2019 widget.',
    },
    servers: [{ url: deps.config.publicUrl }],
  });

  // Each face answers in its own error format: the FHIR face with OperationOutcome, the rest with
  // problem+json, whichever layer the error comes from.
  app.notFound((c) => {
    // A known path asked with a method it does not have: 405, naming the ones it has.
    const allow = allowedMethods(app, c.req.path);
    if (allow.length > 0) {
      const detail = `${c.req.method} is not allowed here; this path takes ${allow.join(', ')}`;
      const headers = { Allow: allow.join(', ') };
      if (isFhirPath(c.req.path)) return fhirResponse(c, operationOutcome('not-supported', detail), 405, headers);
      return problemResponse(c, 'method-not-allowed', detail, { headers });
    }
    if (isFhirPath(c.req.path)) return fhirResponse(c, operationOutcome('not-found', 'Not supported by this FHIR server: see /fhir/metadata'), 404);
    return problemResponse(c, 'not-found', `No route for ${c.req.method} ${c.req.path}`);
  });
  app.onError((error, c) => (isFhirPath(c.req.path) ? errorToOperationOutcome(error, c, deps.logger) : errorToResponse(error, c, deps.logger)));
  return app;
}

export type App = ReturnType<typeof createApp>;
