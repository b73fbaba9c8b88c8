/**
 * The examples of the API's documentation (`/openapi.json`, `/docs/`), in one place: answers of the
 * service in demo mode, one after the other on Astrid Nilsson's plan (the municipality's
 * coordinator Karin Ek, the region's coordinator Sara Lind and auditor Eva Holm, Astrid herself,
 * her husband Bengt and her daughter Maria), so ids, versions and times agree across them; the
 * plan created is one for Gunnel Persson. Every personnummer is one of Skatteverket's test
 * numbers. A plan after a change is written as the plan before it and what the change made
 * different. Lists are as answered, except the FHIR report (its first MeasureReport, with three
 * of its groups).
 *
 * Each operation's route takes its request and response example from here; the route's own
 * schemas parse every one of them (http/openapi-examples.test.ts).
 */

/** `value` without the named properties: what a later answer no longer carries. */
function without<T extends object, K extends keyof T>(value: T, ...keys: K[]): Omit<T, K> {
  const copy = { ...value };
  for (const key of keys) delete copy[key];
  return copy;
}

const plan = {
  id: '37d3697f-7016-4e09-990a-0b9b797d8886',
  status: 'active',
  initiator: 'municipality',
  protectedIdentity: false,
  individual: { personId: '194003019801', kind: 'personnummer', name: 'Astrid Nilsson' },
  fields: {
    individualGoals: [{ id: '690eec00-d861-4487-b96c-3bca83d27373', text: 'Kunna bo kvar hemma med Bengt' }],
    needs: [{ id: 'fbc70947-5931-4cfb-8624-b07ca89d4e9d', text: 'Stöd med personlig hygien och insulin' }],
    followUp: { by: { name: 'Karin Ek', hsaId: 'SE2120000099-7P01' }, date: '2027-01-02' },
    title: 'SIP för Astrid Nilsson',
    overallResponsibility: 'municipality',
    coordinator: {
      name: 'Karin Ek',
      hsaId: 'SE2120000099-7P01',
      phone: '+46101740300',
      title: 'Biståndshandläggare, SIP-samordnare',
      phoneHours: 'Vardagar 8–12',
    },
    individualOwnActions: [{ id: '8b7e5004-d3b0-4c29-bd64-a5fd7115bf4e', text: 'Går en promenad varje dag' }],
  },
  consent: {
    form: 'written',
    basis: 'individual',
    given: true,
    scope: {
      actors: ['Region Norrvik', 'Norrviks kommun'],
      validUntil: '2027-12-03',
      information: ['goals', 'needs', 'interventions', 'contacts', 'follow-up'],
    },
    recordedAt: '2026-12-03T18:24:51.393Z',
    recordedBy: { name: 'Karin Ek', hsaId: 'SE2120000099-7P01' },
  },
  participants: [
    {
      id: '4cb47cbb-f234-4a36-a0f5-70e20570e0a2',
      kind: 'principal',
      name: 'Region Norrvik',
      organisationId: 'SE2321000099-7RG1',
    },
    {
      id: '3323b62d-996d-4e84-b791-4618d42238bc',
      kind: 'principal',
      name: 'Norrviks kommun',
      organisationId: 'SE2120000099-7KM1',
    },
  ],
  version: 3,
  revision: 9,
  parts: [
    {
      id: '0eef796a-04cf-42d6-95f2-0e02d50f75ff',
      principal: 'municipality',
      organisation: { id: 'SE2120000099-7KM1', name: 'Norrviks kommun' },
      version: 2,
      content: {
        contactPerson: { name: 'Karin Ek', phone: '+46101740200', title: 'Biståndshandläggare, SIP-samordnare' },
        interventions: [
          {
            id: '9a9696d8-6864-498b-a8d1-d53fd12dce77',
            title: 'Hemtjänst: hjälp med dusch två gånger i veckan',
            source: { id: 'sr-astrid-1', system: 'municipality', version: '1', resourceType: 'ServiceRequest' },
            status: 'decided',
          },
          {
            id: 'dfb3ea40-a29d-4a03-97ce-fac78876766e',
            title: 'Trygghetslarm',
            source: { id: 'sr-astrid-2', system: 'municipality', version: '1', resourceType: 'ServiceRequest' },
            status: 'decided',
          },
          {
            id: 'd59b85f8-f803-4ce7-9094-5a85a06bfb88',
            title: 'Matdistribution, lunch dagligen',
            source: { id: 'sr-astrid-3', system: 'municipality', version: '1', resourceType: 'ServiceRequest' },
            status: 'decided',
          },
        ],
      },
      updatedAt: '2026-12-03T18:24:51.793Z',
    },
    {
      id: 'a73a955e-099a-499a-9de3-6ef362ae55ff',
      principal: 'region',
      organisation: { id: 'SE2321000099-7RG1', name: 'Region Norrvik' },
      version: 2,
      content: {
        contactPerson: { name: 'Sara Lind', phone: '+46101740100', title: 'Distriktssköterska, SIP-samordnare' },
        interventions: [
          {
            id: '42f62404-b7d9-4492-84ee-005ec204622a',
            title: 'Hemsjukvård: insulin morgon och kväll',
            source: { id: 'sr-astrid-1', system: 'region', version: '1', resourceType: 'ServiceRequest' },
            status: 'decided',
            addresses: [
              {
                id: 'cond-astrid-1',
                system: 'region',
                identifier: { value: 'astrid-1', system: 'urn:norrvik:region:condition' },
              },
            ],
          },
          {
            id: 'c31fc247-1cb7-45c6-9741-404fd4e97b5a',
            title: 'Fysioterapi efter höftfraktur, två gånger i veckan',
            source: { id: 'sr-astrid-2', system: 'region', version: '1', resourceType: 'ServiceRequest' },
            status: 'decided',
            addresses: [
              {
                id: 'cond-astrid-2',
                system: 'region',
                identifier: { value: 'astrid-2', system: 'urn:norrvik:region:condition' },
              },
            ],
          },
        ],
      },
      updatedAt: '2026-12-03T18:24:52.510Z',
    },
  ],
  relativesSection: {
    id: '22c8db8f-7523-427a-b7d7-129a41994097',
    version: 7,
    relatives: [
      {
        id: '103acac7-3b4e-48f0-a3ce-4fba7ed39835',
        name: 'Bengt Nilsson',
        child: false,
        phone: '+46701740001',
        sharing: {
          form: 'written',
          categories: ['goals', 'interventions', 'contacts', 'follow-up'],
          recordedAt: '2026-12-03T18:24:51.393Z',
          recordedBy: { name: 'Karin Ek', hsaId: 'SE2120000099-7P01' },
          validUntil: '2027-12-03',
        },
        sources: [
          { id: 'related-astrid-bengt', system: 'municipality', version: '1', resourceType: 'RelatedPerson' },
          { id: 'related-astrid-bengt', system: 'region', version: '1', resourceType: 'RelatedPerson' },
        ],
        personId: '193805129818',
        sharesHome: true,
        commitments: [
          {
            id: '5da9c089-0740-49c5-9916-cfec05b9d1cc',
            from: '2026-12-03',
            kind: 'contacts',
            what: 'Vara kontaktperson för hemtjänsten och ta emot vid besöken',
            history: [
              {
                at: '2026-12-03T18:24:52.687Z',
                by: 'staff',
                status: 'requested',
                userId: 'SE2120000099-7P01',
                organisationId: 'SE2120000099-7KM1',
              },
            ],
            howOften: 'Vid varje besök',
            reviewDate: '2027-03-03',
          },
        ],
        relationship: { code: 'HUSB', text: 'husband' },
      },
      {
        id: '14a3c90c-8742-4e59-baa5-1e944ba32940',
        name: 'Maria Nilsson',
        child: false,
        phone: '+46701740002',
        sharing: {
          form: 'written',
          categories: ['goals', 'follow-up'],
          recordedAt: '2026-12-03T18:24:51.393Z',
          recordedBy: { name: 'Karin Ek', hsaId: 'SE2120000099-7P01' },
          validUntil: '2027-12-03',
        },
        sources: [
          { id: 'related-astrid-maria', system: 'municipality', version: '1', resourceType: 'RelatedPerson' },
          { id: 'related-astrid-maria', system: 'region', version: '1', resourceType: 'RelatedPerson' },
        ],
        personId: '196807059826',
        sharesHome: false,
        commitments: [
          {
            id: '4d29cc8b-44aa-4b5e-8cb0-707076017e00',
            from: '2026-12-03',
            kind: 'household',
            what: 'Handla mat till Astrid och Bengt',
            history: [
              {
                at: '2026-12-03T18:24:52.808Z',
                by: 'staff',
                status: 'requested',
                userId: 'SE2120000099-7P01',
                organisationId: 'SE2120000099-7KM1',
              },
            ],
            howOften: 'En gång i veckan',
            reviewDate: '2027-03-03',
          },
        ],
        relationship: { code: 'DAU', text: 'natural daughter' },
      },
      {
        id: 'a8da5187-a4f0-4a37-add2-4194f79c60fe',
        name: 'Elsa Nilsson',
        child: true,
        phone: '+46701740003',
        sources: [
          { id: 'related-astrid-elsa', system: 'municipality', version: '1', resourceType: 'RelatedPerson' },
          { id: 'related-astrid-elsa', system: 'region', version: '1', resourceType: 'RelatedPerson' },
        ],
        personId: '201209019841',
        sharesHome: false,
        relationship: { code: 'GRNDDAU', text: 'granddaughter' },
      },
    ],
  },
  createdAt: '2026-12-03T18:24:51.400Z',
  updatedAt: '2026-12-03T18:24:52.810Z',
  sources: {
    region: { status: 'ok', lastAttemptAt: '2026-12-03T18:24:52.510Z', lastSuccessAt: '2026-12-03T18:24:52.510Z' },
    municipality: { status: 'ok', lastAttemptAt: '2026-12-03T18:24:52.510Z', lastSuccessAt: '2026-12-03T18:24:52.510Z' },
    demographicConflicts: [],
  },
  visibility: { as: 'municipality', consent: 'in-force', withheld: [] },
} as const;

