import type { CarePlan, Patient, RelatedPerson, Resource } from '@medplum/fhirtypes';
import { IdentifierSystem, type PlanView } from '@sip/shared';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { planEvents, planParts } from '../db/schema.ts';
import {
  buildTestApp,
  consentInput,
  createTestIssuer,
  describeEachDatabase,
  searchPeer,
  staffClient,
  type TestApp,
  type TestIssuer,
  usePeers,
  TEST_SYSTEM_BASE,
} from '../test-support/index.ts';

/**
 * Skyddade personuppgifter: an individual the municipality's case system marks as having
 * protected personal data (the region's record does not), and relatives of theirs marked so by
 * one side. Every personnummer is from Skatteverket's test series (birth numbers 980–999).
 */
const LABEL = { system: 'http://hl7.se/fhir/ig/base/CodeSystem/SecurityLabel', code: 'skyddadFolkbokforing' } as const;
const ROLE_CODE = 'http://terminology.hl7.org/CodeSystem/v3-RoleCode';

const SIGNE = { personId: '195811129849', name: 'Signe Berglund', address: 'Skyddsvägen 7', postalCode: '98132', phone: '+46709990001' };
/** Her son, sharing her home: marked by the municipality only; the region has his phone and e-mail. */
const OLOF = {
  personId: '198704129835',
  name: 'Olof Berglund',
  phones: { region: '+46709990011', municipality: '+46709990012' },
  email: 'olof.berglund@example.se',
};
/** Her sister: marked by the region, the only side that knows her. */
const DAGNY = { personId: '196209189908', name: 'Dagny Berglund', phone: '+46709990021', email: 'dagny.berglund@example.se' };
/** Her nephew, marked by no one: what is shown and published of a relative who is not protected. */
const PER = { personId: '197512039814', name: 'Per Berglund', phone: '+46709990031' };

/** Whatever must never leave the broker about the protected people: their contact details and where they live. */
const SECRETS = [SIGNE.address, SIGNE.postalCode, SIGNE.phone, OLOF.phones.region, OLOF.phones.municipality, OLOF.email, DAGNY.phone, DAGNY.email];

type Side = 'region' | 'municipality';

function seed(side: Side): Resource[] {
  const patientId = `patient-signe-${side}`;
  const home = [{ line: [SIGNE.address], postalCode: SIGNE.postalCode, city: 'Norrvik', country: 'SE' }];
  const patient: Patient = {
    resourceType: 'Patient',
    id: patientId,
    ...(side === 'municipality' ? { meta: { security: [{ ...LABEL }] } } : {}),
    identifier: [{ system: IdentifierSystem.personnummer, value: SIGNE.personId }],
    name: [{ given: ['Signe'], family: 'Berglund' }],
    gender: 'female',
    birthDate: '1958-11-12',
    address: home,
    telecom: [{ system: 'phone', value: SIGNE.phone }],
  };
  const ref = { reference: `Patient/${patientId}` };
  const relative = (id: string, personId: string, given: string, code: string, extra: Partial<RelatedPerson>): RelatedPerson => ({
    resourceType: 'RelatedPerson',
    id,
    identifier: [{ system: IdentifierSystem.personnummer, value: personId }],
    patient: ref,
    relationship: [{ coding: [{ system: ROLE_CODE, code }] }],
    name: [{ given: [given], family: 'Berglund' }],
    ...extra,
  });
  if (side === 'region') {
    return [
      patient,
      relative(`rp-olof-${side}`, OLOF.personId, 'Olof', 'SON', {
        telecom: [
          { system: 'phone', value: OLOF.phones.region },
          { system: 'email', value: OLOF.email },
        ],
        address: home,
      }),
      relative(`rp-dagny-${side}`, DAGNY.personId, 'Dagny', 'SIS', {
        meta: { security: [{ ...LABEL }] },
        telecom: [
          { system: 'phone', value: DAGNY.phone },
          { system: 'email', value: DAGNY.email },
        ],
      }),
      relative(`rp-per-${side}`, PER.personId, 'Per', 'NEPHEW', { telecom: [{ system: 'phone', value: PER.phone }] }),
    ];
  }
  return [
    patient,
    relative(`rp-olof-${side}`, OLOF.personId, 'Olof', 'SON', {
      meta: { security: [{ ...LABEL }] },
      telecom: [{ system: 'phone', value: OLOF.phones.municipality }],
      address: home,
    }),
  ];
}

const peers = usePeers({ seed: false });

const relativeNamed = (plan: PlanView, name: string) => {
  const found = plan.relativesSection.relatives.find((r) => r.name === name);
  expect(found, name).toBeDefined();
  return found!;
};

const hasLabel = (resource: { meta?: { security?: { system?: string; code?: string }[] } } | undefined) =>
  (resource?.meta?.security ?? []).some((l) => l.system === LABEL.system && l.code === LABEL.code);

