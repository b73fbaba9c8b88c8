import type { Task } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import type { CommitmentEvent, PlanView } from '../plan.ts';
import { ATTENTION_KIND_SYSTEM, SipIdentifierSystem } from './codesystems.ts';
import { fixtureSystems, fullPlan, MUNICIPALITY_ORG, publishContext, REGION_ORG } from './fixture.ts';
import { identifierKey, planToFhir } from './plan-to-fhir.ts';
import { buildPublishBundle } from './publish-bundle.ts';
import { stableUuid } from './stable-uuid.ts';

type Relative = PlanView['relativesSection']['relatives'][number];

const staff = (at: string, status: CommitmentEvent['status']): CommitmentEvent => ({ at, status, by: 'staff' });
const own = (at: string, status: CommitmentEvent['status']): CommitmentEvent => ({ at, status, by: 'relative' });
const requested = staff('2026-11-20T10:00:00.000Z', 'requested');

const maria: Relative = {
  id: 'rel-maria',
  name: 'Maria Nilsson',
  relationship: { code: 'DAU', text: 'dotter' },
  child: false,
  sharesHome: false,
  commitments: [
    { id: 'c-due', what: 'Handla mat', howOften: 'Varje vecka', from: '2026-12-01', reviewDate: '2027-03-01', history: [requested, own('2026-11-21T08:00:00.000Z', 'accepted')] },
    { id: 'c-declined', what: 'Tvätta', howOften: 'Varannan vecka', from: '2026-12-01', reviewDate: '2027-06-01', history: [requested, own('2026-11-21T09:00:00.000Z', 'declined')] },
    {
      id: 'c-replanned',
      what: 'Skjutsa till vårdcentralen',
      howOften: 'Vid behov',
      from: '2026-12-01',
      reviewDate: '2027-06-01',
      history: [requested, own('2026-11-21T08:00:00.000Z', 'accepted'), own('2027-01-10T12:00:00.000Z', 'withdrawn'), staff('2027-01-12T08:00:00.000Z', 'cancelled')],
    },
  ],
  support: { offered: ['conversation'], requests: [{ kind: 'needs-assessment', at: '2027-02-01T09:00:00+01:00' }] },
};

/** The plan as it stood on 2027-03-05: the review date of c-due has passed. */
const base = fullPlan();
const plan = fullPlan({ updatedAt: '2027-03-05T07:00:00.000Z', relativesSection: { ...base.relativesSection, relatives: [maria] } });
const fhir = planToFhir(plan, publishContext);
const attentionOf = (key: string) => fhir.attentionTasks.find((t) => t.identifier?.[0]?.value === `${plan.id}/${key}`);
const commitmentTaskOf = (id: string) => fhir.tasks.find((t) => t.identifier?.[0]?.value === `${plan.id}/${id}`)!;
const person = fhir.relatedPersons[0]!;

