/**
 * Values a FHIR server refuses are refused where they come in: a 422 problem naming the field,
 * never a plan that cannot be published. Every date, date-time, code and text field the API
 * takes, against generated defects of its type.
 */
import type { PlanView } from '@sip/shared';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import {
  buildTestApp,
  consentInput,
  describeEachDatabase,
  expectProblem,
  planInput,
  staffClient,
  type TestApp,
  usePeers,
} from '../test-support/index.ts';

const peers = usePeers();
const runs = { numRuns: Number(process.env.FC_RUNS ?? 60) };

type Kind = 'text' | 'comment' | 'date' | 'dateTime' | 'code';
const pad = (n: number, width: number) => String(n).padStart(width, '0');

// Defects of each type, as a FHIR server would refuse them.
const anyYear = fc.integer({ min: 1, max: 9999 });
const month = fc.integer({ min: 1, max: 12 });
const day = fc.integer({ min: 1, max: 28 });
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const dateDefects = fc.oneof(
  fc.tuple(month, day).map(([m, d]) => `0000-${pad(m, 2)}-${pad(d, 2)}`),
  fc.tuple(anyYear, fc.constantFrom('02-30', '02-31', '04-31', '06-31', '09-31', '11-31', '13-01', '00-10', '05-00', '05-32')).map(([y, md]) => `${pad(y, 4)}-${md}`),
  anyYear.filter((y) => !isLeap(y)).map((y) => `${pad(y, 4)}-02-29`),
  fc.tuple(anyYear, month).map(([y, m]) => `${pad(y, 4)}-${pad(m, 2)}`),
  fc.tuple(anyYear, month, day).map(([y, m, d]) => `${y}-${m}-${d}`).filter((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s)),
  fc.tuple(fc.integer({ min: 10000, max: 99999 }), month, day).map(([y, m, d]) => `${y}-${pad(m, 2)}-${pad(d, 2)}`),
);
const validDate = fc.tuple(fc.integer({ min: 1900, max: 2100 }), month, day).map(([y, m, d]) => `${y}-${pad(m, 2)}-${pad(d, 2)}`);
const time = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 })).map(([h, m, s]) => `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}`);
const tooFarOffset = fc.oneof(
  fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 1, max: 59 })).map(([sign, m]) => `${sign}14:${pad(m, 2)}`),
  fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 15, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([sign, h, m]) => `${sign}${h}:${pad(m, 2)}`),
);
const dateTimeDefects = fc.oneof(
  fc.tuple(month, day, time).map(([m, d, t]) => `0000-${pad(m, 2)}-${pad(d, 2)}T${t}Z`),
  fc.tuple(validDate, time, tooFarOffset).map(([d, t, z]) => `${d}T${t}${z}`),
  fc.tuple(validDate, time).map(([d, t]) => `${d}T${t.slice(0, 5)}+01:00`),
  fc.tuple(validDate, time).map(([d, t]) => `${d}T${t}`),
  validDate,
  fc.tuple(anyYear, fc.constantFrom('02-30', '04-31', '11-31'), time).map(([y, md, t]) => `${pad(y, 4)}-${md}T${t}Z`),
  validDate.map((d) => `${d}T23:59:60Z`),
  validDate.map((d) => `${d}T24:00:00Z`),
);
const loneSurrogate = fc.oneof(fc.integer({ min: 0xd800, max: 0xdbff }), fc.integer({ min: 0xdc00, max: 0xdfff })).map((c) => String.fromCharCode(c));
const control = fc.integer({ min: 0, max: 0x1f }).filter((c) => ![0x09, 0x0a, 0x0d].includes(c)).map((c) => String.fromCharCode(c));
const baseText = fc.constantFrom('Hemtjänst', 'Bengt Nilsson', 'Samtal om avlastning', 'Möte hemma hos Astrid');
/** Valid text with one bad character put anywhere in it; a lone surrogate stays lone (an 'x' keeps it from pairing). */
const withBad = (bad: fc.Arbitrary<string>) =>
  fc.tuple(baseText, bad, fc.nat()).map(([text, char, at]) => {
    const i = at % (text.length + 1);
    return `${text.slice(0, i)}x${char}x${text.slice(i)}`;
  });