const planPatched = {
  ...without(plan, 'sources'),
  fields: {
    ...plan.fields,
    needs: [
      ...plan.fields.needs,
      {
        id: 'baedc7a0-fa63-453f-82d2-70187ca521e9',
        text: 'Avlastning för Bengt, som hjälper Astrid varje dag',
      },
    ],
  },
  version: 4,
  revision: 10,
  updatedAt: '2026-12-03T18:24:59.116Z',
} as const;

const planWithParticipant = {
  ...planPatched,
  participants: [
    ...planPatched.participants,
    {
      id: 'ace1c7d6-d394-49d9-9465-a2bdc3db9b2d',
      kind: 'invited',
      name: 'Anna Ström',
      role: 'Arbetsterapeut, Region Norrvik',
    },
  ],
  version: 5,
  revision: 11,
  updatedAt: '2026-12-03T18:24:59.218Z',
} as const;

const planWithoutParticipant = {
  ...planWithParticipant,
  participants: [
    {
      id: '4cb47cbb-f234-4a36-a0f5-70e20570e0a2',
      kind: 'principal',
      name: 'Region Norrvik',
      organisationId: 'SE2321000099-7RG1',
    },
    {
      id: '3323b62d-996d-4e84-b791-4618d42238bc',
      kind: 'principal',
      name: 'Norrviks kommun',
      organisationId: 'SE2120000099-7KM1',
    },
  ],
  version: 6,
  revision: 12,
  updatedAt: '2026-12-03T18:24:59.374Z',
} as const;

const planConsentRecorded = {
  ...planWithoutParticipant,
  version: 7,
  revision: 14,
  parts: [
    {
      ...planWithoutParticipant.parts[0],
      version: 3,
      content: {
        ...planWithoutParticipant.parts[0].content,
        contactPerson: { ...planWithoutParticipant.parts[0].content.contactPerson, phoneHours: 'Vardagar 8–12' },
      },
      updatedAt: '2026-12-03T18:24:59.477Z',
    },
    planWithoutParticipant.parts[1],
  ],
  updatedAt: '2026-12-03T18:24:59.532Z',
  sources: {
    region: { status: 'ok', lastAttemptAt: '2026-12-03T18:24:59.610Z', lastSuccessAt: '2026-12-03T18:24:59.610Z' },
    municipality: { status: 'ok', lastAttemptAt: '2026-12-03T18:24:59.610Z', lastSuccessAt: '2026-12-03T18:24:59.610Z' },
    demographicConflicts: [],
  },
} as const;

const planVersion = { ...without(planConsentRecorded, 'sources') } as const;

const planSynced = {
  ...planVersion,
  sources: {
    region: { status: 'ok', lastAttemptAt: '2026-12-03T18:25:00.060Z', lastSuccessAt: '2026-12-03T18:25:00.060Z' },
    municipality: { status: 'ok', lastAttemptAt: '2026-12-03T18:25:00.060Z', lastSuccessAt: '2026-12-03T18:25:00.060Z' },
    demographicConflicts: [],
  },
} as const;

const planFollowedUp = {
  ...without(planSynced, 'sources'),
  status: 'followed_up',
  version: 8,
  revision: 15,
  updatedAt: '2026-12-03T18:25:00.208Z',
} as const;

const ownPlan = {
  planId: '37d3697f-7016-4e09-990a-0b9b797d8886',
  version: 8,
  revision: 25,
  title: 'SIP för Astrid Nilsson',
  status: 'followed_up',
  child: false,
  coordinator: { name: 'Karin Ek', title: 'Biståndshandläggare, SIP-samordnare', phone: '+46101740300' },
  responsible: { principal: 'municipality', organisation: 'Norrviks kommun' },
  outOfHours: null,
  individualGoals: [{ id: '690eec00-d861-4487-b96c-3bca83d27373', text: 'Kunna bo kvar hemma med Bengt' }],
  individualOwnActions: [{ id: '8b7e5004-d3b0-4c29-bd64-a5fd7115bf4e', text: 'Går en promenad varje dag' }],
  needs: [
    { id: 'fbc70947-5931-4cfb-8624-b07ca89d4e9d', text: 'Stöd med personlig hygien och insulin' },
    {
      id: 'baedc7a0-fa63-453f-82d2-70187ca521e9',
      text: 'Avlastning för Bengt, som hjälper Astrid varje dag',
    },
  ],
  parts: [
    {
      principal: 'municipality',
      organisation: { id: 'SE2120000099-7KM1', name: 'Norrviks kommun' },
      contactPerson: { name: 'Karin Ek', title: 'Biståndshandläggare, SIP-samordnare', phone: '+46101740200' },
      goals: [],
      interventions: [
        {
          id: '9a9696d8-6864-498b-a8d1-d53fd12dce77',
          title: 'Hemtjänst: hjälp med dusch två gånger i veckan',
          status: 'decided',
        },
        { id: 'dfb3ea40-a29d-4a03-97ce-fac78876766e', title: 'Trygghetslarm', status: 'decided' },
        {
          id: 'd59b85f8-f803-4ce7-9094-5a85a06bfb88',
          title: 'Matdistribution, lunch dagligen',
          status: 'decided',
        },
      ],
    },
    {
      principal: 'region',
      organisation: { id: 'SE2321000099-7RG1', name: 'Region Norrvik' },
      contactPerson: { name: 'Sara Lind', title: 'Distriktssköterska, SIP-samordnare', phone: '+46101740100' },
      goals: [],
      interventions: [
        {
          id: '42f62404-b7d9-4492-84ee-005ec204622a',
          title: 'Hemsjukvård: insulin morgon och kväll',
          status: 'decided',
        },
        {
          id: 'c31fc247-1cb7-45c6-9741-404fd4e97b5a',
          title: 'Fysioterapi efter höftfraktur, två gånger i veckan',
          status: 'decided',
        },
      ],
    },
  ],
  otherActorMeasures: [],
  participants: [{ kind: 'principal', name: 'Region Norrvik' }, { kind: 'principal', name: 'Norrviks kommun' }],
  meetings: [],
  followUp: { date: '2027-01-02', by: { name: 'Karin Ek' } },
  consent: {
    form: 'written',
    basis: 'individual',
    given: true,
    scope: {
      actors: ['Region Norrvik', 'Norrviks kommun'],
      validUntil: '2027-12-03',
      information: ['goals', 'needs', 'interventions', 'contacts', 'follow-up'],
    },
    recordedAt: '2026-12-03T18:24:51.393Z',
    recordedBy: { name: 'Karin Ek', hsaId: 'SE2120000099-7P01' },
    state: 'in-force',
  },
  relatives: [
    {
      relativeId: '103acac7-3b4e-48f0-a3ce-4fba7ed39835',
      name: 'Bengt Nilsson',
      relationship: { code: 'HUSB', text: 'husband' },
      child: false,
      sharing: {
        form: 'written',
        categories: ['goals', 'interventions', 'contacts', 'follow-up'],
        recordedAt: '2026-12-03T18:24:51.393Z',
        recordedBy: { name: 'Karin Ek', hsaId: 'SE2120000099-7P01' },
        validUntil: '2027-12-03',
      },
      sharedNow: ['goals', 'interventions', 'contacts', 'follow-up'],
    },
    {
      relativeId: '14a3c90c-8742-4e59-baa5-1e944ba32940',
      name: 'Maria Nilsson',
      relationship: { code: 'DAU', text: 'natural daughter' },
      child: false,
      sharing: {
        form: 'written',
        categories: ['goals', 'contacts', 'follow-up'],
        recordedAt: '2026-12-03T18:25:00.702Z',
        recordedBy: { name: 'Karin Ek', hsaId: 'SE2120000099-7P01' },
        validUntil: '2027-12-03',
      },
      sharedNow: ['goals', 'contacts', 'follow-up'],
    },
    {
      relativeId: 'a8da5187-a4f0-4a37-add2-4194f79c60fe',
      name: 'Elsa Nilsson',
      relationship: { code: 'GRNDDAU', text: 'granddaughter' },
      child: true,
      sharing: null,
      sharedNow: [],
    },
    {
      relativeId: '65872530-bbf3-4edd-9d34-7b2277df97db',
      name: 'Gösta Lund',
      relationship: { code: 'NBOR', text: 'granne' },
      child: false,
      sharing: null,
      sharedNow: [],
    },
  ],
  updatedAt: '2026-12-03T18:25:02.070Z',
} as const;

