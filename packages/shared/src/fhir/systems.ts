/**
 * The broker's own code systems, identifier systems, extensions and consent policies as http(s)
 * canonical URLs under a configurable base, and their definitions as FHIR `CodeSystem` and
 * `NamingSystem` resources.
 *
 * The mapping names each system of ours by its local name (`urn:sip-broker:…`, the name the
 * broker first published it under, see `codesystems.ts`); {@link SipSystems} turns those names
 * into the URLs a deployment publishes, and recognises every form the broker ever published a
 * system under: the URL under the current base, under any earlier base, and the local name
 * itself. The URL shapes:
 *
 * | what | local name | URL |
 * | --- | --- | --- |
 * | code system | `urn:sip-broker:codesystem:<name>` | `<base>/CodeSystem/<name>` |
 * | identifier system | `urn:sip-broker:<name>` | `<base>/NamingSystem/<name>` |
 * | extension | `urn:sip-broker:extension:<name>` | `<base>/StructureDefinition/<name>` |
 * | consent policy | `urn:sip-broker:policy:<name>` | `<base>/policy/<name>` |
 */
import type { CodeSystem, NamingSystem } from '@medplum/fhirtypes';
import {
  ACTIVITY_KIND_SYSTEM,
  ActivityKind,
  ATTENTION_KIND_SYSTEM,
  AttentionCoding,
  CARE_TEAM_ROLE_SYSTEM,
  CareTeamRole,
  COMMITMENT_KIND_SYSTEM,
  CommitmentKindCoding,
  CONSENT_INFORMATION_SYSTEM,
  ConsentInformationText,
  ConsentPolicy,
  GOAL_CATEGORY_SYSTEM,
  GoalCategory,
  PLAN_CATEGORY_SYSTEM,
  PlanCategory,
  PRINCIPAL_SYSTEM,
  PrincipalCoding,
  RELATIVE_CONSENT_CATEGORY_SYSTEM,
  RelativeConsentCategory,
  SipExtension,
  SipIdentifierSystem,
  TASK_KIND_SYSTEM,
  TaskKind,
} from './codesystems.ts';
import { DOCUMENT_SECTION_SYSTEM, DocumentSection, SIP_DOCUMENT_IDENTIFIER_SYSTEM } from './document.ts';

/** The prefix of every local name: the form the broker first published its systems in. */
export const LEGACY_SYSTEM_PREFIX = 'urn:sip-broker:';

/** The version of the code systems' content: raised whenever a concept is added, changed or retired. */
export const SIP_TERMINOLOGY_VERSION = '1.1.0';
/** When the definitions were last changed (NamingSystem.date). */
const SIP_TERMINOLOGY_DATE = '2026-12-03';
const PUBLISHER = 'SIP-broker';

type Coded = { readonly code: string; readonly display: string };

/** A code system of ours: its concepts come from the codings the mapping uses, each with its definition. */
export interface SipCodeSystemDefinition {
  /** The local name (`urn:sip-broker:codesystem:<id>`). */
  local: string;
  title: string;
  description: string;
  concepts: { code: string; display: string; definition: string }[];
}

/** An identifier system of ours. */
export interface SipNamingSystemDefinition {
  /** The local name (`urn:sip-broker:<id>`). */
  local: string;
  description: string;
}

/**
 * The concepts of a set of codings, each with its definition: `definitions` must name every
 * code of `codings` and no other, so a code added to the mapping cannot go undefined.
 */
