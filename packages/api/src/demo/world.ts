import { isChildOn, type OrganisationKind, type Persona, type StaffRole } from '@sip/shared';

/**
 * The demo world: two principals, their staff, two individuals and their relatives.
 * Every personnummer is a test number from Skatteverket's reserved test series
 * (birth numbers 980–999), never a real person's.
 */
export interface DemoOrganisation {
  id: string;
  name: string;
  kind: OrganisationKind;
  unit: { id: string; name: string };
}

export const organisations = {
  region: {
    id: 'SE2321000099-7RG1',
    name: 'Region Norrvik',
    kind: 'region',
    unit: { id: 'SE2321000099-7VC1', name: 'Vårdcentralen Norrvik' },
  },
  municipality: {
    id: 'SE2120000099-7KM1',
    name: 'Norrviks kommun',
    kind: 'municipality',
    unit: { id: 'SE2120000099-7HT1', name: 'Hemtjänsten Norrvik centrum' },
  },
} as const satisfies Record<OrganisationKind, DemoOrganisation>;

export interface DemoStaff {
  id: string;
  hsaId: string;
  name: string;
  title: string;
  organisation: OrganisationKind;
  role: StaffRole;
}

export const staff: DemoStaff[] = [
  { id: 'region-coordinator', hsaId: 'SE2321000099-7P01', name: 'Sara Lind', title: 'Distriktssköterska, SIP-samordnare', organisation: 'region', role: 'coordinator' },
  { id: 'region-physician', hsaId: 'SE2321000099-7P02', name: 'Omar Haddad', title: 'Specialist i allmänmedicin', organisation: 'region', role: 'staff' },
  { id: 'region-auditor', hsaId: 'SE2321000099-7P03', name: 'Eva Holm', title: 'Verksamhetschef, följer upp loggar', organisation: 'region', role: 'auditor' },
  { id: 'municipality-coordinator', hsaId: 'SE2120000099-7P01', name: 'Karin Ek', title: 'Biståndshandläggare, SIP-samordnare', organisation: 'municipality', role: 'coordinator' },
  { id: 'municipality-homecare', hsaId: 'SE2120000099-7P02', name: 'Jonas Berg', title: 'Undersköterska i hemtjänsten', organisation: 'municipality', role: 'staff' },
];

export interface DemoRelative {
  id: string;
  personnummer: string;
  given: string;
  family: string;
  /** v3-RoleCode relationship to the individual. */
  relationship: { code: string; display: string };
  phone: string;
  sharesHome: boolean;
}

export interface DemoIndividual {
  id: string;
  personnummer: string;
  given: string;
  family: string;
  gender: 'female' | 'male';
  address: string;
  relatives: DemoRelative[];
  /** The region's interventions and Conditions: an intervention addresses the Condition at its place in the list, if any. */
  region: { interventions: string[]; conditions: string[] };
  municipality: { interventions: string[] };
}

export const individuals: DemoIndividual[] = [
  {
    id: 'astrid',
    personnummer: '194003019801',
    given: 'Astrid',
    family: 'Nilsson',
    gender: 'female',
    address: 'Storgatan 1',
    relatives: [
      { id: 'bengt', personnummer: '193805129818', given: 'Bengt', family: 'Nilsson', relationship: { code: 'HUSB', display: 'husband' }, phone: '+46701740001', sharesHome: true },
      { id: 'maria', personnummer: '196807059826', given: 'Maria', family: 'Nilsson', relationship: { code: 'DAU', display: 'natural daughter' }, phone: '+46701740002', sharesHome: false },
      { id: 'elsa', personnummer: '201209019841', given: 'Elsa', family: 'Nilsson', relationship: { code: 'GRNDDAU', display: 'granddaughter' }, phone: '+46701740003', sharesHome: false },
    ],
    region: {
      interventions: ['Hemsjukvård: insulin morgon och kväll', 'Fysioterapi efter höftfraktur, två gånger i veckan'],
      conditions: ['Diabetes typ 2', 'Status efter höftfraktur'],
    },
    municipality: {
      interventions: ['Hemtjänst: hjälp med dusch två gånger i veckan', 'Trygghetslarm', 'Matdistribution, lunch dagligen'],
    },
  },
  {
    id: 'karl',
    personnummer: '195202149836',
    given: 'Karl',
    family: 'Johansson',
    gender: 'male',
    address: 'Hamngatan 12',
    relatives: [
      { id: 'erik', personnummer: '198304179859', given: 'Erik', family: 'Johansson', relationship: { code: 'SON', display: 'natural son' }, phone: '+46701740004', sharesHome: false },
    ],
    region: {
      interventions: ['Psykiatrisk öppenvård: samtal var tredje vecka', 'Läkemedelsgenomgång'],
      conditions: ['Depression', 'Hjärtsvikt'],
    },
    municipality: {
      interventions: ['Boendestöd: tre besök i veckan', 'Hemtjänst: inköp en gång i veckan'],
    },
  },
  {
    id: 'gunnel',
    personnummer: '195007129827',
    given: 'Gunnel',
    family: 'Persson',
    gender: 'female',
    address: 'Kyrkvägen 4',
    relatives: [
      { id: 'lars', personnummer: '194811239823', given: 'Lars', family: 'Persson', relationship: { code: 'HUSB', display: 'husband' }, phone: '+46701740005', sharesHome: true },
    ],
    region: {
      interventions: ['Minnesmottagning: utredning av minnessvikt'],
      conditions: ['Misstänkt demenssjukdom'],
    },
    municipality: {
      interventions: ['Dagverksamhet två dagar i veckan'],
    },
  },
];

/** The demo personas, as `GET /dev/personas` lists them. */
export function demoPersonas(now: Date): Persona[] {
  const staffPersonas: Persona[] = staff.map((s) => {
    const org = organisations[s.organisation];
    return {
      id: s.id,
      kind: 'staff',
      name: s.name,
      description: `${s.title}, ${org.name}`,
      organisation: { id: org.id, name: org.name, kind: org.kind },
      role: s.role,
      hsaId: s.hsaId,
    };
  });
  const people: Persona[] = individuals.flatMap((person) => [
    {
      id: person.id,
      kind: 'individual' as const,
      name: `${person.given} ${person.family}`,
      description: `Has interventions from both ${organisations.region.name} and ${organisations.municipality.name}`,
      personnummer: person.personnummer,
    },
    ...person.relatives.map((r) => ({
      id: r.id,
      kind: 'relative' as const,
      name: `${r.given} ${r.family}`,
      description: `Relative of ${person.given} ${person.family} (${r.relationship.display}${r.sharesHome ? ', shares the home' : ''}${
        isChildOn({ personId: r.personnummer }, now) ? ', a child' : ''
      })`,
      personnummer: r.personnummer,
    })),
  ]);
  return [...staffPersonas, ...people];
}
