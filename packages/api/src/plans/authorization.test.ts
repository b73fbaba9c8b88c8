/**
 * The authorisation matrix, generated from the policy table: for every operation with an HTTP
 * face, every kind of caller and every state of the individual's consent, the service answers
 * exactly what `decide` says. A new operation without a probe here does not type-check.
 */
import { decide, operations, policy, type ActorKind, type Operation, type PlanView, type Situation } from '@sip/shared';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../db/rows.ts';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildTestApp,
  consentInput,
  describeEachDatabase,
  MARIA_RELATIVE,
  OTHER_REGION,
  planInput,
  staffClient,
  type TestApp,
  usePeers,
} from '../test-support/index.ts';
import { createTestIssuer } from '../test-support/tokens.ts';

const peers = usePeers();

type Who =
  | 'regionCoordinator'
  | 'regionStaff'
  | 'regionAuditor'
  | 'municipalityCoordinator'
  | 'municipalityStaff'
  | 'outsider'
  | 'relative'
  | 'stranger'
  | 'individual';

/** What kind of actor each caller is, in the policy's terms. */
const kinds: Record<Who, ActorKind> = {
  regionCoordinator: 'coordinator',
  regionStaff: 'staff',
  regionAuditor: 'auditor',
  municipalityCoordinator: 'coordinator',
  municipalityStaff: 'staff',
  outsider: 'coordinator',
  relative: 'relative',
  stranger: 'relative',
  individual: 'relative',
};

/**
 * The kind a caller acts as in an operation: a citizen is a relative or the individual, as the
 * plan shows, so on the individual's own routes every citizen is asked about as the individual.
 */
function kindFor(operation: Operation, who: Who): ActorKind {
  const kind = kinds[who];
  if (kind !== 'relative') return kind;
  const actors: readonly ActorKind[] = policy[operation].actors;
  return actors.includes('individual') && !actors.includes('relative') ? 'individual' : 'relative';
}
const callers = Object.keys(kinds) as Who[];

/** The states of the individual's consent a plan is probed in. */
type Scenario = 'before consent' | 'consent in force' | 'consent withdrawn';
const scenarios: Scenario[] = ['before consent', 'consent in force', 'consent withdrawn'];

/** A plan the region drew up for Astrid, in one scenario, with what the probes need of it. */
interface Fixture {
  plan: PlanView;
  /** Bengt: the relative who signs in (shares the home); a commitment proposed to him. */
  bengtId: string;
  commitmentId: string;
  /** Maria: the relative staff edit; the individual shares goals with her. */
  mariaId: string;
}

/** The individual's own facts: Astrid is an adult; what she withdraws is in force when the scenario says so. */
const own = (who: Who, withdrawable = false): Situation => ({ isIndividual: who === 'individual', individualChild: false, withdrawable });
const idempotent = () => ({ 'Idempotency-Key': crypto.randomUUID() });

type Send = (path: string, init?: { method?: string; body?: unknown; ifMatch?: number; headers?: Record<string, string> }) => Promise<Response>;

interface Probe {
  /** The status of success. */
  ok: number;
  /** A request that succeeds changes the plan so that it cannot succeed again: each success gets a plan of its own. */
  once?: boolean;
  /** Needs no plan: probed once, not per scenario. */
  planless?: boolean;
  /** The facts this probe presents beyond standing, status and sharing. */
  facts?: (who: Who, scenario: Scenario) => Situation;
  run(fixture: Fixture, send: Send, current: () => Promise<PlanView>): Promise<Response>;
}

const regionPart = (plan: PlanView) => plan.parts.find((p) => p.principal === 'region')!;
const isRegion = (who: Who) => who.startsWith('region');
const isMunicipality = (who: Who) => who.startsWith('municipality');

