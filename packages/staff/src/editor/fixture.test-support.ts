import type { PlanView } from '@sip/shared';

export const REGION_ORG = 'SE2321000099-7RG1';
export const MUNICIPALITY_ORG = 'SE2120000099-7KM1';

/** A plan as `GET /api/plans/{id}` gives it to the region, initiated by the municipality. */
export function planFixture(overrides: Partial<PlanView> = {}): PlanView {
  return {
    id: '267c7153-c51e-4e61-b457-f9f926797237',
    status: 'active',
    initiator: 'municipality',
    protectedIdentity: false,
    individual: { personId: '194003019801', kind: 'personnummer', name: 'Astrid Nilsson' },
    fields: {
      title: 'SIP för Astrid Nilsson',
      individualGoals: [{ id: 'g1', text: 'Kunna bo kvar hemma' }],
      needs: [{ id: 'n1', text: 'Stöd med hygien' }],
      coordinator: { name: 'Karin Ek', hsaId: 'SE2120000099-7P01', phone: '+46101740300' },
      followUp: { date: '2027-01-02', by: { name: 'Karin Ek', hsaId: 'SE2120000099-7P01' } },
    },
    consent: null,
    participants: [],
    version: 3,
    revision: 9,
    parts: [
      {
        id: '9565e5ba-4216-49f7-bea5-a3c905c147b6',
        principal: 'region',
        organisation: { id: REGION_ORG, name: 'Region Norrvik' },
        version: 2,
        content: {
          contactPerson: { name: 'Sara Lind', phone: '+46101740100' },
          interventions: [{ id: 'i1', title: 'Hemsjukvård', status: 'decided', source: { system: 'region', resourceType: 'ServiceRequest', id: 'sr-1', version: '1' } }],
        },
        updatedAt: '2026-12-03T01:46:22.562Z',
      },
      {
        id: '41688e38-d35a-471d-b786-5da05c49af2f',
        principal: 'municipality',
        organisation: { id: MUNICIPALITY_ORG, name: 'Norrviks kommun' },
        version: 2,
        content: {},
        updatedAt: '2026-12-03T01:46:22.460Z',
      },
    ],
    relativesSection: {
      id: '7778d559-7cbc-4f64-812d-9611088bc919',
      version: 7,
      relatives: [
        { id: 'rel-1', name: 'Bengt Nilsson', relationship: { text: 'make' }, child: false, sharesHome: true },
        { id: 'rel-2', name: 'Lisa Nilsson', relationship: { text: 'barnbarn' }, child: true, sharesHome: false },
      ],
    },
    visibility: { as: 'region', consent: 'in-force', withheld: ['plan:meetings'] },
    createdAt: '2026-12-03T01:46:22.000Z',
    updatedAt: '2026-12-03T01:46:22.562Z',
    ...overrides,
  };
}