const ownPlanSharing = {
  ...ownPlan,
  revision: 26,
  relatives: [
    ownPlan.relatives[0],
    {
      ...ownPlan.relatives[1],
      sharing: {
        ...ownPlan.relatives[1].sharing,
        recordedAt: '2026-12-03T18:25:02.401Z',
        recordedBy: { ...without(ownPlan.relatives[1].sharing.recordedBy, 'hsaId'), name: 'Astrid Nilsson' },
        recordedWith: 'e-id',
      },
    },
    ownPlan.relatives[2],
    ownPlan.relatives[3],
  ],
  updatedAt: '2026-12-03T18:25:02.407Z',
} as const;

const ownPlanGoals = {
  ...ownPlanSharing,
  version: 9,
  revision: 27,
  individualGoals: [
    { ...ownPlanSharing.individualGoals[0], id: 'd32bd7fe-5964-4d49-8582-278428fd724f' },
    { id: '21c54ebc-175a-4471-ba5e-3d6fee4e9eac', text: 'Kunna gå till kyrkan på söndagar' },
  ],
  individualOwnActions: [{ ...ownPlanSharing.individualOwnActions[0], id: '53fb3b34-8096-43f4-9cae-8f1b41f6456d' }],
  updatedAt: '2026-12-03T18:25:02.514Z',
} as const;

const ownPlanConsent = {
  ...ownPlanGoals,
  version: 10,
  revision: 28,
  consent: {
    ...ownPlanGoals.consent,
    recordedAt: '2026-12-03T18:25:02.558Z',
    recordedBy: { ...without(ownPlanGoals.consent.recordedBy, 'hsaId'), name: 'Astrid Nilsson' },
    recordedWith: 'e-id',
  },
  updatedAt: '2026-12-03T18:25:02.563Z',
} as const;

const part = {
  id: '0eef796a-04cf-42d6-95f2-0e02d50f75ff',
  principal: 'municipality',
  organisation: { id: 'SE2120000099-7KM1', name: 'Norrviks kommun' },
  version: 2,
  content: {
    contactPerson: { name: 'Karin Ek', phone: '+46101740200', title: 'Biståndshandläggare, SIP-samordnare' },
    interventions: [
      {
        id: '9a9696d8-6864-498b-a8d1-d53fd12dce77',
        title: 'Hemtjänst: hjälp med dusch två gånger i veckan',
        source: { id: 'sr-astrid-1', system: 'municipality', version: '1', resourceType: 'ServiceRequest' },
        status: 'decided',
      },
      {
        id: 'dfb3ea40-a29d-4a03-97ce-fac78876766e',
        title: 'Trygghetslarm',
        source: { id: 'sr-astrid-2', system: 'municipality', version: '1', resourceType: 'ServiceRequest' },
        status: 'decided',
      },
      {
        id: 'd59b85f8-f803-4ce7-9094-5a85a06bfb88',
        title: 'Matdistribution, lunch dagligen',
        source: { id: 'sr-astrid-3', system: 'municipality', version: '1', resourceType: 'ServiceRequest' },
        status: 'decided',
      },
    ],
  },
  updatedAt: '2026-12-03T18:24:51.793Z',
} as const;

const partPatched = {
  ...part,
  version: 3,
  content: { ...part.content, contactPerson: { ...part.content.contactPerson, phoneHours: 'Vardagar 8–12' } },
  updatedAt: '2026-12-03T18:24:59.477Z',
} as const;