/** How each operation is reached; broker operations are probed through what the broker does. */
const probes: Record<Operation, Probe | 'broker'> = {
  'plan.create': {
    ok: 201,
    planless: true,
    facts: (who) => ({ ownOrganisationIsPrincipal: isRegion(who) || isMunicipality(who), principalsKnown: true }),
    run: (_f, send) => send('/api/plans', { method: 'POST', body: planInput() }),
  },
  'plan.list': { ok: 200, planless: true, run: (_f, send) => send('/api/plans') },
  'plan.read': { ok: 200, run: (f, send) => send(`/api/plans/${f.plan.id}`) },
  'plan.document': { ok: 200, run: (f, send) => send(`/api/plans/${f.plan.id}/document.pdf?view=meeting`) },
  'plan.update': {
    ok: 200,
    facts: (who, scenario) => ({ touchesWithheld: isMunicipality(who) && scenario !== 'consent in force' }),
    run: async (f, send, current) => send(`/api/plans/${f.plan.id}`, { method: 'PATCH', ifMatch: (await current()).version, body: { title: 'Ändrad' } }),
  },
  'consent.update': {
    ok: 200,
    once: true,
    run: async (f, send, current) => send(`/api/plans/${f.plan.id}/consent`, { method: 'PUT', ifMatch: (await current()).version, body: consentInput() }),
  },
  'participants.update': {
    ok: 200,
    run: async (f, send, current) =>
      send(`/api/plans/${f.plan.id}/participants`, { method: 'POST', ifMatch: (await current()).version, body: { kind: 'invited', name: 'Skolan' } }),
  },
  'status.change': {
    ok: 200,
    once: true,
    run: async (f, send, current) => send(`/api/plans/${f.plan.id}/status`, { method: 'POST', ifMatch: (await current()).version, body: { status: 'closed' } }),
  },
  'part.read': { ok: 200, run: (f, send) => send(`/api/plans/${f.plan.id}/parts/${regionPart(f.plan).id}`) },
  'part.update': {
    ok: 200,
    facts: (who) => ({ ownPart: isRegion(who) }),
    run: async (f, send, current) =>
      send(`/api/plans/${f.plan.id}/parts/${regionPart(f.plan).id}`, { method: 'PATCH', ifMatch: regionPart(await current()).version, body: { goals: [{ text: 'Mål' }] } }),
  },
  'plan.sync': { ok: 200, run: (f, send) => send(`/api/plans/${f.plan.id}/sync`, { method: 'POST' }) },
  'versions.read': { ok: 200, run: (f, send) => send(`/api/plans/${f.plan.id}/versions`) },
  'events.read': { ok: 200, run: (f, send) => send(`/api/plans/${f.plan.id}/events`) },
  'relatives.read': { ok: 200, run: (f, send) => send(`/api/plans/${f.plan.id}/relatives`) },
  'relatives.update': {
    ok: 200,
    run: async (f, send, current) =>
      send(`/api/plans/${f.plan.id}/relatives/${f.mariaId}`, { method: 'PATCH', ifMatch: (await current()).relativesSection.version, body: { phone: '+46701740099' } }),
  },
  'commitment.propose': {
    ok: 201,
    facts: () => ({ child: false }),
    run: async (f, send, current) =>
      send(`/api/plans/${f.plan.id}/relatives/${f.mariaId}/commitments`, {
        method: 'POST',
        ifMatch: (await current()).relativesSection.version,
        body: { what: 'Handla', howOften: 'Varje vecka', from: '2026-12-01', reviewDate: '2027-03-01' },
      }),
  },
  'commitment.cancel': {
    ok: 200,
    once: true,
    run: async (f, send, current) =>
      send(`/api/plans/${f.plan.id}/relatives/${f.bengtId}/commitments/${f.commitmentId}/cancel`, {
        method: 'POST',
        ifMatch: (await current()).relativesSection.version,
        body: {},
      }),
  },
  'worklist.read': { ok: 200, planless: true, run: (_f, send) => send('/api/worklist') },
  'organisations.read': { ok: 200, planless: true, run: (_f, send) => send('/api/organisations') },
  'access-log.read': { ok: 200, planless: true, run: (_f, send) => send('/api/access-log/verify') },
  'report.read': { ok: 200, planless: true, run: (_f, send) => send('/api/reports/relatives-support?from=2026-01-01&to=2026-12-31&by=quarter') },
  'me.list': { ok: 200, planless: true, run: (_f, send) => send('/api/me/plans') },
  'me.read': { ok: 200, facts: (who) => ({ isRelative: who === 'relative', child: false }), run: (f, send) => send(`/api/me/plans/${f.plan.id}`) },
  'me.document': { ok: 200, facts: (who) => ({ isRelative: who === 'relative', child: false }), run: (f, send) => send(`/api/me/plans/${f.plan.id}/document.pdf`) },
  'me.answer': {
    ok: 200,
    once: true,
    facts: (who) => ({ isRelative: who === 'relative', child: false }),
    run: (f, send) =>
      send(`/api/me/plans/${f.plan.id}/commitments/${f.commitmentId}/answer`, {
        method: 'POST',
        headers: { 'Idempotency-Key': crypto.randomUUID() },
        body: { answer: 'decline' },
      }),
  },
  'me.home-consent': {
    ok: 200,
    facts: (who) => ({ isRelative: who === 'relative', child: false }),
    run: (f, send) =>
      send(`/api/me/plans/${f.plan.id}/home-consent`, { method: 'POST', headers: { 'Idempotency-Key': crypto.randomUUID() }, body: { consent: true } }),
  },
  'me.request': {
    ok: 201,
    facts: (who) => ({ isRelative: who === 'relative', child: false }),
    run: (f, send) =>
      send(`/api/me/plans/${f.plan.id}/requests`, { method: 'POST', headers: { 'Idempotency-Key': crypto.randomUUID() }, body: { kind: 'contact-consultant' } }),
  },
  'own.read': { ok: 200, facts: (who) => own(who), run: (f, send) => send(`/api/me/own-plans/${f.plan.id}`) },
  'own.document': { ok: 200, facts: (who) => own(who), run: (f, send) => send(`/api/me/own-plans/${f.plan.id}/document.pdf`) },
  'own.access-log': { ok: 200, facts: (who) => own(who), run: (f, send) => send(`/api/me/own-plans/${f.plan.id}/access-log`) },
  'own.consent.give': {
    ok: 200,
    once: true,
    facts: (who) => own(who),
    run: (f, send) =>
      send(`/api/me/own-plans/${f.plan.id}/consent`, {
        method: 'PUT',
        headers: idempotent(),
        body: { decision: 'give', information: ['goals', 'contacts'], actors: [regionPart(f.plan).organisation.id] },
      }),
  },
  'own.consent.withdraw': {
    ok: 200,
    once: true,
    facts: (who, scenario) => own(who, scenario === 'consent in force'),
    run: (f, send) => send(`/api/me/own-plans/${f.plan.id}/consent`, { method: 'PUT', headers: idempotent(), body: { decision: 'withdraw' } }),
  },
  'own.sharing.give': {
    ok: 200,
    facts: (who) => own(who, true),
    run: (f, send) =>
      send(`/api/me/own-plans/${f.plan.id}/relatives/${f.mariaId}/sharing`, { method: 'PUT', headers: idempotent(), body: { decision: 'share', categories: ['goals'] } }),
  },
  'own.sharing.withdraw': {
    ok: 200,
    once: true,
    facts: (who) => own(who, true),
    run: (f, send) => send(`/api/me/own-plans/${f.plan.id}/relatives/${f.mariaId}/sharing`, { method: 'PUT', headers: idempotent(), body: { decision: 'withdraw' } }),
  },
  'own.goals': {
    ok: 200,
    facts: (who) => own(who),
    run: async (f, send, current) =>
      send(`/api/me/own-plans/${f.plan.id}/own-goals`, {
        method: 'PUT',
        headers: idempotent(),
        ifMatch: (await current()).version,
        body: { individualGoals: [{ text: 'Att få bo kvar hemma' }] },
      }),
  },
  'upstream.read': 'broker',
  'upstream.publish': 'broker',
  'worklist.raise': 'broker',
};