const textDefects = fc.oneof(withBad(loneSurrogate), withBad(control), fc.constantFrom('', ' ', '\n\t '));
const commentDefects = fc.oneof(withBad(loneSurrogate), withBad(control));
const codeDefects = fc.oneof(fc.constantFrom('', ' DAU', 'DAU ', 'DA  U', 'D\tAU'), withBad(loneSurrogate).map((s) => s.replace(/ /g, '')));
const defects: Record<Kind, fc.Arbitrary<string>> = { text: textDefects, comment: commentDefects, date: dateDefects, dateTime: dateTimeDefects, code: codeDefects };

interface Fixture {
  plan: PlanView;
  partId: string;
  partVersion: number;
  bengtId: string;
  commitmentId: string;
}

/** One field of the API: where it is sent, and the JSON pointer a refusal names. */
interface Target {
  name: string;
  kind: Kind;
  pointer: string;
  as: 'coordinator' | 'relative';
  request: (f: Fixture, value: string) => { path: string; method: string; body: unknown; ifMatch?: number };
}

const plan = (f: Fixture) => `/api/plans/${f.plan.id}`;
const relative = (f: Fixture) => `${plan(f)}/relatives/${f.bengtId}`;
const section = (f: Fixture) => f.plan.relativesSection.version;
const sharing = { categories: ['goals'], form: 'written', recordedAt: '2026-11-20T10:00:00+01:00', recordedBy: { name: 'Sara Lind' } };