describeEachDatabase('skyddade personuppgifter: an individual and relatives with protected personal data', (ctx) => {
  let t: TestApp;
  let eid: TestIssuer;
  let coordinator: Awaited<ReturnType<typeof staffClient>>;
  let draft: PlanView;
  let plan: PlanView;

  beforeAll(async () => {
    await peers.region.seed(seed('region'));
    await peers.municipality.seed(seed('municipality'));
    eid = await createTestIssuer('https://eid.test.example', 'RS256');
    t = await buildTestApp({
      database: ctx.database,
      peers: peers.urls,
      extraIssuers: [{ kind: 'citizen', issuer: eid.issuer, audience: 'sip-broker-citizen', keys: eid.keys }],
    });
    coordinator = await staffClient(t, 'region-coordinator');
    draft = await coordinator.createPlan({ individual: { personId: SIGNE.personId, name: SIGNE.name }, title: 'SIP för Signe' });
    const res = await coordinator.request(`/api/plans/${draft.id}/consent`, { method: 'PUT', ifMatch: draft.version, body: consentInput() });
    expect(res.status).toBe(200);
    plan = (await res.json()) as PlanView;
  });
  afterAll(async () => {
    await t?.events.close();
  });

  it('marks the plan once a side that marks the individual is read, and shows the mark to both principals’ staff', async () => {
    // Before the consent only the region (the initiator, which does not mark her) is read.
    expect(draft.sources).toMatchObject({ region: { status: 'ok' }, municipality: { status: 'not-shared' } });
    expect(draft.protectedIdentity).toBe(false);
    expect(plan.sources).toMatchObject({ region: { status: 'ok' }, municipality: { status: 'ok' } });
    expect(plan.protectedIdentity).toBe(true);
    for (const persona of ['region-physician', 'municipality-homecare', 'municipality-coordinator']) {
      const client = await staffClient(t, persona);
      const res = await client.request(`/api/plans/${plan.id}`);
      expect(res.status, persona).toBe(200);
      expect(((await res.json()) as PlanView).protectedIdentity, persona).toBe(true);
    }
    // A sync that reads both sides again keeps the mark: one side marking her is enough.
    const res = await coordinator.request(`/api/plans/${plan.id}/sync`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as PlanView).protectedIdentity).toBe(true);
  });

  it('keeps the protected relatives in the relatives section, marked, without any phone or e-mail; others keep theirs', async () => {
    // Before the municipality was read, the region's phone for Olof was on record: the mark from the other side removes it.
    expect(relativeNamed(draft, OLOF.name)).toMatchObject({ phone: OLOF.phones.region, email: OLOF.email });
    expect(relativeNamed(draft, OLOF.name).protectedIdentity).toBeUndefined();

    const res = await coordinator.request(`/api/plans/${plan.id}/relatives`);
    expect(res.status).toBe(200);
    const section = (await res.json()) as PlanView['relativesSection'];
    for (const view of [plan.relativesSection, section]) {
      const viewed = { ...plan, relativesSection: view };
      const olof = relativeNamed(viewed, OLOF.name);
      expect(olof).toMatchObject({ personId: OLOF.personId, protectedIdentity: true, sharesHome: true });
      expect(olof.sources?.map((s) => s.system)).toEqual(['municipality', 'region']);
      const dagny = relativeNamed(viewed, DAGNY.name);
      expect(dagny).toMatchObject({ personId: DAGNY.personId, protectedIdentity: true });
      for (const relative of [olof, dagny]) {
        expect(relative).not.toHaveProperty('phone');
        expect(relative).not.toHaveProperty('email');
      }
      expect(relativeNamed(viewed, PER.name)).toMatchObject({ phone: PER.phone });
      expect(relativeNamed(viewed, PER.name).protectedIdentity).toBeUndefined();
    }
    // Nor are they stored: the section as the database holds it.
    const [stored] = await ctx.database.db.select().from(planParts).where(eq(planParts.id, plan.relativesSection.id));
    const text = JSON.stringify(stored!.content);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).toContain(PER.phone);
    // Nor is the individual's address or phone anywhere in the plan.
    const whole = JSON.stringify((await (await coordinator.request(`/api/plans/${plan.id}`)).json()) as PlanView);
    for (const secret of SECRETS) expect(whole).not.toContain(secret);
  });

  it('publishes the protected relatives without contact details and labelled, and labels the SIP', async () => {
    await t.outbox.drain();
    const current = (await (await coordinator.request(`/api/plans/${plan.id}`)).json()) as PlanView;
    for (const side of ['region', 'municipality'] as const) {
      const base = peers.urls[side];
      const [sip, ...more] = await searchPeer<CarePlan>(base, `CarePlan?identifier=https://sip.example/fhir/NamingSystem/plan|${plan.id}`);
      expect(more, side).toEqual([]);
      expect(hasLabel(sip), `${side}: the SIP carries the label`).toBe(true);
      // One relative, one record: a relative the upstream knows is its own RelatedPerson, else ours by our identifier.
      const published = async (name: string) => {
        const relative = relativeNamed(current, name);
        const own = relative.sources?.find((s) => s.system === side && s.resourceType === 'RelatedPerson');
        if (own) {
          const res = await fetch(`${base}/RelatedPerson/${own.id}`);
          expect(res.status, `${side}: ${name}`).toBe(200);
          return { resource: (await res.json()) as RelatedPerson, own: true };
        }
        const found = await searchPeer<RelatedPerson>(base, `RelatedPerson?identifier=https://sip.example/fhir/NamingSystem/relative|${plan.id}/${relative.id}`);
        expect(found, `${side}: ${name}`).toHaveLength(1);
        return { resource: found[0]!, own: false };
      };
      const seeded = (id: string | undefined) => (seed(side).find((r) => r.resourceType === 'RelatedPerson' && r.id === id) as RelatedPerson | undefined)?.telecom ?? [];
      for (const name of [OLOF.name, DAGNY.name]) {
        const { resource: relative, own } = await published(name);
        // Nothing added to what the upstream itself keeps; in ours, no contact details at all.
        expect(relative.telecom ?? [], `${side}: ${name}`).toEqual(own ? seeded(relative.id) : []);
        if (!own) expect(relative.address, `${side}: ${name}`).toBeUndefined();
        expect(hasLabel(relative), `${side}: ${name} carries the label`).toBe(true);
        if (!own) {
          const text = JSON.stringify(relative);
          for (const secret of SECRETS) expect(text, `${side}: ${name}`).not.toContain(secret);
        }
      }
      const { resource: per } = await published(PER.name);
      expect(per.telecom).toEqual([{ system: 'phone', value: PER.phone }]);
      expect(hasLabel(per)).toBe(false);
    }
  });

  it('never sent the municipality, which marks Olof, his contact details: not in any version it was sent', async () => {
    await t.outbox.drain();
    // The peer keeps every version it was sent; the broker's are those carrying its identifiers.
    const leaks: string[] = [];
    for (const [key, versions] of Object.entries(peers.municipality.exportState().histories)) {
      versions.forEach((version, i) => {
        const text = JSON.stringify(version.resource);
        if (!text.includes(TEST_SYSTEM_BASE)) return;
        for (const secret of SECRETS) if (text.includes(secret)) leaks.push(`${key} (version ${i + 1}): ${secret}`);
      });
    }
    expect(leaks).toEqual([]);
  });

  it('shows a protected relative their own view of the plan without any phone or e-mail of theirs', async () => {
    const token = await eid.sign({ sub: OLOF.personId }, { audience: 'sip-broker-citizen' });
    const list = await t.app.request('/api/me/plans', { headers: { Authorization: `Bearer ${token}` } });
    expect(list.status).toBe(200);
    const { items } = (await list.json()) as { items: { planId: string; relativeId: string }[] };
    expect(items.map((i) => i.planId)).toEqual([plan.id]);
    const res = await t.app.request(`/api/me/plans/${plan.id}`, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const view = (await res.json()) as { me: { relativeId: string; name: string } };
    expect(view.me).toMatchObject({ relativeId: relativeNamed(plan, OLOF.name).id, name: OLOF.name });
    const text = JSON.stringify(view);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).not.toContain(SIGNE.personId);
  });

  it('sends no phone number, e-mail or address in the plan’s events', async () => {
    const stored = await ctx.database.db.select().from(planEvents).where(eq(planEvents.planId, plan.id)).orderBy(asc(planEvents.id));
    expect(stored.length).toBeGreaterThan(0);
    const reader = await coordinator.request(`/api/plans/${plan.id}/events`, { headers: { Accept: 'text/event-stream', 'Last-Event-ID': '0' } });
    expect(reader.status).toBe(200);
    const stream = reader.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const deadline = Date.now() + 5000;
    const lastId = `id: ${stored.at(-1)!.id}`;
    try {
      while (!text.includes(lastId) && Date.now() < deadline) {
        const chunk = await Promise.race([
          stream.read(),
          new Promise<{ done: true; value: undefined }>((resolve) => setTimeout(() => resolve({ done: true, value: undefined }), deadline - Date.now())),
        ]);
        if (chunk.done) break;
        text += decoder.decode(chunk.value, { stream: true });
      }
    } finally {
      await stream.cancel();
    }
    // Every stored event was replayed, the last one included.
    expect(text).toContain(lastId);
    expect(text.match(/^data: /gm)?.length).toBe(stored.length);
    for (const secret of [...SECRETS, PER.phone, SIGNE.personId, OLOF.personId, DAGNY.personId]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/\+467\d{8}/);
  });
});