/** What the policy is told about a caller and a plan in a scenario: the same facts the service establishes. */
function situation(who: Who, scenario: Scenario, probe: Probe): Situation {
  const member = isRegion(who) || (isMunicipality(who) && scenario !== 'before consent');
  return {
    standing: isRegion(who) ? 'initiator' : member ? 'member' : 'none',
    status: scenario === 'consent withdrawn' ? 'consent_withdrawn' : 'draft',
    sharedWithMe: isRegion(who) || (isMunicipality(who) && scenario === 'consent in force'),
    ...probe.facts?.(who, scenario),
  };
}

function expected(operation: Operation, who: Who, scenario: Scenario, probe: Probe): number {
  const decision = decide(operation, kindFor(operation, who), situation(who, scenario, probe));
  return decision.allowed ? probe.ok : decision.status;
}

describe('the policy table', () => {
  it('has a probe for every operation, and every operation a rule', () => {
    expect(Object.keys(probes).sort()).toEqual([...operations].sort());
  });

  it('is the only place a role or an organisation is compared: no such check in the service outside the policy', () => {
    const root = join(import.meta.dirname, '..');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) {
          if (name !== 'policy' && name !== 'test-support') walk(path);
        } else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) {
          readFileSync(path, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              if (/\.role\s*[!=]==|role\s*[!=]==\s*'|organisationId\s*[!=]==|[!=]==\s*\w+\.organisationId\b|\brefuseAuditor\b/.test(line)) {
                offenders.push(`${path.slice(root.length + 1)}:${i + 1}: ${line.trim()}`);
              }
            });
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});