describe('what needs attention, as Tasks to the principal responsible for the plan', () => {
  it('maps a passed review date to a requested Task owned by the responsible organisation, focused on the commitment', () => {
    const identifier = { system: SipIdentifierSystem.attention, value: `${plan.id}/rel-maria/c-due/review-due/2027-03-01` };
    expect(attentionOf('rel-maria/c-due/review-due/2027-03-01')).toEqual<Task>({
      resourceType: 'Task',
      id: stableUuid(`Task|${identifierKey(identifier)}`),
      text: {
        status: 'generated',
        div:
          '<div xmlns="http://www.w3.org/1999/xhtml"><p><b>Åtagandets omprövningsdatum har passerats</b></p><p><b>Status:</b> Att hantera</p>' +
          '<p><b>Anhörig:</b> Maria Nilsson (dotter)</p><p><b>Åtagande:</b> Handla mat</p><p><b>Sedan:</b> 2027-03-01</p>' +
          '<p><b>Ansvarig huvudman:</b> Norrviks kommun</p></div>',
      },
      identifier: [fixtureSystems.publish(identifier)],
      basedOn: [{ reference: `CarePlan/${plan.id}` }],
      status: 'requested',
      intent: 'order',
      priority: 'routine',
      code: { coding: [{ system: fixtureSystems.url(ATTENTION_KIND_SYSTEM), code: 'commitment-review-due', display: 'Åtagandets omprövningsdatum har passerats' }], text: 'Åtagandets omprövningsdatum har passerats' },
      description: 'Åtagandets omprövningsdatum har passerats',
      focus: { reference: `Task/${commitmentTaskOf('c-due').id}` },
      for: { reference: 'Patient/astrid-in-region', type: 'Patient' },
      authoredOn: '2027-03-01',
      lastModified: '2027-03-01',
      owner: { type: 'Organization', identifier: { system: 'urn:oid:1.2.752.29.4.19', value: MUNICIPALITY_ORG.id }, display: MUNICIPALITY_ORG.name },
    });
  });

  it('names the relative as requester of what they asked for or answered, and completes what staff dealt with', () => {
    expect(attentionOf('rel-maria/c-declined/declined')).toMatchObject({ status: 'requested', requester: { reference: `RelatedPerson/${person.id}` }, authoredOn: '2026-11-21T09:00:00.000Z' });
    expect(attentionOf('rel-maria/c-replanned/withdrawn')).toMatchObject({ status: 'completed', lastModified: '2027-01-12T08:00:00.000Z' });
    expect(attentionOf('rel-maria/c-replanned/withdrawn')!.text!.div).toContain('<p><b>Status:</b> Hanterat</p>');
    expect(attentionOf('rel-maria/c-replanned/withdrawn')!.text!.div).toContain('<p><b>Hanterat:</b> 2027-01-12 09:00</p>');
    expect(attentionOf('rel-maria/needs-assessment-request/2027-02-01T09:00:00+01:00')).toMatchObject({
      status: 'requested',
      focus: { reference: `RelatedPerson/${person.id}` },
      requester: { reference: `RelatedPerson/${person.id}` },
    });
    expect(fhir.attentionTasks.map((t) => t.code?.coding?.[0]?.code).sort()).toEqual(['commitment-declined', 'commitment-review-due', 'commitment-withdrawn', 'needs-assessment-request']);
  });

  it('addresses the Tasks to whichever principal holds the overall responsibility, and to none while neither does', () => {
    const region = planToFhir({ ...plan, fields: { ...plan.fields, overallResponsibility: 'region' } }, publishContext);
    expect(new Set(region.attentionTasks.map((t) => t.owner?.identifier?.value))).toEqual(new Set([REGION_ORG.id]));
    const { overallResponsibility: _none, ...fields } = plan.fields;
    expect(planToFhir({ ...plan, fields }, publishContext).attentionTasks.every((t) => t.owner === undefined)).toBe(true);
  });

  it('raises no review Task before the date has passed in the plan as it stood', () => {
    const earlier = planToFhir({ ...plan, updatedAt: '2027-03-01T23:00:00.000Z' }, publishContext);
    expect(earlier.attentionTasks.some((t) => t.code?.coding?.[0]?.code === 'commitment-review-due')).toBe(false);
  });

  it('publishes them as conditional creates that reference the commitment Task and the relative inside the bundle', () => {
    const entries = buildPublishBundle(plan, publishContext).entry!;
    const due = entries.find((e) => e.resource?.resourceType === 'Task' && (e.resource as Task).intent === 'order' && (e.resource as Task).code?.coding?.[0]?.code === 'commitment-review-due')!;
    expect(due.request).toEqual({
      method: 'POST',
      url: 'Task',
      ifNoneExist: `identifier=https://sip.example/fhir/NamingSystem/attention|${plan.id}/rel-maria/c-due/review-due/2027-03-01`,
    });
    const commitmentEntry = entries.find((e) => (e.resource as Task | undefined)?.identifier?.[0]?.value === `${plan.id}/c-due` && e.resource?.resourceType === 'Task')!;
    expect((due.resource as Task).focus).toEqual({ reference: commitmentEntry.fullUrl });
  });
});
