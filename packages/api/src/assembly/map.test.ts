import type { CarePlan, Condition, ServiceRequest } from '@medplum/fhirtypes';
import { interventionSchema } from '@sip/shared';
import { describe, expect, it } from 'vitest';
import type { SideRecord } from './fetch.ts';
import { mapInterventions } from './map.ts';

const subject = { reference: 'Patient/p-1' };
const condition = (id: string, extra: Partial<Condition> = {}): Condition => ({ resourceType: 'Condition', id, subject, ...extra });
const record = (parts: Partial<SideRecord>): SideRecord => ({
  patient: { resourceType: 'Patient', id: 'p-1' },
  serviceRequests: [],
  carePlans: [],
  careTeams: [],
  practitionerRoles: [],
  relatedPersons: [],
  conditions: [],
  ...parts,
});

describe('the Conditions an intervention addresses, as assembly maps them', () => {
  const conditions = [
    condition('c-heart', { identifier: [{ system: 'urn:region:condition', value: 'h-1' }] }),
    condition('c-lungs'),
    // An identifier the plan cannot keep (not an absolute URI) is left out; the Condition is not.
    condition('c-odd', { identifier: [{ system: 'not a uri', value: 'x' }] }),
    condition('c-refuted', { verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'refuted' }] } }),
  ];
  const plan: CarePlan = {
    resourceType: 'CarePlan',
    id: 'cp-1',
    status: 'active',
    intent: 'plan',
    subject,
    addresses: [{ reference: 'Condition/c-lungs' }, { reference: 'Condition/c-refuted' }],
    activity: [
      { reference: { reference: 'ServiceRequest/sr-plain' } },
      { detail: { status: 'scheduled', code: { text: 'Andningsträning' } } },
      { detail: { status: 'scheduled', code: { text: 'Hjärtskola' }, reasonReference: [{ reference: 'Condition/c-heart' }] } },
    ],
  };
  const request = (id: string, reasonReference?: ServiceRequest['reasonReference']): ServiceRequest => ({
    resourceType: 'ServiceRequest',
    id,
    status: 'active',
    intent: 'order',
    subject,
    code: { text: id },
    ...(reasonReference ? { reasonReference } : {}),
  });
  const items = mapInterventions(
    'region',
    record({
      conditions,
      carePlans: [plan],
      serviceRequests: [
        request('sr-own', [
          { reference: 'Condition/c-heart' },
          { reference: 'Condition/c-heart/_history/2' },
          { reference: 'Observation/o-1' },
          { reference: 'Condition/c-elsewhere' },
          { reference: 'https://other.example/fhir/Condition/c-lungs' },
          { reference: 'Condition/c-odd' },
        ]),
        request('sr-plain'),
        request('sr-alone'),
        request('sr-refuted', [{ reference: 'Condition/c-refuted' }]),
      ],
    }),
  );
  const addressesOf = (title: string) => items.find((i) => i.title === title)?.addresses;

  it('keeps a request’s own reasons that are the individual’s Conditions there, each once, with the identifier the plan can hold', () => {
    expect(addressesOf('sr-own')).toEqual([
      { system: 'region', id: 'c-heart', identifier: { system: 'urn:region:condition', value: 'h-1' } },
      { system: 'region', id: 'c-odd' },
    ]);
  });

  it('gives a request without reasons of its own what the plan it is an activity of addresses, and one in no plan nothing', () => {
    expect(addressesOf('sr-plain')).toEqual([{ system: 'region', id: 'c-lungs' }]);
    expect(addressesOf('sr-alone')).toBeUndefined();
    // Its only reason refuted: it addresses nothing, and does not borrow the plan's.
    expect(addressesOf('sr-refuted')).toBeUndefined();
  });

  it('does the same for an inline activity of an upstream CarePlan', () => {
    expect(addressesOf('Andningsträning')).toEqual([{ system: 'region', id: 'c-lungs' }]);
    expect(addressesOf('Hjärtskola')).toEqual([{ system: 'region', id: 'c-heart', identifier: { system: 'urn:region:condition', value: 'h-1' } }]);
  });

  it('maps items the plan’s own schema takes as they are', () => {
    for (const item of items) expect(interventionSchema.safeParse(item).success, item.title).toBe(true);
  });
});
