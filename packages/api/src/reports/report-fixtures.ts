/**
 * Plans for the report's tests and benchmark, written straight into the tables (the summary is
 * then brought up to date by the same database function the change pipeline calls): dated as
 * the test needs them, which the service's own clock would not allow.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { planOrganisations, planParts, plans, reportStatusSpans } from '../db/schema.ts';
import { refreshReportFacts } from './report-facts.ts';

export interface CommitmentSpec {
  /** The events after the proposal, each with the day it was given. */
  proposed: string;
  /** The kind of commitment; left out, it has none. */
  kind?: string;
  events?: { status: 'accepted' | 'declined' | 'withdrawn' | 'reconfirmed' | 'cancelled' | 'requested'; on: string; by?: 'staff' | 'relative' }[];
}

export interface RelativeSpec {
  child?: boolean;
  commitments?: CommitmentSpec[];
  offered?: ('conversation' | 'respite' | 'groups' | 'training')[];
  /** Support taken up, each kind on a day. */
  takenUp?: { kind: 'conversation' | 'respite' | 'groups' | 'training'; on: string }[];
  requests?: { kind: 'contact-consultant' | 'needs-assessment' | 'leave-role'; on: string; handled?: string }[];
  homeConsent?: { consent: boolean; on: string }[];
}

export interface PlanSpec {
  created: string;
  /** The statuses the plan went through after the draft, in order, each from a day. */
  statuses?: { status: 'active' | 'followed_up' | 'closed' | 'consent_withdrawn'; from: string }[];
  followUp?: string;
  /** When it entered `followed_up`: the follow-up date that was due. */
  followedUpDue?: string;
  relatives?: RelativeSpec[];
}

const at = (day: string, hour = 10) => `${day}T${String(hour).padStart(2, '0')}:00:00.000Z`;

/** Writes the plans, taking part for both organisations, and brings their summary up to date. Returns their ids. */
export async function insertReportPlans(db: Db, specs: readonly PlanSpec[], organisations: { region: string; municipality: string }): Promise<string[]> {
  const ids: string[] = [];
  const rows = specs.map((spec, index) => {
    const id = randomUUID();
    ids.push(id);
    const statuses = spec.statuses ?? [];
    const status = statuses.at(-1)?.status ?? 'draft';
    const relatives = (spec.relatives ?? []).map((relative, r) => ({
      id: `rel-${r + 1}`,
      name: `Xylofon ${index}-${r}`,
      relationship: { text: 'dotter' },
      child: relative.child ?? false,
      sharesHome: false,
      commitments: (relative.commitments ?? []).map((commitment, c) => ({
        id: `c-${c + 1}`,
        ...(commitment.kind ? { kind: commitment.kind } : {}),
        what: 'Handla',
        howOften: 'Varje vecka',
        from: commitment.proposed,
        reviewDate: '2099-01-01',
        history: [
          { at: at(commitment.proposed, 9), status: 'requested', by: 'staff' },
          ...(commitment.events ?? []).map((event, e) => ({
            at: at(event.on, 10 + e),
            status: event.status,
            by: event.by ?? (event.status === 'cancelled' || event.status === 'requested' ? 'staff' : 'relative'),
          })),
        ],
      })),
      support: {
        offered: relative.offered ?? [],
        ...(relative.takenUp?.length ? { takenUp: relative.takenUp.map((t) => ({ kind: t.kind, at: t.on })) } : {}),
        requests: (relative.requests ?? []).map((request) => ({ kind: request.kind, at: at(request.on), ...(request.handled ? { handledAt: at(request.handled, 15) } : {}) })),
      },
      ...(relative.homeConsent?.length
        ? {
            homeConsent: {
              consent: relative.homeConsent.at(-1)!.consent,
              at: at(relative.homeConsent.at(-1)!.on),
              history: relative.homeConsent.map((answer) => ({ consent: answer.consent, at: at(answer.on) })),
            },
          }
        : {}),
    }));
    const lastChange = statuses.at(-1)?.from ?? spec.created;
    return { id, spec, status, relatives, lastChange };
  });
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500);
    await db.insert(plans).values(
      batch.map(({ id, spec, status, lastChange }) => ({
        id,
        individualId: '194003019801',
        individualIdKind: 'personnummer',
        status,
        initiator: 'region',
        fields: spec.followUp ? { followUp: { date: spec.followUp, by: { name: 'Uppföljare' } } } : {},
        participants: [],
        followUpDate: spec.followUp ?? null,
        createdAt: new Date(at(spec.created, 8)),
        updatedAt: new Date(at(lastChange, 8)),
      })),
    );
    await db.insert(planParts).values(
      batch.map(({ id, spec, relatives }) => ({
        id: randomUUID(),
        planId: id,
        kind: 'relatives',
        content: { relatives },
        updatedAt: new Date(at(spec.created, 8)),
      })),
    );
    await db.insert(planOrganisations).values(
      batch.flatMap(({ id }) => [
        { planId: id, organisationId: organisations.region, principal: 'region', access: 'initiator' },
        { planId: id, organisationId: organisations.municipality, principal: 'municipality', access: 'member' },
      ]),
    );
    const spans = batch.flatMap(({ id, spec }) => {
      const statuses = [{ status: 'draft', from: spec.created }, ...(spec.statuses ?? [])];
      return statuses.map((s, k) => ({
        planId: id,
        status: s.status,
        fromAt: new Date(at(s.from, 8 + k)),
        untilAt: statuses[k + 1] ? new Date(at(statuses[k + 1]!.from, 9 + k)) : null,
        dueOn: s.status === 'followed_up' ? (spec.followedUpDue ?? null) : null,
      }));
    });
    await db.insert(reportStatusSpans).values(spans);
    await refreshReportFacts(db, batch.map((r) => r.id));
  }
  await db.execute(sql`analyze report_facts`);
  return ids;
}
