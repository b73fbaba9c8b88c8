import type { PlanView } from '@sip/shared';
import { buildTestApp, consentInput, staffClient, type TestApp } from '../test-support/index.ts';
import { fhirRoutes } from './fhir.routes.ts';

/**
 * The test app with the FHIR face mounted: as the app mounts it (`app.route('/', fhirRoutes)`),
 * unless the app already does. Must run before the app answers its first request.
 */
export async function buildFhirTestApp(options: Parameters<typeof buildTestApp>[0]): Promise<TestApp> {
  const t = await buildTestApp(options);
  if (!t.app.routes.some((route) => route.path === '/fhir/metadata')) t.app.route('/', fhirRoutes);
  return t;
}

type Client = Awaited<ReturnType<typeof staffClient>>;

async function ok<T>(res: Response, what: string): Promise<T> {
  if (res.status !== 200 && res.status !== 201) throw new Error(`${what}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * A plan with every field filled in, made through the staff API: plan-level fields, consent,
 * an invited participant, both parts with contact person, goals and interventions, and active.
 */
export async function createFullPlan(
  clients: { regionCoordinator: Client; physician: Client; homecare: Client },
  personId = '194003019801',
): Promise<PlanView> {
  const { regionCoordinator, physician, homecare } = clients;
  const created = await regionCoordinator.createPlan({
    individual: { personId, name: 'Astrid Nilsson' },
    title: 'SIP för Astrid',
    overallResponsibility: 'municipality',
    coordinator: { name: 'Sara Lind', title: 'Distriktssköterska, SIP-samordnare', hsaId: 'SE2321000099-7P01', organisationId: 'SE2321000099-7RG1' },
    individualGoals: [{ text: 'Kunna bo kvar hemma' }, { text: 'Träffa barnbarnen varje vecka' }],
    needs: [{ text: 'Hjälp med personlig hygien' }],
    individualOwnActions: [{ text: 'Promenerar varje dag' }],
    otherActorMeasures: [{ actor: 'PRO Norrvik', measure: 'Besöksverksamhet', when: 'varje torsdag' }],
    meetings: [{ at: '2026-11-20T10:00:00+01:00', place: 'Hemma hos Astrid', notes: 'Första SIP-mötet' }],
    followUp: { date: '2027-02-01', by: { name: 'Sara Lind', hsaId: 'SE2321000099-7P01' } },
  });
  let plan = await ok<PlanView>(
    await regionCoordinator.request(`/api/plans/${created.id}/consent`, {
      method: 'PUT',
      ifMatch: created.version,
      body: consentInput({
        scope: {
          information: ['goals', 'interventions', 'contacts'],
          actors: ['Region Norrvik', 'Norrviks kommun', 'Försäkringskassan'],
          validUntil: '2027-11-20',
          excluded: 'Uppgifter om psykiatrisk vård',
        },
      }),
    }),
    'consent',
  );
  plan = await ok<PlanView>(
    await regionCoordinator.request(`/api/plans/${plan.id}/participants`, {
      method: 'POST',
      ifMatch: plan.version,
      body: { kind: 'invited', name: 'Försäkringskassan', role: 'Handläggare' },
    }),
    'participant',
  );
  plan = await ok<PlanView>(
    await regionCoordinator.request(`/api/plans/${plan.id}/status`, { method: 'POST', ifMatch: plan.version, body: { status: 'active' } }),
    'status',
  );
  const part = (principal: 'region' | 'municipality') => plan.parts.find((p) => p.principal === principal)!;
  await ok(
    await physician.request(`/api/plans/${plan.id}/parts/${part('region').id}`, {
      method: 'PATCH',
      ifMatch: part('region').version,
      body: {
        contactPerson: { name: 'Omar Haddad', title: 'Specialist i allmänmedicin', hsaId: 'SE2321000099-7P02', phone: '010-100 00 01' },
        goals: [{ text: 'Stabilt blodsocker' }],
        interventions: [
          { title: 'Hemsjukvård: insulin', status: 'decided', performedBy: 'Distriktssköterska', when: 'morgon och kväll' },
          { title: 'Läkemedelsgenomgång', status: 'planned', startDate: '2026-12-01', endDate: '2026-12-31' },
        ],
      },
    }),
    'region part',
  );
  await ok(
    await homecare.request(`/api/plans/${plan.id}/parts/${part('municipality').id}`, {
      method: 'PATCH',
      ifMatch: part('municipality').version,
      body: {
        contactPerson: { name: 'Jonas Berg', hsaId: 'SE2120000099-7P02' },
        goals: [{ text: 'Trygg i hemmet' }],
        interventions: [{ title: 'Hemtjänst: dusch', description: 'Hjälp med dusch', status: 'planned', performedBy: 'Hemtjänsten Norrvik centrum', when: 'tisdag och fredag' }],
      },
    }),
    'municipality part',
  );
  return ok<PlanView>(await regionCoordinator.request(`/api/plans/${plan.id}`), 'read plan');
}
