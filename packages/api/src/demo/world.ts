import { isChildOn, type OrganisationKind, type Persona, type StaffRole } from '@sip/shared';

/**
 * The demo world: a region and two municipalities (each with its own case system, so its own
 * upstream), their staff, the individuals and their relatives.
 * Every personnummer is a test number from Skatteverket's reserved test series
 * (birth numbers 980–999), never a real person's.
 */
export interface DemoOrganisation {
  id: string;
  name: string;
  kind: OrganisationKind;
  /** The upstream that holds its records: the region's health record, each municipality's own case system. */
  upstream: string;
  unit: { id: string; name: string };
}

export const organisations = {
  region: {
    id: 'SE2321000099-7RG1',
    name: 'Region Norrvik',
    kind: 'region',
    upstream: 'region',
    unit: { id: 'SE2321000099-7VC1', name: 'Vårdcentralen Norrvik' },
  },
  municipality: {
    id: 'SE2120000099-7KM1',
    name: 'Norrviks kommun',
    kind: 'municipality',
    upstream: 'municipality',
    unit: { id: 'SE2120000099-7HT1', name: 'Hemtjänsten Norrvik centrum' },
  },
  sodervik: {
    id: 'SE2120000099-7KM2',
    name: 'Söderviks kommun',
    kind: 'municipality',
    upstream: 'sodervik',
    unit: { id: 'SE2120000099-7HT2', name: 'Hemtjänsten Södervik' },
  },
} as const satisfies Record<string, DemoOrganisation>;

/** The demo world's organisations by key: `region`, `municipality` (Norrvik) and `sodervik`. */
export type DemoOrganisationKey = keyof typeof organisations;
/** The demo world's municipalities. */
export type DemoMunicipality = 'municipality' | 'sodervik';

export interface DemoStaff {
  id: string;
  hsaId: string;
  name: string;
  title: string;
  organisation: DemoOrganisationKey;
  role: StaffRole;
}

export const staff: DemoStaff[] = [
  { id: 'region-coordinator', hsaId: 'SE2321000099-7P01', name: 'Sara Lind', title: 'Distriktssköterska, SIP-samordnare', organisation: 'region', role: 'coordinator' },
  { id: 'region-physician', hsaId: 'SE2321000099-7P02', name: 'Omar Haddad', title: 'Specialist i allmänmedicin', organisation: 'region', role: 'staff' },
  { id: 'region-auditor', hsaId: 'SE2321000099-7P03', name: 'Eva Holm', title: 'Verksamhetschef, följer upp loggar', organisation: 'region', role: 'auditor' },
  { id: 'municipality-coordinator', hsaId: 'SE2120000099-7P01', name: 'Karin Ek', title: 'Biståndshandläggare, SIP-samordnare', organisation: 'municipality', role: 'coordinator' },
  { id: 'municipality-homecare', hsaId: 'SE2120000099-7P02', name: 'Jonas Berg', title: 'Undersköterska i hemtjänsten', organisation: 'municipality', role: 'staff' },
  { id: 'sodervik-coordinator', hsaId: 'SE2120000099-7P11', name: 'Lena Sjöberg', title: 'Biståndshandläggare, SIP-samordnare', organisation: 'sodervik', role: 'coordinator' },
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
  /** The municipality they live in (default Norrviks kommun): its case system holds their municipal care. */
  livesIn?: DemoMunicipality;
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
  {
    id: 'ingrid',
    personnummer: '194411079827',
    given: 'Ingrid',
    family: 'Berg',
    gender: 'female',
    address: 'Strandvägen 7',
    livesIn: 'sodervik',
    relatives: [
      { id: 'per', personnummer: '197112039875', given: 'Per', family: 'Berg', relationship: { code: 'SON', display: 'natural son' }, phone: '+46701740006', sharesHome: false },
    ],
    region: {
      interventions: ['Hemsjukvård: såromläggning tre gånger i veckan'],
      conditions: ['Bensår'],
    },
    municipality: {
      interventions: ['Hemtjänst: hjälp med städning varannan vecka', 'Trygghetslarm'],
    },
  },
];

/** The organisation of the municipality the individual lives in. */
export const municipalityOf = (person: Pick<DemoIndividual, 'livesIn'>) => organisations[person.livesIn ?? 'municipality'];

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
      description: `Has interventions from both ${organisations.region.name} and ${municipalityOf(person).name}`,
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
