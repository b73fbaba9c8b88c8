import { count } from 'drizzle-orm';
import type { SipSystems } from '@sip/shared';
import type { Db } from '../db/database.ts';
import { plans } from '../db/schema.ts';
import { SyncService } from '../assembly/sync.service.ts';
import { MeService } from '../relatives/me.service.ts';
import { RelativesService } from '../relatives/relatives.service.ts';
import { startingOrganisations, upsertOrganisations } from '../organisations/organisations.ts';
import { PlansService, type Staff } from '../plans/plans.service.ts';
import type { Upstreams } from '../upstreams/upstream.ts';
import { individuals, municipalityOf, organisations, staff } from './world.ts';

function actorFor(id: string): { principal: Staff; requestId: null } {
  const person = staff.find((s) => s.id === id);
  if (!person) throw new Error(`no demo staff ${id}`);
  return {
    principal: {
      kind: 'staff',
      userId: person.hsaId,
      organisationId: organisations[person.organisation].id,
      role: person.role,
      issuer: 'demo',
      name: person.name,
    },
    requestId: null,
  };
}

const DEMO_GOALS = ['Kunna bo kvar hemma med Bengt', 'Orka gå till affären själv igen', 'Fortsätta sjunga i kören', 'Kunna gå ner till stranden igen'];
const DEMO_NEEDS = [
  'Stöd med personlig hygien och insulin',
  'Regelbunden kontakt och hjälp med inköp',
  'Struktur i vardagen och avlastning för Lars',
  'Sårvård och hjälp med hemmet',
];

/**
 * Ready-made SIPs for the demo world, created and assembled from the demo upstreams
 * through the service (so they are versioned, logged and published like any other), the
 * first time demo mode starts on an empty database: Astrid's with a consent that shares
 * everything, Karl's with a consent that keeps the region's interventions from the
 * municipality, Gunnel's a draft before consent, held by the municipality alone, and Ingrid's
 * with Söderviks kommun, whose own case system is a third upstream.
 */