function concepts<C extends Record<string, Coded>>(codings: C, definitions: Record<C[keyof C]['code'], string>) {
  return Object.values(codings).map((coding) => ({
    code: coding.code,
    display: coding.display,
    definition: definitions[coding.code as C[keyof C]['code']],
  }));
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Every code system of ours, in the order the FHIR face lists them. */
export const SIP_CODE_SYSTEMS: readonly SipCodeSystemDefinition[] = [
  {
    local: PLAN_CATEGORY_SYSTEM,
    title: 'SIP-planens slag',
    description: 'Vilket slags plan en CarePlan är: själva SIP:en, en huvudmans del i den eller dess anhörigdel.',
    concepts: concepts(PlanCategory, {
      sip: 'Den samordnade individuella planen (SIP) enligt socialtjänstlagen och hälso- och sjukvårdslagen 16 kap. 4 §.',
      'sip-part': 'En huvudmans (regionens eller kommunens) del i en SIP: de insatser och mål huvudmannen ansvarar för.',
      'sip-relatives': 'SIP:ens stående anhörigdel: anhöriga, information till dem, deras frivilliga åtaganden och eget stöd.',
    }),
  },
  {
    local: PRINCIPAL_SYSTEM,
    title: 'Huvudman',
    description: 'Vilken huvudman en del i en SIP tillhör.',
    concepts: concepts(PrincipalCoding, {
      region: 'Regionen som huvudman för hälso- och sjukvård.',
      municipality: 'Kommunen som huvudman för socialtjänst, äldreomsorg och LSS.',
    }),
  },
  {
    local: GOAL_CATEGORY_SYSTEM,
    title: 'Målets slag',
    description: 'Vems mål ett mål i en SIP är.',
    concepts: concepts(GoalCategory, {
      individual: 'Ett mål den enskilde själv har uttryckt: det som är viktigt för hen.',
      professional: 'Ett mål som en huvudman har satt upp för sina insatser.',
    }),
  },
  {
    local: ACTIVITY_KIND_SYSTEM,
    title: 'Aktivitetens slag',
    description: 'Vilket slags aktivitet en aktivitet i en SIP är.',
    concepts: concepts(ActivityKind, {
      intervention: 'En insats som en huvudman planerar eller har beslutat.',
      'individual-own-action': 'Något den enskilde själv gör.',
      'other-actor-measure': 'En åtgärd som någon annan än kommunen eller regionen vidtar.',
    }),
  },
  {
    local: CARE_TEAM_ROLE_SYSTEM,
    title: 'Roll i SIP:ens vårdteam',
    description: 'Den roll en deltagare har i SIP:ens vårdteam (CareTeam).',
    concepts: concepts(CareTeamRole, {
      principal: 'En huvudman som deltar i planen.',
      'contact-person': 'En enhets kontaktperson för planen.',
      'sip-coordinator': 'Den som samordnar planen.',
      'follow-up': 'Den som ansvarar för att planen följs upp.',
      invited: 'En inbjuden deltagare som inte är huvudman, till exempel skola, Försäkringskassan eller god man.',
      individual: 'Den enskilde som planen gäller.',
      relative: 'En anhörig som deltar i planens anhörigdel.',
    }),
  },
  {
    local: TASK_KIND_SYSTEM,
    title: 'Uppgiftens slag',
    description: 'Vilket slags uppgift (Task) en uppgift i en SIP är.',
    concepts: concepts(TaskKind, {
      'relative-commitment': 'Ett frivilligt åtagande som föreslås en anhörig; det gäller först när den anhörige själv har tackat ja.',
    }),
  },
  {
    local: COMMITMENT_KIND_SYSTEM,
    title: 'Åtagandets typ',
    description: 'Vilket slags hjälp ett frivilligt åtagande av en anhörig gäller, för uppföljningen av stödet till anhöriga.',
    concepts: concepts(CommitmentKindCoding, {
      'personal-care': 'Hjälp av personlig karaktär, till exempel med hygien och av- och påklädning.',
      household: 'Hjälp i hushållet och med praktiska sysslor, till exempel inköp, städning och matlagning.',
      accompanying: 'Att följa med den enskilde, till exempel till vården, och att skjutsa.',
      supervision: 'Tillsyn och sällskap: att finnas till hands och se till den enskilde.',
      contacts: 'Kontakter med vården, socialtjänsten och andra myndigheter för den enskildes räkning.',
      finances: 'Hjälp med ekonomi, räkningar och ärenden.',
      other: 'Annan hjälp än de uppräknade.',
    }),
  },
  {
    local: ATTENTION_KIND_SYSTEM,
    title: 'Att uppmärksamma i anhörigdelen',
    description: 'Något i SIP:ens anhörigdel som den huvudman som har det övergripande ansvaret för planen behöver hantera.',
    concepts: concepts(AttentionCoding, {
      'commitment-declined': 'En anhörig har tackat nej till ett föreslaget åtagande: behovet finns kvar och planen behöver ses över.',
      'commitment-withdrawn': 'En anhörig har återkallat ett åtagande hen tidigare tackat ja till: behovet finns kvar och planen behöver ses över.',
      'commitment-review-due': 'Åtagandets omprövningsdatum har passerats: den anhörige behöver bekräfta det på nytt.',
      'contact-request': 'En anhörig vill bli kontaktad av kommunens anhörigkonsulent.',
      'needs-assessment-request': 'En anhörig ber om en egen behovsbedömning eller stödplan.',
      'leave-role-request': 'En anhörig vill inte längre ha en roll i planen (anhörigrollen är frivillig): planen behöver ses över tillsammans med hen.',
    }),
  },
  {
    local: CONSENT_INFORMATION_SYSTEM,
    title: 'Uppgifter som får delas',
    description: 'De slag av uppgifter i en SIP som den enskildes samtycke låter delas med de aktörer samtycket nämner.',
    concepts: concepts(
      Object.fromEntries(Object.entries(ConsentInformationText).map(([code, text]) => [code, { code, display: capitalised(text) }])) as {
        [K in keyof typeof ConsentInformationText]: { code: K; display: string };
      },
      {
        goals: 'Planens mål: den enskildes egna och huvudmännens.',
        needs: 'Den enskildes behov som planen tar upp.',
        interventions: 'Planens insatser, från båda huvudmännen.',
        'health-interventions': 'Hälso- och sjukvårdens insatser.',
        'social-interventions': 'Socialtjänstens insatser.',
        contacts: 'Kontaktuppgifter till kontaktpersoner och samordnare.',
        meetings: 'Planens möten.',
        'follow-up': 'När och av vem planen följs upp.',
      },
    ),
  },
  {
    local: RELATIVE_CONSENT_CATEGORY_SYSTEM,
    title: 'Anhörigs eget samtycke',
    description: 'Vad en anhörigs eget samtycke (Consent) gäller.',
    concepts: concepts(RelativeConsentCategory, {
      'relative-commitment': 'Den anhöriges eget svar på ett frivilligt åtagande (Consent.provision.data är åtagandets Task).',
      'home-as-place-of-care': 'Den anhöriges eget samtycke till att hemmet hen delar med den enskilde blir vårdplats.',
    }),
  },
  {
    local: DOCUMENT_SECTION_SYSTEM,
    title: 'Avsnitt i SIP-dokumentet',
    description: 'Vilken del av SIP:en ett avsnitt i SIP-dokumentets Composition innehåller.',
    concepts: concepts(DocumentSection, {
      plan: 'Planen som helhet: ansvar, samordnare, uppföljning, behov och möten.',
      goals: 'Den enskildes egna mål.',
      'region-part': 'Regionens del: dess insatser och mål.',
      'municipality-part': 'Kommunens del: dess insatser och mål.',
      relatives: 'Anhörigdelen: anhöriga och deras frivilliga åtaganden och samtycken.',
      'care-team': 'Vårdteamet och planens deltagare.',
      consent: 'Den enskildes samtycke till planen.',
    }),
  },
];

/** Every identifier system of ours. */
export const SIP_NAMING_SYSTEMS: readonly SipNamingSystemDefinition[] = [
  { local: SipIdentifierSystem.plan, description: 'SIP:en (CarePlan). Värdet är planens id i SIP-brokern.' },
  { local: SipIdentifierSystem.planPart, description: 'En huvudmans del i en SIP, eller dess anhörigdel (CarePlan med partOf SIP:en). Värdet är delens id.' },
  {
    local: SipIdentifierSystem.goal,
    description: 'Ett mål (Goal). Värdet är <plan-id>/<mål-id> för den enskildes egna mål och <del-id>/<mål-id> för en huvudmans mål.',
  },
  { local: SipIdentifierSystem.careTeam, description: 'SIP:ens vårdteam (CareTeam). Värdet är planens id.' },
  { local: SipIdentifierSystem.consent, description: 'Den enskildes samtycke till SIP:en (Consent). Värdet är planens id.' },
  { local: SipIdentifierSystem.relative, description: 'En anhörig i SIP:ens anhörigdel (RelatedPerson). Värdet är <plan-id>/<anhörig-id>.' },
  { local: SipIdentifierSystem.commitment, description: 'En anhörigs frivilliga åtagande (Task). Värdet är <plan-id>/<åtagande-id>.' },
  {
    local: SipIdentifierSystem.commitmentConsent,
    description: 'Den anhöriges eget svar på ett åtagande (Consent). Värdet är <plan-id>/<åtagande-id>.',
  },
  {
    local: SipIdentifierSystem.homeConsent,
    description: 'Den anhöriges eget samtycke till hemmet som vårdplats (Consent). Värdet är <plan-id>/<anhörig-id>.',
  },
  {
    local: SipIdentifierSystem.attention,
    description: 'Något i anhörigdelen som den ansvariga huvudmannen behöver hantera (Task). Värdet är <plan-id>/<anhörig-id>/<vad>.',
  },
  { local: SipIdentifierSystem.device, description: 'SIP-brokern själv, där den registrerar en ändring på egen hand (Provenance.agent). Värdet är en användares id.' },
  { local: SIP_DOCUMENT_IDENTIFIER_SYSTEM, description: 'SIP-dokumentet (Composition), ett per plan oavsett version. Värdet är planens id.' },
];

/** Every local name of ours: the code and identifier systems, the extensions and the consent policies. */
const LOCAL_NAMES: readonly string[] = [
  ...SIP_CODE_SYSTEMS.map((s) => s.local),
  ...SIP_NAMING_SYSTEMS.map((s) => s.local),
  ...Object.values(SipExtension),
  ...Object.values(ConsentPolicy),
];

const IDENTIFIER_LOCALS: ReadonlySet<string> = new Set(SIP_NAMING_SYSTEMS.map((s) => s.local));

/** The path of a local name under a base: `CodeSystem/<name>`, `NamingSystem/<name>`, `StructureDefinition/<name>` or `policy/<name>`. */
function pathOf(local: string): string {
  const name = local.slice(LEGACY_SYSTEM_PREFIX.length);
  const [kind, rest] = [name.slice(0, name.indexOf(':')), name.slice(name.indexOf(':') + 1)];
  if (kind === 'codesystem') return `CodeSystem/${rest}`;
  if (kind === 'extension') return `StructureDefinition/${rest}`;
  if (kind === 'policy') return `policy/${rest}`;
  return `NamingSystem/${name}`;
}

/** The logical id of a code system's or identifier system's definition: the last segment of its URL. */
export const definitionId = (local: string) => pathOf(local).split('/')[1]!;

const trimBase = (base: string) => base.replace(/\/+$/, '');

/** The keys whose values name a system of ours: Coding.system, Identifier.system, Extension.url, Consent.policy.uri. */
const SYSTEM_KEYS = new Set(['system', 'url', 'uri']);

/** The broker's own systems as one deployment publishes and recognises them. */
export interface SipSystems {
  /** The base the systems are published under. */
  readonly base: string;
  /** The bases the systems were published under before, recognised still. */
  readonly earlierBases: readonly string[];
  /** The URL a system of ours (named by its local name) is published as; anything else as it is. */
  url(local: string): string;
  /**
   * The local name of a system of ours in any form the broker published it in (under the
   * current base, an earlier base, or the local name itself); undefined for any other system.
   */
  local(system: string | undefined): string | undefined;
  /** Whether this is one of our identifier systems, in any form. */
  isIdentifierSystem(system: string | undefined): boolean;
  /** Every form a system of ours is recognised in, the URL it is published as first. */
  forms(local: string): string[];
  /** A copy with every system of ours (Coding.system, Identifier.system, Extension.url, policy uri) named by its URL. */
  publish<T>(value: T): T;
}

/**
 * The systems of a deployment: published under `base` (an http(s) URL, no trailing slash
 * needed), with publications under `earlierBases` and under the local names recognised as ours.
 */
export function sipSystems(base: string, earlierBases: readonly string[] = []): SipSystems {
  const current = trimBase(base);
  const earlier = [...new Set(earlierBases.map(trimBase))].filter((b) => b !== current);
  const urlOf = new Map(LOCAL_NAMES.map((local) => [local, `${current}/${pathOf(local)}`]));
  const localOf = new Map<string, string>();
  for (const local of LOCAL_NAMES) {
    localOf.set(local, local);
    for (const b of [current, ...earlier]) localOf.set(`${b}/${pathOf(local)}`, local);
  }
  const publish = <T>(value: T): T => {
    if (Array.isArray(value)) return value.map(publish) as T;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        out[key] = SYSTEM_KEYS.has(key) && typeof child === 'string' ? (urlOf.get(child) ?? child) : publish(child);
      }
      return out as T;
    }
    return value;
  };
  return {
    base: current,
    earlierBases: earlier,
    url: (local) => urlOf.get(local) ?? local,
    local: (system) => (system === undefined ? undefined : localOf.get(system)),
    isIdentifierSystem: (system) => system !== undefined && IDENTIFIER_LOCALS.has(localOf.get(system) ?? ''),
    forms: (local) => (urlOf.has(local) ? [urlOf.get(local)!, ...earlier.map((b) => `${b}/${pathOf(local)}`), local] : [local]),
    publish,
  };
}