describeEachDatabase('who may do what with a plan, as the policy table says', (ctx) => {
  let t: TestApp;
  const tokens = {} as Record<Who, string>;
  let region: Awaited<ReturnType<typeof staffClient>>;

  beforeAll(async () => {
    const outsiderIdp = await createTestIssuer('https://idp.soderaa.example');
    t = await buildTestApp({
      database: ctx.database,
      peers: peers.urls,
      extraIssuers: [{ kind: 'staff', issuer: outsiderIdp.issuer, audience: 'sip-broker-staff', keys: outsiderIdp.keys }],
    });
    region = await staffClient(t, 'region-coordinator');
    tokens.regionCoordinator = region.token;
    tokens.regionStaff = await t.tokenFor('region-physician');
    tokens.regionAuditor = await t.tokenFor('region-auditor');
    tokens.municipalityCoordinator = await t.tokenFor('municipality-coordinator');
    tokens.municipalityStaff = await t.tokenFor('municipality-homecare');
    tokens.relative = await t.tokenFor('bengt');
    tokens.stranger = await t.tokenFor('erik');
    tokens.individual = await t.tokenFor('astrid');
    tokens.outsider = await outsiderIdp.sign({ sub: 'SE2321000099-7Z01', org: OTHER_REGION.id, role: 'coordinator' });
  });

  const read = async (planId: string) => (await (await region.request(`/api/plans/${planId}`)).json()) as PlanView;

  /** Astrid's plan, drawn up by the region, with a commitment proposed to Bengt, in the scenario's state of consent. */
  async function fixture(scenario: Scenario): Promise<Fixture> {
    let plan = await region.createPlan();
    // The matrix is about the policy, not about upstreams: a region read that a loaded machine let
    // time out (its circuit then open for a moment) is read again, as staff would press "sync".
    for (let attempt = 0; plan.sources?.region.status !== 'ok' && attempt < 5; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const synced = await region.request(`/api/plans/${plan.id}/sync`, { method: 'POST' });
      if (synced.status === 200) plan = (await synced.json()) as PlanView;
    }
    const relativeId = (personId: string) => {
      const relative = plan.relativesSection.relatives.find((r) => r.personId === personId);
      expect(relative, `relative ${personId} in the plan (sources: ${JSON.stringify(plan.sources)})`).toBeDefined();
      return relative!.id;
    };
    const bengtId = relativeId('193805129818');
    const mariaId = relativeId(MARIA_RELATIVE.personId);
    const proposed = await region.request(`/api/plans/${plan.id}/relatives/${bengtId}/commitments`, {
      method: 'POST',
      ifMatch: plan.relativesSection.version,
      body: { what: 'Vara kontaktperson för hemtjänsten', howOften: 'Vid varje besök', from: '2026-12-01', reviewDate: '2027-03-01' },
    });
    expect(proposed.status).toBe(201);
    const commitmentId = ((await proposed.json()) as { id: string }).id;
    plan = await read(plan.id);
    // The individual shares her goals with Maria, as staff recorded it.
    const shared = await region.request(`/api/plans/${plan.id}/relatives/${mariaId}/sharing`, {
      method: 'PUT',
      ifMatch: plan.relativesSection.version,
      body: { categories: ['goals'], form: 'oral', recordedAt: '2026-11-20T10:00:00+01:00', recordedBy: { name: 'Sara Lind' } },
    });
    expect(shared.status).toBe(200);
    plan = await read(plan.id);
    if (scenario !== 'before consent') {
      const res = await region.request(`/api/plans/${plan.id}/consent`, { method: 'PUT', ifMatch: plan.version, body: consentInput() });
      expect(res.status).toBe(200);
      plan = (await res.json()) as PlanView;
    }
    if (scenario === 'consent withdrawn') {
      const res = await region.request(`/api/plans/${plan.id}/consent`, {
        method: 'PUT',
        ifMatch: plan.version,
        body: consentInput({ revokedAt: '2026-11-30T12:00:00+01:00' }),
      });
      expect(res.status).toBe(200);
      plan = (await res.json()) as PlanView;
      expect(plan.status).toBe('consent_withdrawn');
    }
    return { plan, bengtId, mariaId, commitmentId };
  }

  const fixtures = new Map<Scenario, Promise<Fixture>>();
  const sharedFixture = (scenario: Scenario) => {
    if (!fixtures.has(scenario)) fixtures.set(scenario, fixture(scenario));
    return fixtures.get(scenario)!;
  };

  const sender =
    (who: Who): Send =>
    async (path, init = {}) => {
      const res = await t.app.request(path, {
        method: init.method ?? 'GET',
        headers: {
          Authorization: `Bearer ${tokens[who]}`,
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(init.ifMatch !== undefined ? { 'If-Match': `W/"${init.ifMatch}"` } : {}),
          ...init.headers,
        },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
      return res;
    };

  async function check(operation: Operation, probe: Probe, who: Who, scenario: Scenario, fixtureFor: () => Promise<Fixture>) {
    const want = expected(operation, who, scenario, probe);
    const f = await fixtureFor();
    const before = probe.planless ? undefined : await read(f.plan.id);
    const res = await probe.run(f, sender(who), () => read(f.plan.id));
    if (res.headers.get('content-type')?.includes('text/event-stream')) await res.body?.cancel();
    const body = res.status >= 400 ? await res.text() : '';
    expect(res.status, `${operation} by ${who} (${scenario}): ${body}`).toBe(want);
    if (want >= 400) {
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      // A refused request changed nothing.
      if (before) expect((await read(f.plan.id)).revision).toBe(before.revision);
    }
  }

  for (const operation of operations) {
    const probe = probes[operation];
    if (probe === 'broker') continue;
    describe(operation, () => {
      if (probe.planless) {
        it.each(callers)('%s', async (who) => {
          await check(operation, probe, who, 'consent in force', async () => ({ plan: { id: '' } as PlanView, bengtId: '', mariaId: '', commitmentId: '' }));
        });
        return;
      }
      for (const scenario of scenarios) {
        it(scenario, async () => {
          // Requests that leave the consent and the status as they were share one plan per scenario.
          const shared = await sharedFixture(scenario);
          for (const who of callers) {
            const fresh = probe.once && expected(operation, who, scenario, probe) < 400;
            await check(operation, probe, who, scenario, async () => (fresh ? fixture(scenario) : shared));
          }
        });
      }
    });
  }

  describe('the broker', () => {
    it('reads and publishes to the other principal only while the consent in force names it (upstream.read, upstream.publish)', async () => {
      const draft = await fixture('before consent');
      expect(draft.plan.sources?.municipality.status).toBe('not-shared');
      expect(decide('upstream.read', 'broker', { sideReached: false })).toMatchObject({ allowed: false, status: 409 });
      const shared = await fixture('consent in force');
      expect(shared.plan.sources?.municipality.status).toBe('ok');
      const withdrawn = await fixture('consent withdrawn');
      const synced = (await (await region.request(`/api/plans/${withdrawn.plan.id}/sync`, { method: 'POST' })).json()) as PlanView;
      expect(synced.sources?.municipality.status).toBe('not-shared');
      const sides = async (planId: string) =>
        rowsOf<{ side: string; outcome: string }>(await ctx.database.db.execute(sql`select side, outcome from outbox where plan_id = ${planId} order by id`));
      expect(new Set((await sides(draft.plan.id)).map((r) => r.side))).toEqual(new Set(['region']));
      expect(new Set((await sides(shared.plan.id)).map((r) => r.side))).toEqual(new Set(['region', 'municipality']));
    });

    it('is the only actor that may read upstreams, publish or raise what time brings', () => {
      for (const operation of ['upstream.read', 'upstream.publish', 'worklist.raise'] as const) {
        for (const kind of ['staff', 'coordinator', 'auditor', 'relative', 'individual'] as const) {
          expect(decide(operation, kind, {}).allowed).toBe(false);
        }
      }
      expect(decide('worklist.raise', 'broker', { status: 'closed' })).toMatchObject({ allowed: false, status: 409 });
      expect(decide('worklist.raise', 'broker', { status: 'active' }).allowed).toBe(true);
    });
  });
});