const targets: Target[] = [
  { name: 'create: title', kind: 'text', pointer: '/title', as: 'coordinator', request: (_f, v) => ({ path: '/api/plans', method: 'POST', body: planInput({ title: v }) }) },
  { name: 'create: individual name', kind: 'text', pointer: '/individual/name', as: 'coordinator', request: (_f, v) => ({ path: '/api/plans', method: 'POST', body: planInput({ individual: { personId: '194003019801', name: v } }) }) },
  { name: 'create: meeting', kind: 'dateTime', pointer: '/meetings/0/at', as: 'coordinator', request: (_f, v) => ({ path: '/api/plans', method: 'POST', body: planInput({ meetings: [{ at: v, place: 'Hemma' }] }) }) },
  { name: 'create: follow-up', kind: 'date', pointer: '/followUp/date', as: 'coordinator', request: (_f, v) => ({ path: '/api/plans', method: 'POST', body: planInput({ followUp: { date: v, by: { name: 'Sara Lind' } } }) }) },
  { name: 'plan: coordinator', kind: 'text', pointer: '/coordinator/name', as: 'coordinator', request: (f, v) => ({ path: plan(f), method: 'PATCH', body: { coordinator: { name: v } }, ifMatch: f.plan.version }) },
  { name: 'plan: need', kind: 'text', pointer: '/needs/0/text', as: 'coordinator', request: (f, v) => ({ path: plan(f), method: 'PATCH', body: { needs: [{ text: v }] }, ifMatch: f.plan.version }) },
  { name: 'plan: meeting', kind: 'dateTime', pointer: '/meetings/1/at', as: 'coordinator', request: (f, v) => ({ path: plan(f), method: 'PATCH', body: { meetings: [{ at: '2026-11-20T10:00:00+01:00' }, { at: v }] }, ifMatch: f.plan.version }) },
  { name: 'plan: follow-up', kind: 'date', pointer: '/followUp/date', as: 'coordinator', request: (f, v) => ({ path: plan(f), method: 'PATCH', body: { followUp: { date: v, by: { name: 'Sara Lind' } } }, ifMatch: f.plan.version }) },
  { name: 'part: goal', kind: 'text', pointer: '/goals/0/text', as: 'coordinator', request: (f, v) => ({ path: `${plan(f)}/parts/${f.partId}`, method: 'PATCH', body: { goals: [{ text: v }] }, ifMatch: f.partVersion }) },
  { name: 'part: intervention', kind: 'text', pointer: '/interventions/0/title', as: 'coordinator', request: (f, v) => ({ path: `${plan(f)}/parts/${f.partId}`, method: 'PATCH', body: { interventions: [{ title: v, status: 'planned' }] }, ifMatch: f.partVersion }) },
  { name: 'part: start date', kind: 'date', pointer: '/interventions/0/startDate', as: 'coordinator', request: (f, v) => ({ path: `${plan(f)}/parts/${f.partId}`, method: 'PATCH', body: { interventions: [{ title: 'Dusch', status: 'decided', startDate: v }] }, ifMatch: f.partVersion }) },
  { name: 'consent: recorded', kind: 'dateTime', pointer: '/recordedAt', as: 'coordinator', request: (f, v) => ({ path: `${plan(f)}/consent`, method: 'PUT', body: consentInput({ recordedAt: v }), ifMatch: f.plan.version }) },
  { name: 'consent: revoked', kind: 'dateTime', pointer: '/revokedAt', as: 'coordinator', request: (f, v) => ({ path: `${plan(f)}/consent`, method: 'PUT', body: consentInput({ revokedAt: v }), ifMatch: f.plan.version }) },
  { name: 'consent: valid until', kind: 'date', pointer: '/scope/validUntil', as: 'coordinator', request: (f, v) => ({ path: `${plan(f)}/consent`, method: 'PUT', body: consentInput({ scope: { ...consentInput().scope, validUntil: v } }), ifMatch: f.plan.version }) },
  { name: 'consent: recorded by', kind: 'text', pointer: '/recordedBy/name', as: 'coordinator', request: (f, v) => ({ path: `${plan(f)}/consent`, method: 'PUT', body: consentInput({ recordedBy: { name: v } }), ifMatch: f.plan.version }) },
  { name: 'participant', kind: 'text', pointer: '/name', as: 'coordinator', request: (f, v) => ({ path: `${plan(f)}/participants`, method: 'POST', body: { kind: 'invited', name: v }, ifMatch: f.plan.version }) },
  { name: 'relative: name', kind: 'text', pointer: '/name', as: 'coordinator', request: (f, v) => ({ path: `${plan(f)}/relatives`, method: 'POST', body: { name: v, relationship: { text: 'dotter' }, child: false, sharesHome: false }, ifMatch: section(f) }) },
  { name: 'relative: relationship', kind: 'code', pointer: '/relationship/code', as: 'coordinator', request: (f, v) => ({ path: `${plan(f)}/relatives`, method: 'POST', body: { name: 'Maria', relationship: { code: v, text: 'dotter' }, child: false, sharesHome: false }, ifMatch: section(f) }) },
  { name: 'relative: renamed', kind: 'text', pointer: '/name', as: 'coordinator', request: (f, v) => ({ path: relative(f), method: 'PATCH', body: { name: v }, ifMatch: section(f) }) },
  { name: 'sharing: from', kind: 'date', pointer: '/validFrom', as: 'coordinator', request: (f, v) => ({ path: `${relative(f)}/sharing`, method: 'PUT', body: { ...sharing, validFrom: v }, ifMatch: section(f) }) },
  { name: 'sharing: recorded', kind: 'dateTime', pointer: '/recordedAt', as: 'coordinator', request: (f, v) => ({ path: `${relative(f)}/sharing`, method: 'PUT', body: { ...sharing, recordedAt: v }, ifMatch: section(f) }) },
  { name: 'informed: at', kind: 'dateTime', pointer: '/at', as: 'coordinator', request: (f, v) => ({ path: `${relative(f)}/informed`, method: 'POST', body: { at: v, what: 'Planen', by: { name: 'Sara Lind' } }, ifMatch: section(f) }) },
  { name: 'informed: what', kind: 'text', pointer: '/what', as: 'coordinator', request: (f, v) => ({ path: `${relative(f)}/informed`, method: 'POST', body: { at: '2026-11-20T10:00:00+01:00', what: v, by: { name: 'Sara Lind' } }, ifMatch: section(f) }) },
  { name: 'support: request', kind: 'dateTime', pointer: '/requests/0/at', as: 'coordinator', request: (f, v) => ({ path: `${relative(f)}/support`, method: 'PUT', body: { offered: [], requests: [{ kind: 'contact-consultant', at: v }] }, ifMatch: section(f) }) },
  { name: 'support: note', kind: 'text', pointer: '/requests/0/note', as: 'coordinator', request: (f, v) => ({ path: `${relative(f)}/support`, method: 'PUT', body: { offered: [], requests: [{ kind: 'contact-consultant', at: '2026-11-20T10:00:00Z', note: v }] }, ifMatch: section(f) }) },
  { name: 'relative: answer', kind: 'comment', pointer: '/comment', as: 'relative', request: (f, v) => ({ path: `/api/me/plans/${f.plan.id}/commitments/${f.commitmentId}/answer`, method: 'POST', body: { answer: 'accept', comment: v } }) },
  { name: 'relative: home', kind: 'comment', pointer: '/comment', as: 'relative', request: (f, v) => ({ path: `/api/me/plans/${f.plan.id}/home-consent`, method: 'POST', body: { consent: true, comment: v } }) },
  { name: 'relative: request', kind: 'comment', pointer: '/note', as: 'relative', request: (f, v) => ({ path: `/api/me/plans/${f.plan.id}/requests`, method: 'POST', body: { kind: 'contact-consultant', note: v } }) },
];