export const examples = {
  session: {
    response: { kind: 'staff', userId: 'SE2120000099-7P01', organisationId: 'SE2120000099-7KM1', role: 'coordinator' },
  },
  organisations: {
    response: {
      items: [
        { id: 'SE2321000099-7RG1', name: 'Region Norrvik', kind: 'region', upstream: 'region' },
        { id: 'SE2120000099-7KM1', name: 'Norrviks kommun', kind: 'municipality', upstream: 'municipality' },
        { id: 'SE2120000099-7KM2', name: 'Söderviks kommun', kind: 'municipality', upstream: 'sodervik' },
      ],
    },
  },
  plansList: {
    response: {
      items: [
        {
          id: '9b33ae64-edd4-44b7-aeff-2b7a68461ca4',
          status: 'draft',
          individual: { personId: '195007129827', name: 'Gunnel Persson' },
          title: 'SIP för Gunnel Persson',
          followUpDate: '2027-01-02',
          version: 1,
          revision: 2,
          updatedAt: '2026-12-03T18:24:53.911Z',
        },
        {
          id: '2b5e103a-3745-4716-834b-e0948e187c7f',
          status: 'active',
          individual: { personId: '195202149836', name: 'Karl Johansson' },
          title: 'SIP för Karl Johansson',
          followUpDate: '2026-12-01',
          version: 3,
          revision: 9,
          updatedAt: '2026-12-03T18:24:53.745Z',
        },
        {
          id: '37d3697f-7016-4e09-990a-0b9b797d8886',
          status: 'active',
          individual: { personId: '194003019801', name: 'Astrid Nilsson' },
          title: 'SIP för Astrid Nilsson',
          followUpDate: '2027-01-02',
          version: 3,
          revision: 9,
          updatedAt: '2026-12-03T18:24:52.810Z',
        },
      ],
      total: 3,
      limit: 20,
      offset: 0,
      next: null,
    },
  },
  plansSearch: {
    request: { personId: '194003019801', status: 'active' },
    response: {
      items: [
        {
          id: '37d3697f-7016-4e09-990a-0b9b797d8886',
          status: 'active',
          individual: { personId: '194003019801', name: 'Astrid Nilsson' },
          title: 'SIP för Astrid Nilsson',
          followUpDate: '2027-01-02',
          version: 3,
          revision: 9,
          updatedAt: '2026-12-03T18:24:52.810Z',
        },
      ],
      total: 1,
      limit: 20,
      offset: 0,
      next: null,
    },
  },
  created: {
    request: {
      individual: { personId: '195007129827', name: 'Gunnel Persson' },
      principals: {
        region: { id: 'SE2321000099-7RG1', name: 'Region Norrvik' },
        municipality: { id: 'SE2120000099-7KM1', name: 'Norrviks kommun' },
      },
      title: 'SIP för Gunnel Persson',
      overallResponsibility: 'municipality',
    },
    response: {
      id: '75e13b5f-26e6-4ee7-b4c3-f971cf863487',
      status: 'draft',
      initiator: 'municipality',
      protectedIdentity: false,
      individual: { personId: '195007129827', kind: 'personnummer', name: 'Gunnel Persson' },
      fields: { title: 'SIP för Gunnel Persson', overallResponsibility: 'municipality' },
      consent: null,
      participants: [
        {
          id: '0a8e8cdd-06ea-47fe-821c-8f605bd06ffb',
          kind: 'principal',
          name: 'Region Norrvik',
          organisationId: 'SE2321000099-7RG1',
        },
        {
          id: '9f86a8f4-414c-42da-88d4-aa6baee392b7',
          kind: 'principal',
          name: 'Norrviks kommun',
          organisationId: 'SE2120000099-7KM1',
        },
      ],
      version: 1,
      revision: 2,
      parts: [
        {
          id: 'a443a3b4-ceb1-4547-895f-99fe164e82fc',
          principal: 'municipality',
          organisation: { id: 'SE2120000099-7KM1', name: 'Norrviks kommun' },
          version: 2,
          content: {
            contactPerson: { name: 'Karin Ek', phone: '+46101740200', title: 'Biståndshandläggare, SIP-samordnare' },
            interventions: [
              {
                id: '1c36efa4-bd7e-4374-ad13-d5cf2bdab3ca',
                title: 'Dagverksamhet två dagar i veckan',
                source: { id: 'sr-gunnel-1', system: 'municipality', version: '1', resourceType: 'ServiceRequest' },
                status: 'decided',
              },
            ],
          },
          updatedAt: '2026-12-03T18:25:03.760Z',
        },
        {
          id: 'd4f668ca-23e9-4f62-99b9-d8f8530b3173',
          principal: 'region',
          organisation: { id: 'SE2321000099-7RG1', name: 'Region Norrvik' },
          version: 1,
          content: {},
          updatedAt: '2026-12-03T18:25:03.742Z',
        },
      ],
      relativesSection: {
        id: 'f242fa08-9e7a-4574-9216-717a0a391a84',
        version: 2,
        relatives: [
          {
            id: 'aff0b374-eb24-44fc-80d1-f381bb2bcd58',
            name: 'Lars Persson',
            child: false,
            phone: '+46701740005',
            sources: [
              {
                id: 'related-gunnel-lars',
                system: 'municipality',
                version: '1',
                resourceType: 'RelatedPerson',
              },
            ],
            personId: '194811239823',
            sharesHome: true,
            relationship: { code: 'HUSB', text: 'husband' },
          },
        ],
      },
      createdAt: '2026-12-03T18:25:03.742Z',
      updatedAt: '2026-12-03T18:25:03.786Z',
      sources: {
        region: {
          status: 'not-shared',
          reason: 'consent',
          lastAttemptAt: '2026-12-03T18:25:03.760Z',
          lastSuccessAt: null,
        },
        municipality: {
          status: 'ok',
          lastAttemptAt: '2026-12-03T18:25:03.760Z',
          lastSuccessAt: '2026-12-03T18:25:03.760Z',
        },
        demographicConflicts: [],
      },
      visibility: {
        as: 'municipality',
        consent: 'none',
        withheld: ['region:contacts', 'region:goals', 'region:interventions'],
      },
    },
  },
  plan: {
    response: plan,
  },
  planPatch: {
    request: {
      needs: [
        { id: 'fbc70947-5931-4cfb-8624-b07ca89d4e9d', text: 'Stöd med personlig hygien och insulin' },
        { text: 'Avlastning för Bengt, som hjälper Astrid varje dag' },
      ],
    },
    response: planPatched,
  },
  consent: {
    request: {
      form: 'written',
      given: true,
      scope: {
        actors: ['Region Norrvik', 'Norrviks kommun'],
        validUntil: '2027-12-03',
        information: ['goals', 'needs', 'interventions', 'contacts', 'follow-up'],
      },
      recordedAt: '2026-12-03T18:24:51.393Z',
      recordedBy: { name: 'Karin Ek', hsaId: 'SE2120000099-7P01' },
    },
    response: planConsentRecorded,
  },
  participantAdd: {
    request: { kind: 'invited', name: 'Anna Ström', role: 'Arbetsterapeut, Region Norrvik' },
    response: planWithParticipant,
  },
  participantRemove: {
    response: planWithoutParticipant,
  },
  status: {
    request: { status: 'followed_up' },
    response: planFollowedUp,
  },
  part: {
    response: part,
  },
  partPatch: {
    request: {
      contactPerson: {
        name: 'Karin Ek',
        title: 'Biståndshandläggare, SIP-samordnare',
        phone: '+46101740200',
        phoneHours: 'Vardagar 8–12',
      },
    },
    response: partPatched,
  },
  versions: {
    response: {
      versions: [
        {
          revision: 1,
          change: 'plan.created',
          partId: null,
          changedBy: {
            userId: 'SE2120000099-7P01',
            organisationId: 'SE2120000099-7KM1',
            name: 'Karin Ek',
            organisationName: 'Norrviks kommun',
            role: 'staff',
          },
          changedAt: '2026-12-03T18:24:51.412Z',
        },
        {
          revision: 2,
          change: 'plan.synced',
          partId: null,
          changedBy: {
            userId: 'SE2120000099-7P01',
            organisationId: 'SE2120000099-7KM1',
            name: 'Karin Ek',
            organisationName: 'Norrviks kommun',
            role: 'staff',
          },
          changedAt: '2026-12-03T18:24:51.848Z',
        },
        {
          revision: 3,
          change: 'consent.updated',
          partId: null,
          changedBy: {
            userId: 'SE2120000099-7P01',
            organisationId: 'SE2120000099-7KM1',
            name: 'Karin Ek',
            organisationName: 'Norrviks kommun',
            role: 'staff',
          },
          changedAt: '2026-12-03T18:24:52.008Z',
        },
        {
          revision: 4,
          change: 'status.changed',
          partId: null,
          changedBy: {
            userId: 'SE2120000099-7P01',
            organisationId: 'SE2120000099-7KM1',
            name: 'Karin Ek',
            organisationName: 'Norrviks kommun',
            role: 'staff',
          },
          changedAt: '2026-12-03T18:24:52.125Z',
        },
        {
          revision: 5,
          change: 'plan.synced',
          partId: null,
          changedBy: {
            userId: 'SE2120000099-7P01',
            organisationId: 'SE2120000099-7KM1',
            name: 'Karin Ek',
            organisationName: 'Norrviks kommun',
            role: 'staff',
          },
          changedAt: '2026-12-03T18:24:52.565Z',
        },
        {
          revision: 6,
          change: 'relatives.updated',
          partId: '22c8db8f-7523-427a-b7d7-129a41994097',
          changedBy: {
            userId: 'SE2120000099-7P01',
            organisationId: 'SE2120000099-7KM1',
            name: 'Karin Ek',
            organisationName: 'Norrviks kommun',
            role: 'staff',
          },
          changedAt: '2026-12-03T18:24:52.669Z',
        },
        {
          revision: 7,
          change: 'relatives.updated',
          partId: '22c8db8f-7523-427a-b7d7-129a41994097',
          changedBy: {
            userId: 'SE2120000099-7P01',
            organisationId: 'SE2120000099-7KM1',
            name: 'Karin Ek',
            organisationName: 'Norrviks kommun',
            role: 'staff',
          },
          changedAt: '2026-12-03T18:24:52.694Z',
        },
        {
          revision: 8,
          change: 'relatives.updated',
          partId: '22c8db8f-7523-427a-b7d7-129a41994097',
          changedBy: {
            userId: 'SE2120000099-7P01',
            organisationId: 'SE2120000099-7KM1',
            name: 'Karin Ek',
            organisationName: 'Norrviks kommun',
            role: 'staff',
          },
          changedAt: '2026-12-03T18:24:52.742Z',
        },
        {
          revision: 9,
          change: 'relatives.updated',
          partId: '22c8db8f-7523-427a-b7d7-129a41994097',
          changedBy: {
            userId: 'SE2120000099-7P01',
            organisationId: 'SE2120000099-7KM1',
            name: 'Karin Ek',
            organisationName: 'Norrviks kommun',
            role: 'staff',
          },
          changedAt: '2026-12-03T18:24:52.810Z',
        },
        {
          revision: 10,
          change: 'plan.updated',
          partId: null,
          changedBy: {
            userId: 'SE2120000099-7P01',
            organisationId: 'SE2120000099-7KM1',
            name: 'Karin Ek',
            organisationName: 'Norrviks kommun',
            role: 'staff',
          },
          changedAt: '2026-12-03T18:24:59.116Z',
        },
        {
          revision: 11,
          change: 'participants.updated',
          partId: null,
          changedBy: {
            userId: 'SE2120000099-7P01',
            organisationId: 'SE2120000099-7KM1',
            name: 'Karin Ek',
            organisationName: 'Norrviks kommun',
            role: 'staff',
          },
          changedAt: '2026-12-03T18:24:59.218Z',
        },
        {
          revision: 12,
          change: 'participants.updated',
          partId: null,
          changedBy: {
            userId: 'SE2120000099-7P01',
            organisationId: 'SE2120000099-7KM1',
            name: 'Karin Ek',
            organisationName: 'Norrviks kommun',
            role: 'staff',
          },
          changedAt: '2026-12-03T18:24:59.374Z',
        },
        {
          revision: 13,
          change: 'part.updated',
          partId: '0eef796a-04cf-42d6-95f2-0e02d50f75ff',
          changedBy: {
            userId: 'SE2120000099-7P01',
            organisationId: 'SE2120000099-7KM1',
            name: 'Karin Ek',
            organisationName: 'Norrviks kommun',
            role: 'staff',
          },
          changedAt: '2026-12-03T18:24:59.479Z',
        },
        {
          revision: 14,
          change: 'consent.updated',
          partId: null,
          changedBy: {
            userId: 'SE2120000099-7P01',
            organisationId: 'SE2120000099-7KM1',
            name: 'Karin Ek',
            organisationName: 'Norrviks kommun',
            role: 'staff',
          },
          changedAt: '2026-12-03T18:24:59.532Z',
        },
      ],
    },
  },
  version: {
    response: planVersion,
  },
  diff: {
    response: {
      from: 9,
      to: 10,
      operations: [
        {
          op: 'add',
          path: '/fields/needs/-',
          value: {
            id: 'baedc7a0-fa63-453f-82d2-70187ca521e9',
            text: 'Avlastning för Bengt, som hjälper Astrid varje dag',
          },
        },
        { op: 'replace', path: '/version', value: 4 },
        { op: 'replace', path: '/revision', value: 10 },
        { op: 'replace', path: '/updatedAt', value: '2026-12-03T18:24:59.116Z' },
      ],
      versions: [
        {
          revision: 10,
          change: 'plan.updated',
          partId: null,
          changedBy: {
            userId: 'SE2120000099-7P01',
            organisationId: 'SE2120000099-7KM1',
            name: 'Karin Ek',
            organisationName: 'Norrviks kommun',
            role: 'staff',
          },
          changedAt: '2026-12-03T18:24:59.116Z',
        },
      ],
    },
  },
  sync: {
    response: planSynced,
  },
  publication: {
    response: {
      sides: [
        {
          side: 'region',
          upstream: 'region',
          state: 'pending',
          deliveredRevision: 10,
          waitingRevision: 15,
          reason: null,
          attempts: 0,
          nextAttemptAt: '2026-12-03T18:25:00.208Z',
          withheld: false,
        },
        {
          side: 'municipality',
          upstream: 'municipality',
          state: 'pending',
          deliveredRevision: 10,
          waitingRevision: 15,
          reason: null,
          attempts: 0,
          nextAttemptAt: '2026-12-03T18:25:00.208Z',
          withheld: false,
        },
      ],
    },
  },
  relatives: {
    response: {
      id: '22c8db8f-7523-427a-b7d7-129a41994097',
      version: 7,
      relatives: [
        {
          id: '103acac7-3b4e-48f0-a3ce-4fba7ed39835',
          name: 'Bengt Nilsson',
          child: false,
          phone: '+46701740001',
          sharing: {
            form: 'written',
            categories: ['goals', 'interventions', 'contacts', 'follow-up'],
            recordedAt: '2026-12-03T18:24:51.393Z',
            recordedBy: { name: 'Karin Ek', hsaId: 'SE2120000099-7P01' },
            validUntil: '2027-12-03',
          },
          sources: [
            {
              id: 'related-astrid-bengt',
              system: 'municipality',
              version: '1',
              resourceType: 'RelatedPerson',
            },
            { id: 'related-astrid-bengt', system: 'region', version: '1', resourceType: 'RelatedPerson' },
          ],
          personId: '193805129818',
          sharesHome: true,
          commitments: [
            {
              id: '5da9c089-0740-49c5-9916-cfec05b9d1cc',
              from: '2026-12-03',
              kind: 'contacts',
              what: 'Vara kontaktperson för hemtjänsten och ta emot vid besöken',
              history: [
                {
                  at: '2026-12-03T18:24:52.687Z',
                  by: 'staff',
                  status: 'requested',
                  userId: 'SE2120000099-7P01',
                  organisationId: 'SE2120000099-7KM1',
                },
              ],
              howOften: 'Vid varje besök',
              reviewDate: '2027-03-03',
            },
          ],
          relationship: { code: 'HUSB', text: 'husband' },
        },
        {
          id: '14a3c90c-8742-4e59-baa5-1e944ba32940',
          name: 'Maria Nilsson',
          child: false,
          phone: '+46701740002',
          sharing: {
            form: 'written',
            categories: ['goals', 'follow-up'],
            recordedAt: '2026-12-03T18:24:51.393Z',
            recordedBy: { name: 'Karin Ek', hsaId: 'SE2120000099-7P01' },
            validUntil: '2027-12-03',
          },
          sources: [
            {
              id: 'related-astrid-maria',
              system: 'municipality',
              version: '1',
              resourceType: 'RelatedPerson',
            },
            { id: 'related-astrid-maria', system: 'region', version: '1', resourceType: 'RelatedPerson' },
          ],
          personId: '196807059826',
          sharesHome: false,
          commitments: [
            {
              id: '4d29cc8b-44aa-4b5e-8cb0-707076017e00',
              from: '2026-12-03',
              kind: 'household',
              what: 'Handla mat till Astrid och Bengt',
              history: [
                {
                  at: '2026-12-03T18:24:52.808Z',
                  by: 'staff',
                  status: 'requested',
                  userId: 'SE2120000099-7P01',
                  organisationId: 'SE2120000099-7KM1',
                },
              ],
              howOften: 'En gång i veckan',
              reviewDate: '2027-03-03',
            },
          ],
          relationship: { code: 'DAU', text: 'natural daughter' },
        },
        {
          id: 'a8da5187-a4f0-4a37-add2-4194f79c60fe',
          name: 'Elsa Nilsson',
          child: true,
          phone: '+46701740003',
          sources: [
            {
              id: 'related-astrid-elsa',
              system: 'municipality',
              version: '1',
              resourceType: 'RelatedPerson',
            },
            { id: 'related-astrid-elsa', system: 'region', version: '1', resourceType: 'RelatedPerson' },
          ],
          personId: '201209019841',
          sharesHome: false,
          relationship: { code: 'GRNDDAU', text: 'granddaughter' },
        },
      ],
    },
  },
  relativeAdd: {
    request: {
      name: 'Gösta Lund',
      relationship: { code: 'NBOR', text: 'granne' },
      phone: '+46701740007',
      child: false,
      sharesHome: false,
    },
    response: {
      id: '65872530-bbf3-4edd-9d34-7b2277df97db',
      name: 'Gösta Lund',
      child: false,
      phone: '+46701740007',
      sharesHome: false,
      relationship: { code: 'NBOR', text: 'granne' },
    },
  },
  relativePatch: {
    request: { email: 'maria.nilsson@example.se' },
    response: {
      id: '14a3c90c-8742-4e59-baa5-1e944ba32940',
      name: 'Maria Nilsson',
      child: false,
      email: 'maria.nilsson@example.se',
      phone: '+46701740002',
      sharing: {
        form: 'written',
        categories: ['goals', 'follow-up'],
        recordedAt: '2026-12-03T18:24:51.393Z',
        recordedBy: { name: 'Karin Ek', hsaId: 'SE2120000099-7P01' },
        validUntil: '2027-12-03',
      },
      sources: [
        { id: 'related-astrid-maria', system: 'municipality', version: '1', resourceType: 'RelatedPerson' },
        { id: 'related-astrid-maria', system: 'region', version: '1', resourceType: 'RelatedPerson' },
      ],
      personId: '196807059826',
      sharesHome: false,
      commitments: [
        {
          id: '4d29cc8b-44aa-4b5e-8cb0-707076017e00',
          from: '2026-12-03',
          kind: 'household',
          what: 'Handla mat till Astrid och Bengt',
          history: [
            {
              at: '2026-12-03T18:24:52.808Z',
              by: 'staff',
              status: 'requested',
              userId: 'SE2120000099-7P01',
              organisationId: 'SE2120000099-7KM1',
            },
          ],
          howOften: 'En gång i veckan',
          reviewDate: '2027-03-03',
        },
      ],
      relationship: { code: 'DAU', text: 'natural daughter' },
    },
  },
  sharing: {
    request: {
      categories: ['goals', 'contacts', 'follow-up'],
      form: 'written',
      recordedAt: '2026-12-03T18:25:00.702Z',
      recordedBy: { name: 'Karin Ek', hsaId: 'SE2120000099-7P01' },
      validUntil: '2027-12-03',
    },
    response: {
      id: '14a3c90c-8742-4e59-baa5-1e944ba32940',
      name: 'Maria Nilsson',
      child: false,
      email: 'maria.nilsson@example.se',
      phone: '+46701740002',
      sharing: {
        form: 'written',
        categories: ['goals', 'contacts', 'follow-up'],
        recordedAt: '2026-12-03T18:25:00.702Z',
        recordedBy: { name: 'Karin Ek', hsaId: 'SE2120000099-7P01' },
        validUntil: '2027-12-03',
      },
      sources: [
        { id: 'related-astrid-maria', system: 'municipality', version: '1', resourceType: 'RelatedPerson' },
        { id: 'related-astrid-maria', system: 'region', version: '1', resourceType: 'RelatedPerson' },
      ],
      personId: '196807059826',
      sharesHome: false,
      commitments: [
        {
          id: '4d29cc8b-44aa-4b5e-8cb0-707076017e00',
          from: '2026-12-03',
          kind: 'household',
          what: 'Handla mat till Astrid och Bengt',
          history: [
            {
              at: '2026-12-03T18:24:52.808Z',
              by: 'staff',
              status: 'requested',
              userId: 'SE2120000099-7P01',
              organisationId: 'SE2120000099-7KM1',
            },
          ],
          howOften: 'En gång i veckan',
          reviewDate: '2027-03-03',
        },
      ],
      relationship: { code: 'DAU', text: 'natural daughter' },
    },
  },
  informed: {
    request: {
      at: '2026-12-03T18:25:00.782Z',
      what: 'Informerad om planen och om stödet till anhöriga i kommunen',
      by: { name: 'Karin Ek', hsaId: 'SE2120000099-7P01' },
    },
    response: {
      id: '14a3c90c-8742-4e59-baa5-1e944ba32940',
      name: 'Maria Nilsson',
      child: false,
      email: 'maria.nilsson@example.se',
      phone: '+46701740002',
      sharing: {
        form: 'written',
        categories: ['goals', 'contacts', 'follow-up'],
        recordedAt: '2026-12-03T18:25:00.702Z',
        recordedBy: { name: 'Karin Ek', hsaId: 'SE2120000099-7P01' },
        validUntil: '2027-12-03',
      },
      sources: [
        { id: 'related-astrid-maria', system: 'municipality', version: '1', resourceType: 'RelatedPerson' },
        { id: 'related-astrid-maria', system: 'region', version: '1', resourceType: 'RelatedPerson' },
      ],
      informed: [
        {
          at: '2026-12-03T18:25:00.782Z',
          by: { name: 'Karin Ek', hsaId: 'SE2120000099-7P01' },
          id: 'ce5341f6-062e-4ee0-9786-03ffda68a0f4',
          what: 'Informerad om planen och om stödet till anhöriga i kommunen',
        },
      ],
      personId: '196807059826',
      sharesHome: false,
      commitments: [
        {
          id: '4d29cc8b-44aa-4b5e-8cb0-707076017e00',
          from: '2026-12-03',
          kind: 'household',
          what: 'Handla mat till Astrid och Bengt',
          history: [
            {
              at: '2026-12-03T18:24:52.808Z',
              by: 'staff',
              status: 'requested',
              userId: 'SE2120000099-7P01',
              organisationId: 'SE2120000099-7KM1',
            },
          ],
          howOften: 'En gång i veckan',
          reviewDate: '2027-03-03',
        },
      ],
      relationship: { code: 'DAU', text: 'natural daughter' },
    },
  },
  support: {
    request: { offered: ['conversation', 'respite'], requests: [] },
    response: {
      id: '103acac7-3b4e-48f0-a3ce-4fba7ed39835',
      name: 'Bengt Nilsson',
      child: false,
      phone: '+46701740001',
      sharing: {
        form: 'written',
        categories: ['goals', 'interventions', 'contacts', 'follow-up'],
        recordedAt: '2026-12-03T18:24:51.393Z',
        recordedBy: { name: 'Karin Ek', hsaId: 'SE2120000099-7P01' },
        validUntil: '2027-12-03',
      },
      sources: [
        { id: 'related-astrid-bengt', system: 'municipality', version: '1', resourceType: 'RelatedPerson' },
        { id: 'related-astrid-bengt', system: 'region', version: '1', resourceType: 'RelatedPerson' },
      ],
      support: { offered: ['conversation', 'respite'], requests: [] },
      personId: '193805129818',
      sharesHome: true,
      commitments: [
        {
          id: '5da9c089-0740-49c5-9916-cfec05b9d1cc',
          from: '2026-12-03',
          kind: 'contacts',
          what: 'Vara kontaktperson för hemtjänsten och ta emot vid besöken',
          history: [
            {
              at: '2026-12-03T18:24:52.687Z',
              by: 'staff',
              status: 'requested',
              userId: 'SE2120000099-7P01',
              organisationId: 'SE2120000099-7KM1',
            },
          ],
          howOften: 'Vid varje besök',
          reviewDate: '2027-03-03',
        },
      ],
      relationship: { code: 'HUSB', text: 'husband' },
    },
  },
  commitmentAdd: {
    request: {
      kind: 'accompanying',
      what: 'Följa med Astrid till fysioterapin på tisdagar',
      howOften: 'En gång i veckan',
      from: '2026-12-03',
      reviewDate: '2027-03-03',
    },
    response: {
      id: '4a91499b-53ed-467f-9e76-d44e45dbc0af',
      from: '2026-12-03',
      kind: 'accompanying',
      what: 'Följa med Astrid till fysioterapin på tisdagar',
      history: [
        {
          at: '2026-12-03T18:25:00.924Z',
          by: 'staff',
          status: 'requested',
          userId: 'SE2120000099-7P01',
          organisationId: 'SE2120000099-7KM1',
        },
      ],
      howOften: 'En gång i veckan',
      reviewDate: '2027-03-03',
      status: 'requested',
      currentReviewDate: '2027-03-03',
    },
  },
  commitmentCancel: {
    request: { comment: 'Fysioterapin görs nu i hemmet' },
    response: {
      id: '4a91499b-53ed-467f-9e76-d44e45dbc0af',
      from: '2026-12-03',
      kind: 'accompanying',
      what: 'Följa med Astrid till fysioterapin på tisdagar',
      history: [
        {
          at: '2026-12-03T18:25:00.924Z',
          by: 'staff',
          status: 'requested',
          userId: 'SE2120000099-7P01',
          organisationId: 'SE2120000099-7KM1',
        },
        {
          at: '2026-12-03T18:25:01.265Z',
          by: 'staff',
          status: 'cancelled',
          userId: 'SE2120000099-7P01',
          comment: 'Fysioterapin görs nu i hemmet',
          organisationId: 'SE2120000099-7KM1',
        },
      ],
      howOften: 'En gång i veckan',
      reviewDate: '2027-03-03',
      status: 'cancelled',
      currentReviewDate: '2027-03-03',
    },
  },
  worklist: {
    response: {
      items: [
        {
          planId: '37d3697f-7016-4e09-990a-0b9b797d8886',
          relativeId: '14a3c90c-8742-4e59-baa5-1e944ba32940',
          relativeName: 'Maria Nilsson',
          commitmentId: null,
          kind: 'contact-request',
          since: '2026-12-03T18:25:02.064Z',
          overallResponsibility: 'municipality',
        },
      ],
      total: 1,
      limit: 20,
      offset: 0,
    },
  },
  mePlans: {
    response: {
      items: [
        {
          planId: '37d3697f-7016-4e09-990a-0b9b797d8886',
          title: 'SIP för Astrid Nilsson',
          status: 'followed_up',
          relativeId: '14a3c90c-8742-4e59-baa5-1e944ba32940',
          role: 'relative',
        },
      ],
    },
  },
  mePlan: {
    response: {
      planId: '37d3697f-7016-4e09-990a-0b9b797d8886',
      title: 'SIP för Astrid Nilsson',
      status: 'followed_up',
      individual: { givenName: 'Astrid' },
      coordinator: {
        name: 'Karin Ek',
        title: 'Biståndshandläggare, SIP-samordnare',
        phone: '+46101740300',
        phoneDisplay: '010-174 03 00',
        phoneHours: 'Vardagar 8–12',
      },
      responsible: { principal: 'municipality', organisation: 'Norrviks kommun' },
      outOfHours: null,
      me: {
        relativeId: '14a3c90c-8742-4e59-baa5-1e944ba32940',
        name: 'Maria Nilsson',
        relationship: { code: 'DAU', text: 'natural daughter' },
        child: false,
        sharesHome: false,
        sharing: {
          form: 'written',
          categories: ['goals', 'contacts', 'follow-up'],
          recordedAt: '2026-12-03T18:25:00.702Z',
          recordedBy: { name: 'Karin Ek', hsaId: 'SE2120000099-7P01' },
          validUntil: '2027-12-03',
        },
        sharingInEffect: true,
        information: [],
        informed: [
          {
            at: '2026-12-03T18:25:00.782Z',
            by: { name: 'Karin Ek', hsaId: 'SE2120000099-7P01' },
            id: 'ce5341f6-062e-4ee0-9786-03ffda68a0f4',
            what: 'Informerad om planen och om stödet till anhöriga i kommunen',
          },
        ],
        commitments: [
          {
            id: '4d29cc8b-44aa-4b5e-8cb0-707076017e00',
            from: '2026-12-03',
            kind: 'household',
            what: 'Handla mat till Astrid och Bengt',
            history: [
              {
                at: '2026-12-03T18:24:52.808Z',
                by: 'staff',
                status: 'requested',
                userId: 'SE2120000099-7P01',
                organisationId: 'SE2120000099-7KM1',
              },
            ],
            howOften: 'En gång i veckan',
            reviewDate: '2027-03-03',
            status: 'requested',
            currentReviewDate: '2027-03-03',
            allowedAnswers: ['accept', 'decline'],
          },
          {
            id: '4a91499b-53ed-467f-9e76-d44e45dbc0af',
            from: '2026-12-03',
            kind: 'accompanying',
            what: 'Följa med Astrid till fysioterapin på tisdagar',
            history: [
              {
                at: '2026-12-03T18:25:00.924Z',
                by: 'staff',
                status: 'requested',
                userId: 'SE2120000099-7P01',
                organisationId: 'SE2120000099-7KM1',
              },
              {
                at: '2026-12-03T18:25:01.265Z',
                by: 'staff',
                status: 'cancelled',
                userId: 'SE2120000099-7P01',
                comment: 'Fysioterapin görs nu i hemmet',
                organisationId: 'SE2120000099-7KM1',
              },
            ],
            howOften: 'En gång i veckan',
            reviewDate: '2027-03-03',
            status: 'cancelled',
            currentReviewDate: '2027-03-03',
            allowedAnswers: [],
          },
        ],
        support: null,
        homeConsent: null,
      },
      shared: {
        categories: ['goals', 'contacts', 'follow-up'],
        goals: {
          individual: [{ text: 'Kunna bo kvar hemma med Bengt' }],
          professional: [
            { principal: 'municipality', organisation: 'Norrviks kommun', goals: [] },
            { principal: 'region', organisation: 'Region Norrvik', goals: [] },
          ],
        },
        contacts: [
          {
            principal: 'municipality',
            organisation: 'Norrviks kommun',
            name: 'Karin Ek',
            title: 'Biståndshandläggare, SIP-samordnare',
            phone: '+46101740200',
            phoneDisplay: '010-174 02 00',
            phoneHours: 'Vardagar 8–12',
          },
          {
            principal: 'region',
            organisation: 'Region Norrvik',
            name: 'Sara Lind',
            title: 'Distriktssköterska, SIP-samordnare',
            phone: '+46101740100',
            phoneDisplay: '010-174 01 00',
          },
        ],
        followUp: { date: '2027-01-02' },
      },
    },
  },
  answer: {
    request: { answer: 'accept', comment: 'Jag handlar på lördagar' },
    response: {
      id: '4d29cc8b-44aa-4b5e-8cb0-707076017e00',
      from: '2026-12-03',
      kind: 'household',
      what: 'Handla mat till Astrid och Bengt',
      history: [
        {
          at: '2026-12-03T18:24:52.808Z',
          by: 'staff',
          status: 'requested',
          userId: 'SE2120000099-7P01',
          organisationId: 'SE2120000099-7KM1',
        },
        {
          at: '2026-12-03T18:25:01.579Z',
          by: 'relative',
          comment: 'Jag handlar på lördagar',
          status: 'accepted',
          reference: '2C70-NM29',
        },
      ],
      howOften: 'En gång i veckan',
      reviewDate: '2027-03-03',
      status: 'accepted',
      currentReviewDate: '2027-03-03',
      allowedAnswers: ['withdraw'],
      receipt: {
        reference: '2C70-NM29',
        at: '2026-12-03T18:25:01.575Z',
        answer: 'accepted',
        comment: 'Jag handlar på lördagar',
        told: ['Norrviks kommun', 'Region Norrvik'],
        coordinator: 'Karin Ek',
      },
    },
  },
  homeConsent: {
    request: { consent: true },
    response: {
      consent: true,
      at: '2026-12-03T18:25:01.934Z',
      reference: '0A76-H520',
      history: [{ consent: true, at: '2026-12-03T18:25:01.934Z', reference: '0A76-H520' }],
      receipt: {
        reference: '0A76-H520',
        at: '2026-12-03T18:25:01.934Z',
        answer: 'home-consent-yes',
        told: ['Norrviks kommun', 'Region Norrvik'],
        coordinator: 'Karin Ek',
      },
    },
  },
  supportRequest: {
    request: { kind: 'contact-consultant', note: 'Ring gärna efter kl. 16' },
    response: {
      offered: [],
      requests: [
        {
          kind: 'contact-consultant',
          at: '2026-12-03T18:25:02.064Z',
          note: 'Ring gärna efter kl. 16',
          reference: 'N2GG-X1MA',
        },
      ],
      receipt: {
        reference: 'N2GG-X1MA',
        at: '2026-12-03T18:25:02.064Z',
        answer: 'contact-consultant',
        comment: 'Ring gärna efter kl. 16',
        told: ['Norrviks kommun', 'Region Norrvik'],
        coordinator: 'Karin Ek',
      },
    },
  },
  ownPlan: {
    response: ownPlan,
  },
  ownSharing: {
    request: { decision: 'share', categories: ['goals', 'contacts', 'follow-up'], validUntil: '2027-12-03' },
    response: ownPlanSharing,
  },
  ownGoals: {
    request: {
      individualGoals: [{ text: 'Kunna bo kvar hemma med Bengt' }, { text: 'Kunna gå till kyrkan på söndagar' }],
      individualOwnActions: [{ text: 'Går en promenad varje dag' }],
    },
    response: ownPlanGoals,
  },
  ownConsent: {
    request: {
      decision: 'give',
      information: ['goals', 'needs', 'interventions', 'contacts', 'follow-up'],
      actors: ['Region Norrvik', 'Norrviks kommun'],
      validUntil: '2027-12-03',
    },
    response: ownPlanConsent,
  },
  ownAccessLog: {
    response: {
      items: [
        {
          at: '2026-12-03T18:25:02.812Z',
          who: 'me',
          organisation: null,
          relative: null,
          what: 'plan-change',
          kind: 'change',
          planId: '37d3697f-7016-4e09-990a-0b9b797d8886',
        },
        {
          at: '2026-12-03T18:25:02.567Z',
          who: 'me',
          organisation: null,
          relative: null,
          what: 'consent',
          kind: 'change',
          planId: '37d3697f-7016-4e09-990a-0b9b797d8886',
        },
        {
          at: '2026-12-03T18:25:02.519Z',
          who: 'me',
          organisation: null,
          relative: null,
          what: 'plan-change',
          kind: 'change',
          planId: '37d3697f-7016-4e09-990a-0b9b797d8886',
        },
      ],
      total: 48,
      limit: 3,
      offset: 0,
    },
  },
  accessLogSearch: {
    request: { planId: '37d3697f-7016-4e09-990a-0b9b797d8886', limit: 3 },
    response: {
      items: [
        {
          seq: 32,
          at: '2026-12-03T18:24:59.060Z',
          userId: 'SE2321000099-7P01',
          organisationId: 'SE2321000099-7RG1',
          individualId: '194003019801',
          planId: '37d3697f-7016-4e09-990a-0b9b797d8886',
          action: 'plan.read',
          purpose: 'care-coordination',
          requestId: '551b78eb-7b5d-48c8-a769-f4c88374335c',
        },
      ],
      total: 1,
      limit: 3,
      offset: 0,
    },
  },
  accessLogExtract: {
    request: { individual: '194003019801', limit: 3 },
    response: {
      items: [
        {
          seq: 32,
          at: '2026-12-03T18:24:59.060Z',
          userId: 'SE2321000099-7P01',
          organisationId: 'SE2321000099-7RG1',
          individualId: '194003019801',
          planId: '37d3697f-7016-4e09-990a-0b9b797d8886',
          action: 'plan.read',
          purpose: 'care-coordination',
          requestId: '551b78eb-7b5d-48c8-a769-f4c88374335c',
        },
        {
          seq: 70,
          at: '2026-12-03T18:25:03.035Z',
          userId: 'SE2321000099-7P03',
          organisationId: 'SE2321000099-7RG1',
          individualId: '194003019801',
          planId: null,
          action: 'access-log.read',
          purpose: 'log-follow-up',
          requestId: '0229afe9-820b-4246-9e0f-ab81bc9e0187',
        },
      ],
      total: 2,
      limit: 3,
      offset: 0,
    },
  },
  accessLogVerify: {
    response: {
      ok: true,
      rows: 71,
      newest: 71,
      checkpoint: {
        seq: 27,
        hash: '1d1ccc01e39ea2ea13d431a059fd4bb5dd6f0925204cb80370d3042d8a123ca0',
        writtenAt: '2026-12-03T18:24:54.356Z',
      },
      unchained: 0,
      unchainedIds: null,
      checkpointsKept: true,
    },
  },
  report: {
    response: {
      report: 'relatives-support',
      from: '2026-01-01',
      to: '2026-12-31',
      by: 'year',
      generatedAt: '2026-12-03T18:25:03.379Z',
      suppressionThreshold: 5,
      principals: [
        {
          organisation: { id: 'SE2321000099-7RG1', name: 'Region Norrvik' },
          kind: 'region',
          periods: [
            {
              key: '2026',
              start: '2026-01-01',
              end: '2026-12-31',
              sections: [
                {
                  id: 'plans',
                  figures: [
                    { id: 'plans.new', value: { suppressed: true } },
                    { id: 'plans.active', value: { suppressed: true } },
                    { id: 'plans.with-relatives', value: { suppressed: true } },
                    { id: 'plans.followed-up', value: { suppressed: true } },
                    { id: 'plans.closed', value: { suppressed: true } },
                  ],
                },
                {
                  id: 'relatives',
                  figures: [
                    { id: 'relatives.taking-part', value: 6 },
                    { id: 'relatives.children', value: { suppressed: true } },
                    { id: 'relatives.per-plan', value: { suppressed: true } },
                  ],
                },
                {
                  id: 'commitments',
                  figures: [
                    { id: 'commitments.proposed', value: 6 },
                    { id: 'commitments.accepted', value: { suppressed: true } },
                    { id: 'commitments.declined', value: { suppressed: true } },
                    { id: 'commitments.withdrawn', value: { suppressed: true } },
                    { id: 'commitments.reconfirmed', value: { suppressed: true } },
                    { id: 'commitments.cancelled', value: { suppressed: true } },
                    { id: 'commitments.answer-median-days', value: { suppressed: true } },
                  ],
                },
                {
                  id: 'home-consent',
                  figures: [
                    { id: 'home-consent.given', value: { suppressed: true } },
                    { id: 'home-consent.refused', value: { suppressed: true } },
                  ],
                },
                {
                  id: 'support',
                  figures: [
                    { id: 'support.offered.conversation', value: { suppressed: true } },
                    { id: 'support.offered.respite', value: { suppressed: true } },
                    { id: 'support.offered.groups', value: { suppressed: true } },
                    { id: 'support.offered.training', value: { suppressed: true } },
                    { id: 'support.taken-up.conversation', value: { notRecorded: true } },
                    { id: 'support.taken-up.respite', value: { notRecorded: true } },
                    { id: 'support.taken-up.groups', value: { notRecorded: true } },
                    { id: 'support.taken-up.training', value: { notRecorded: true } },
                  ],
                },
                {
                  id: 'requests',
                  figures: [
                    { id: 'requests.contact-consultant', value: { suppressed: true } },
                    { id: 'requests.contact-consultant.handled', value: { suppressed: true } },
                    { id: 'requests.contact-consultant.median-days', value: { suppressed: true } },
                    { id: 'requests.needs-assessment', value: { suppressed: true } },
                    { id: 'requests.needs-assessment.handled', value: { suppressed: true } },
                    { id: 'requests.needs-assessment.median-days', value: { suppressed: true } },
                  ],
                },
                {
                  id: 'withdrawals',
                  figures: [
                    { id: 'withdrawals.commitments', value: { suppressed: true } },
                    { id: 'withdrawals.replanned', value: { suppressed: true } },
                    { id: 'withdrawals.replan-median-days', value: { suppressed: true } },
                    { id: 'withdrawals.leave-role', value: { suppressed: true } },
                  ],
                },
                {
                  id: 'follow-ups',
                  figures: [
                    { id: 'follow-ups.due', value: { suppressed: true } },
                    { id: 'follow-ups.on-time', value: { suppressed: true } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    },
  },
  reportFhir: {
    response: {
      resourceType: 'Bundle',
      type: 'collection',
      timestamp: '2026-12-03T18:25:03.515Z',
      entry: [
        {
          resource: {
            resourceType: 'MeasureReport',
            status: 'complete',
            type: 'summary',
            measure: 'http://localhost:8787/fhir/Measure/relatives-support',
            date: '2026-12-03T18:25:03.515Z',
            reporter: {
              identifier: { system: 'urn:oid:1.2.752.29.4.19', value: 'SE2321000099-7RG1' },
              display: 'Region Norrvik',
            },
            period: { start: '2026-01-01', end: '2026-12-31' },
            group: [
              {
                code: {
                  coding: [
                    {
                      system: 'http://localhost:8787/fhir/CodeSystem/relatives-support-figure',
                      code: 'plans.new',
                      display: 'New plans',
                    },
                  ],
                  text: 'Nya SIP',
                },
                extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'masked' }],
              },
              {
                code: {
                  coding: [
                    {
                      system: 'http://localhost:8787/fhir/CodeSystem/relatives-support-figure',
                      code: 'plans.active',
                      display: 'Active plans',
                    },
                  ],
                  text: 'Aktiva SIP',
                },
                extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'masked' }],
              },
              {
                code: {
                  coding: [
                    {
                      system: 'http://localhost:8787/fhir/CodeSystem/relatives-support-figure',
                      code: 'plans.with-relatives',
                      display: 'Active plans with at least one relative',
                    },
                  ],
                  text: 'Aktiva SIP med minst en anhörig',
                },
                extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'masked' }],
              },
            ],
          },
        },
      ],
    },
  },
};