const pascal = (id: string) => id.replace(/(^|-)([a-z])/g, (_m, _dash, c: string) => c.toUpperCase());

/** A code system of ours as a FHIR `CodeSystem`, at its canonical URL. */
export function codeSystemResource(definition: SipCodeSystemDefinition, systems: SipSystems): CodeSystem & { id: string; url: string } {
  const id = definitionId(definition.local);
  return {
    resourceType: 'CodeSystem',
    id,
    language: 'sv',
    url: systems.url(definition.local),
    // The name it was first published under, recognised still.
    identifier: [{ system: 'urn:ietf:rfc:3986', value: definition.local }],
    version: SIP_TERMINOLOGY_VERSION,
    name: `Sip${pascal(id)}`,
    title: definition.title,
    status: 'active',
    experimental: false,
    publisher: PUBLISHER,
    description: definition.description,
    caseSensitive: true,
    content: 'complete',
    count: definition.concepts.length,
    concept: definition.concepts.map((c) => ({ ...c })),
  };
}

/** An identifier system of ours as a FHIR `NamingSystem`: its URL the preferred unique id, its earlier forms beside it. */
export function namingSystemResource(definition: SipNamingSystemDefinition, systems: SipSystems): NamingSystem & { id: string } {
  const id = definitionId(definition.local);
  const [url, ...earlier] = systems.forms(definition.local);
  return {
    resourceType: 'NamingSystem',
    id,
    language: 'sv',
    name: `Sip${pascal(id)}`,
    status: 'active',
    kind: 'identifier',
    date: SIP_TERMINOLOGY_DATE,
    publisher: PUBLISHER,
    description: definition.description,
    uniqueId: [
      { type: 'uri', value: url!, preferred: true },
      ...earlier.map((value) => ({ type: 'uri' as const, value, preferred: false, comment: 'Tidigare form, igenkänd som densamma.' })),
    ],
  };
}

/** Every code system of ours as a `CodeSystem`. */
export const codeSystemResources = (systems: SipSystems) => SIP_CODE_SYSTEMS.map((d) => codeSystemResource(d, systems));
/** Every identifier system of ours as a `NamingSystem`. */
export const namingSystemResources = (systems: SipSystems) => SIP_NAMING_SYSTEMS.map((d) => namingSystemResource(d, systems));