export async function seedDemoPlans(db: Db, upstreams: Upstreams, systems: SipSystems, now: () => Date): Promise<number> {
  const [existing] = await db.select({ n: count() }).from(plans);
  if (Number(existing?.n ?? 0) > 0) return 0;
  await upsertOrganisations(db, startingOrganisations({ organisations: [], demoMode: true }), now());
  const service = new PlansService(db, now);
  const sync = new SyncService(db, upstreams, systems, now);
  const relatives = new RelativesService(db, now);
  const regionCoordinator = actorFor('region-coordinator');
  const municipalityCoordinator = actorFor('municipality-coordinator');
  const soderviksCoordinator = actorFor('sodervik-coordinator');
  const today = now();
  const inDays = (days: number) => new Date(today.getTime() + days * 86_400_000).toISOString().slice(0, 10);

  for (const [index, person] of individuals.entries()) {
    const municipality = municipalityOf(person);
    const principals = {
      region: { id: organisations.region.id, name: organisations.region.name },
      municipality: { id: municipality.id, name: municipality.name },
    };
    const coordinator = index === 1 ? regionCoordinator : person.livesIn === 'sodervik' ? soderviksCoordinator : municipalityCoordinator;
    const coordinatorStaff = staff.find((s) => s.hsaId === coordinator.principal.userId)!;
    let plan = await service.create(coordinator, {
      individual: { personId: person.personnummer, name: `${person.given} ${person.family}` },
      principals,
      title: `SIP för ${person.given} ${person.family}`,
      overallResponsibility: index === 1 ? 'region' : 'municipality',
      coordinator: { name: coordinatorStaff.name, title: coordinatorStaff.title, hsaId: coordinatorStaff.hsaId, phone: '+46101740300', phoneHours: 'Vardagar 8–12' },
      individualGoals: [{ text: DEMO_GOALS[index] ?? 'Må bra hemma' }],
      needs: [{ text: DEMO_NEEDS[index] ?? 'Stöd i vardagen' }],
      individualOwnActions: [{ text: index === 0 ? 'Går en promenad varje dag' : 'Tar sina läkemedel enligt dosett' }],
      followUp: { date: inDays(index === 1 ? -2 : 30), by: { name: coordinatorStaff.name, hsaId: coordinatorStaff.hsaId } },
    });
    // Assembled as plan creation does: before consent, from the initiator's own records only.
    plan = (await sync.sync(coordinator, plan.id)).plan;
    // Gunnel's plan stays there: the municipality's draft; the region is neither read nor
    // written, and its staff do not see the plan.
    if (index === 2) continue;
    plan = await service.setConsent(coordinator, plan.id, plan.version, {
      given: true,
      form: index === 0 ? 'written' : 'oral',
      recordedAt: today.toISOString(),
      recordedBy: { name: coordinatorStaff.name, hsaId: coordinatorStaff.hsaId },
      scope:
        index !== 1
          ? {
              information: ['goals', 'needs', 'interventions', 'contacts', 'follow-up'],
              actors: [organisations.region.name, municipality.name],
              validUntil: inDays(365),
            }
          : {
              // Karl keeps his psychiatric care and medication from the municipality: only the
              // municipality's own interventions are shared, never the region's.
              information: ['goals', 'needs', 'social-interventions', 'contacts', 'follow-up'],
              actors: [organisations.region.name, municipality.name],
              validUntil: inDays(365),
              excluded: 'Uppgifter om psykiatrisk vård och läkemedel',
            },
    });
    plan = await service.changeStatus(coordinator, plan.id, plan.version, 'active');
    plan = (await sync.sync(coordinator, plan.id)).plan;

    // The relatives section: what the individual shares with each adult relative, and the
    // voluntary commitments proposed to them, waiting for their own answer.
    const recordedBy = { name: coordinatorStaff.name, hsaId: coordinatorStaff.hsaId };
    for (const relative of plan.relativesSection.relatives.filter((r) => !r.child)) {
      plan = await relatives.setSharing(coordinator, plan.id, plan.relativesSection.version, relative.id, {
        categories: relative.sharesHome ? ['goals', 'interventions', 'contacts', 'follow-up'] : ['goals', 'follow-up'],
        form: 'written',
        recordedAt: today.toISOString(),
        recordedBy,
        validUntil: inDays(365),
      });
      const commitment = relative.sharesHome
        ? { kind: 'contacts' as const, what: 'Vara kontaktperson för hemtjänsten och ta emot vid besöken', howOften: 'Vid varje besök' }
        : index === 0
          ? { kind: 'household' as const, what: 'Handla mat till Astrid och Bengt', howOften: 'En gång i veckan' }
          : { kind: 'accompanying' as const, what: 'Följa med på läkarbesök på vårdcentralen', howOften: 'Vid behov, ungefär en gång i månaden' };
      plan = (
        await relatives.propose(coordinator, plan.id, plan.relativesSection.version, relative.id, {
          ...commitment,
          from: inDays(0),
          reviewDate: inDays(90),
        })
      ).plan;
    }

    // Erik has also said yes to a commitment that is up for review within days: the demo
    // shows a relative confirming it again.
    const erik = person.relatives.find((r) => r.id === 'erik');
    const erikInPlan = erik && plan.relativesSection.relatives.find((r) => r.personId === erik.personnummer);
    if (erik && erikInPlan) {
      const proposed = await relatives.propose(coordinator, plan.id, plan.relativesSection.version, erikInPlan.id, {
        kind: 'supervision',
        what: 'Ringa Karl varje kväll och påminna om kvällsmedicinen',
        howOften: 'Varje kväll',
        from: inDays(0),
        reviewDate: inDays(10),
      });
      const body = { answer: 'accept' as const };
      await new MeService(db, now).answer({ personId: erik.personnummer, requestId: null }, plan.id, proposed.commitmentId, body, {
        key: `demo-seed-${proposed.commitmentId}`,
        request: { method: 'POST', path: `/api/me/plans/${plan.id}/commitments/${proposed.commitmentId}/answer`, body },
      });
    }
  }
  return individuals.length;
}