describeEachDatabase('values FHIR refuses are refused at the API', (ctx) => {
  let t: TestApp;
  let coordinator: Awaited<ReturnType<typeof staffClient>>;
  let bengt: string;
  let f: Fixture;

  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls });
    coordinator = await staffClient(t, 'region-coordinator');
    bengt = await t.tokenFor('bengt');
    const shared = await coordinator.createSharedPlan();
    const bengtId = shared.relativesSection.relatives.find((r) => r.personId === '193805129818')!.id;
    const proposed = await coordinator.request(`/api/plans/${shared.id}/relatives/${bengtId}/commitments`, {
      method: 'POST',
      ifMatch: shared.relativesSection.version,
      body: { what: 'Handla mat', howOften: 'Varje vecka', from: '2026-12-01', reviewDate: '2027-06-01' },
    });
    expect(proposed.status).toBe(201);
    const commitmentId = ((await proposed.json()) as { id: string }).id;
    const current = (await (await coordinator.request(`/api/plans/${shared.id}`)).json()) as PlanView;
    const part = current.parts.find((p) => p.principal === 'region')!;
    f = { plan: current, partId: part.id, partVersion: part.version, bengtId, commitmentId };
  });

  const send = async (target: Target, value: string) => {
    const { path, method, body, ifMatch } = target.request(f, value);
    const token = target.as === 'relative' ? bengt : coordinator.token;
    return t.app.request(path, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'Idempotency-Key': crypto.randomUUID(),
        ...(ifMatch !== undefined ? { 'If-Match': `W/"${ifMatch}"` } : {}),
      },
      // JSON.stringify writes a lone surrogate as \ud800: the server reads it back as one.
      body: JSON.stringify(body),
    });
  };

  it('every field is refused with 422 naming it, for every defect of its type; nothing is stored', async () => {
    const plansBefore = (await (await coordinator.request('/api/plans?limit=100')).json()) as { total: number };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...targets).chain((target) => defects[target.kind].map((value) => [target, value] as const)),
        async ([target, value]) => {
          const res = await send(target, value);
          const problem = await expectProblem(res, 422);
          expect(problem.errors?.map((e) => e.path), `${target.name}: ${JSON.stringify(value)}`).toContain(target.pointer);
          // The refusal names the field and says what is wrong, never the value itself.
          if (value.trim().length > 2) expect(JSON.stringify(problem)).not.toContain(JSON.stringify(value).slice(1, -1));
        },
      ),
      runs,
    );
    const after = (await (await coordinator.request(`/api/plans/${f.plan.id}`)).json()) as PlanView;
    expect(after.revision).toBe(f.plan.revision);
    const plansAfter = (await (await coordinator.request('/api/plans?limit=100')).json()) as { total: number };
    expect(plansAfter.total).toBe(plansBefore.total);
  });

  it('each field takes a good value of its type (the same requests, not refused for anything else)', async () => {
    const good: Record<Kind, string> = { text: 'Hemtjänst kl.\u00A010 😀', comment: 'Det går bra', date: '2026-12-24', dateTime: '2026-12-24T15:00:00+14:00', code: 'DAU' };
    // The withdrawal of the consent last: after it, the plan takes no more changes.
    const last = (t: Target) => (t.name === 'consent: revoked' ? 1 : 0);
    for (const target of [...targets].sort((a, b) => last(a) - last(b))) {
      const res = await send(target, good[target.kind]);
      expect(res.status, `${target.name}: ${await res.clone().text()}`).not.toBe(422);
      expect(res.status, target.name).toBeLessThan(300);
      // Keep the fixture's versions current for the next good value.
      const current = (await (await coordinator.request(`/api/plans/${f.plan.id}`)).json()) as PlanView;
      const part = current.parts.find((p) => p.id === f.partId)!;
      f = { ...f, plan: current, partVersion: part.version };
    }
  });
});
