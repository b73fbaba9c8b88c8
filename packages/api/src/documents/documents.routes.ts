/**
 * The plan as a document people can keep: an accessible (tagged) PDF, for staff (the whole plan
 * or the meeting version), for a relative (their version) and for the individual (the whole
 * plan). Each is the same read as the JSON route beside it, under the same policy and answering
 * 403/404 as it does, and each download is in the access log.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { apiToken } from '@sip/shared';
import type { Context } from 'hono';
import { accepts } from 'hono/accepts';
import type { AppEnv } from '../http/context.ts';
import { bearerSecurity, problemResponses } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { OwnPlansService } from '../individual/own.service.ts';
import { plansService, staffActor } from '../plans/context.ts';
import { authz } from '../policy/authorize.ts';
import { MeService, type Citizen } from '../relatives/me.service.ts';
import { renderPdf } from './pdf.ts';
import { meetingDocument, relativeDocument, wholeDocument, wholeFromOwn, wholeFromStaff, type DocumentView } from './plan-document.ts';
import type { DocumentLanguage } from './texts.ts';

const planId = apiToken(100).openapi({ param: { name: 'planId', in: 'path' }, description: 'The plan id (UUID)' });
const langQuery = z
  .enum(['sv', 'en'])
  .optional()
  .openapi({ description: 'The language of the document; absent: the first of Swedish and English the `Accept-Language` header asks for, else Swedish' });
const pdf = {
  description: 'The document: a tagged PDF (PDF/UA) with an embedded font; its footer says which version of the plan it shows and when it was made',
  headers: {
    'Content-Disposition': { schema: { type: 'string' as const }, description: 'attachment; filename="sip-<view>-<plan id>-v<revision>.pdf"' },
  },
  content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
};
const errors = problemResponses(400, 401, 403, 404);
const SAID = 'The same read as the JSON route, under the same rule; the download is in the access log.';

/** The language asked for: `?lang`, else the first of sv and en in Accept-Language, else Swedish. */
function language(c: Context<AppEnv>, asked: DocumentLanguage | undefined): DocumentLanguage {
  if (asked) return asked;
  return accepts(c, {
    header: 'Accept-Language',
    supports: ['sv', 'en'],
    default: 'sv',
    match: (ranges) => {
      const known = ranges
        .filter((r) => r.q > 0)
        .sort((a, b) => b.q - a.q)
        .map((r) => r.type.toLowerCase().split('-')[0])
        .find((tag) => tag === 'sv' || tag === 'en');
      return known ?? 'sv';
    },
  }) as DocumentLanguage;
}

function citizen(c: Context<AppEnv>): Citizen {
  const principal = c.get('principal');
  if (principal.kind !== 'citizen') throw new Error('citizen route reached without a citizen principal');
  return { personId: principal.personId, requestId: c.get('requestId') ?? null };
}

/** The PDF as an attachment whose name says nothing about the person: the view, the plan id, the revision. */
function attachment(c: Context<AppEnv>, bytes: Buffer, view: DocumentView, id: string, revision: number, lang: DocumentLanguage) {
  // Made on the context, so that the headers every answer gets (its request id, CORS) are on it.
  return c.body(new Uint8Array(bytes), 200, {
    'Content-Type': 'application/pdf',
    'Content-Disposition': `attachment; filename="sip-${view}-${id}-v${revision}.pdf"`,
    'Content-Language': lang === 'sv' ? 'sv-SE' : 'en-GB',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
}

const now = (c: Context<AppEnv>) => c.get('deps').clock.now();

export const documentsRoutes = createRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/plans/{planId}/document.pdf',
      tags: ['Plans'],
      summary: 'The plan as an accessible PDF: the whole plan, or the meeting version',
      description: `\`view=whole\` (the default): the plan as it reaches my organisation. \`view=meeting\`: participants, agenda points drawn from the plan (goals, what is due for follow-up, open commitments) and space for notes. ${SAID}`,
      security: bearerSecurity,
      middleware: [...authz('plan.document')],
      request: {
        params: z.object({ planId }),
        query: z.object({ view: z.enum(['whole', 'meeting']).default('whole').openapi({ description: 'Which document' }), lang: langQuery }),
      },
      responses: { 200: pdf, ...errors },
    }),
    async (c) => {
      const { view, lang: asked } = c.req.valid('query');
      const plan = await plansService(c).get(staffActor(c), c.req.valid('param').planId, 'plan.document');
      const lang = language(c, asked);
      const at = now(c);
      const whole = wholeFromStaff(plan, at);
      const model = view === 'meeting' ? meetingDocument(whole, lang, at) : wholeDocument(whole, lang, at);
      return attachment(c, await renderPdf(model, at), view, plan.id, plan.revision, lang) as never;
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/me/plans/{planId}/document.pdf',
      tags: ['My plans (relatives)'],
      summary: 'My version of the plan as an accessible PDF: what the individual lets me see, and my own part',
      description: `Exactly what \`GET /api/me/plans/{planId}\` answers, as a document. ${SAID}`,
      security: bearerSecurity,
      middleware: [...authz('me.document')],
      request: { params: z.object({ planId }), query: z.object({ lang: langQuery }) },
      responses: { 200: pdf, ...errors },
    }),
    async (c) => {
      const { clock, database } = c.get('deps');
      const { view, revision, changedAt } = await new MeService(database.db, () => clock.now()).readDocument(citizen(c), c.req.valid('param').planId);
      const lang = language(c, c.req.valid('query').lang);
      const at = now(c);
      return attachment(c, await renderPdf(relativeDocument(view, { revision, changedAt, madeAt: at }, lang), at), 'relative', view.planId, revision, lang) as never;
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/api/me/own-plans/{planId}/document.pdf',
      tags: ['My own plans (the individual)'],
      summary: 'My own SIP, whole, as an accessible PDF',
      description: `Exactly what \`GET /api/me/own-plans/{planId}\` answers, as a document. Only the individual the plan is about. ${SAID}`,
      security: bearerSecurity,
      middleware: [...authz('own.document')],
      request: { params: z.object({ planId }), query: z.object({ lang: langQuery }) },
      responses: { 200: pdf, ...errors },
    }),
    async (c) => {
      const { clock, database } = c.get('deps');
      const plan = await new OwnPlansService(database.db, () => clock.now()).read(citizen(c), c.req.valid('param').planId, 'own.document');
      const lang = language(c, c.req.valid('query').lang);
      const at = now(c);
      return attachment(c, await renderPdf(wholeDocument(wholeFromOwn(plan), lang, at, 'own'), at), 'own', plan.planId, plan.revision, lang) as never;
    },
  );
