import type { Coding, Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConsentPolicy, PLAN_CATEGORY_SYSTEM, SipExtension, SipIdentifierSystem } from './codesystems.ts';
import { sipComposition, withParticipants } from './document.ts';
import { fixtureSystems, planWithRelatives, publishContext } from './fixture.ts';
import { planToFhir, sipResourceList } from './plan-to-fhir.ts';
import { publishedByBroker } from './provenance-marks.ts';
import { buildPublishBundle } from './publish-bundle.ts';
import { codeSystemResources, namingSystemResources, SIP_CODE_SYSTEMS, SIP_NAMING_SYSTEMS, sipSystems } from './systems.ts';
import { loadDefinitions, r4Issues } from './test-support.ts';

const BASE = 'https://sip.example/fhir';

/** Every resource of a plan as published, its document's Composition included. */
function published(systems = fixtureSystems): Resource[] {
  const plan = planWithRelatives();
  const resources = planToFhir(plan, { ...publishContext, systems });
  const { resources: literal, participants } = withParticipants(plan, resources, {
    patient: plan.id,
    organization: (i) => `org-${i.value}`,
    practitioner: (i) => `pr-${i.value}`,
  });
  const composition = sipComposition(plan, literal, participants, { id: plan.id, systems });
  return [...sipResourceList(resources), resources.provenance!, composition];
}

/** Every Coding in a value. */
function codingsIn(value: unknown, out: Coding[] = []): Coding[] {
  if (Array.isArray(value)) value.forEach((v) => codingsIn(v, out));
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.system === 'string' && typeof o.code === 'string') out.push(o as Coding);
    Object.values(o).forEach((v) => codingsIn(v, out));
  }
  return out;
}

describe('our own systems under an http(s) base', () => {
  // Indexing the R4 definitions takes seconds on a busy machine.
  beforeAll(() => loadDefinitions(), 60_000);

  it('names each kind by its conventional shape under the base', () => {
    const systems = sipSystems(`${BASE}/`);
    expect(systems.base).toBe(BASE);
    expect(systems.url(SipIdentifierSystem.plan)).toBe(`${BASE}/NamingSystem/plan`);
    expect(systems.url(SipIdentifierSystem.commitmentConsent)).toBe(`${BASE}/NamingSystem/commitment-consent`);
    expect(systems.url(PLAN_CATEGORY_SYSTEM)).toBe(`${BASE}/CodeSystem/plan-category`);
    expect(systems.url(SipExtension.planRevision)).toBe(`${BASE}/StructureDefinition/plan-revision`);
    expect(systems.url(ConsentPolicy.sip)).toBe(`${BASE}/policy/sip-consent`);
    expect(systems.url('http://loinc.org')).toBe('http://loinc.org');
  });

  it('recognises a system under the current base, an earlier base and as the legacy urn:sip-broker name; nothing else', () => {
    const systems = sipSystems(BASE, ['https://old.example/fhir/']);
    for (const form of [`${BASE}/NamingSystem/plan`, 'https://old.example/fhir/NamingSystem/plan', 'urn:sip-broker:plan']) {
      expect(systems.local(form), form).toBe(SipIdentifierSystem.plan);
      expect(systems.isIdentifierSystem(form), form).toBe(true);
    }
    expect(systems.forms(SipIdentifierSystem.plan)).toEqual([`${BASE}/NamingSystem/plan`, 'https://old.example/fhir/NamingSystem/plan', 'urn:sip-broker:plan']);
    for (const other of ['https://elsewhere.example/fhir/NamingSystem/plan', `${BASE}/NamingSystem/nothing`, `${BASE}/CodeSystem/plan-category`, undefined]) {
      expect(systems.isIdentifierSystem(other), String(other)).toBe(false);
    }
    expect(systems.local(`${BASE}/CodeSystem/plan-category`)).toBe(PLAN_CATEGORY_SYSTEM);
    expect(systems.local('https://elsewhere.example/fhir/CodeSystem/plan-category')).toBeUndefined();
  });

  it('publishes nothing under the legacy names: every system, extension and policy of ours is a URL under the base', () => {
    const text = JSON.stringify(published());
    expect(text).not.toContain('urn:sip-broker:');
    const ours = [...text.matchAll(/"(https:\/\/sip\.example\/fhir\/[^"|]+)"/g)].map((m) => m[1]!);
    expect(ours.length).toBeGreaterThan(0);
    for (const url of ours) expect(fixtureSystems.local(url), url).toBeDefined();
    const bundle = JSON.stringify(buildPublishBundle(planWithRelatives(), publishContext));
    expect(bundle).not.toContain('urn:sip-broker:');
  });

  it('derives the same resource ids whatever the base: ids come from the local names', () => {
    const ids = (base: string) => published(sipSystems(base)).map((r) => r.id);
    expect(ids('https://a.example/fhir')).toEqual(ids('https://b.example/r4'));
  });

  it('defines every code the resources carry from our code systems, with the display the resources carry', () => {
    const codeSystems = new Map(codeSystemResources(fixtureSystems).map((cs) => [cs.url, cs]));
    const ourCodings = codingsIn(published()).filter((c) => c.system!.startsWith(`${BASE}/CodeSystem/`));
    expect(ourCodings.length).toBeGreaterThan(0);
    for (const coding of ourCodings) {
      const concept = codeSystems.get(coding.system!)?.concept?.find((c) => c.code === coding.code);
      expect(concept, `${coding.system}|${coding.code}`).toBeDefined();
      if (coding.display) expect(concept!.display).toBe(coding.display);
    }
  });

  it('serves each code system as a complete R4 CodeSystem and each identifier system as an R4 NamingSystem', () => {
    const systems = sipSystems(BASE, ['https://old.example/fhir']);
    const codeSystems = codeSystemResources(systems);
    expect(codeSystems).toHaveLength(SIP_CODE_SYSTEMS.length);
    for (const cs of codeSystems) {
      expect(r4Issues(cs), cs.id).toEqual([]);
      expect(cs).toMatchObject({ url: `${BASE}/CodeSystem/${cs.id}`, status: 'active', content: 'complete', count: cs.concept!.length });
      expect(cs.version).toBeTruthy();
      for (const concept of cs.concept!) expect(concept.display && concept.definition, `${cs.id}|${concept.code}`).toBeTruthy();
    }
    const namingSystems = namingSystemResources(systems);
    expect(namingSystems).toHaveLength(SIP_NAMING_SYSTEMS.length);
    for (const ns of namingSystems) {
      expect(r4Issues(ns), ns.id).toEqual([]);
      expect(ns.kind).toBe('identifier');
      expect(ns.uniqueId[0]).toEqual({ type: 'uri', value: `${BASE}/NamingSystem/${ns.id}`, preferred: true });
      expect(ns.uniqueId.slice(1).map((u) => u.value)).toEqual([`https://old.example/fhir/NamingSystem/${ns.id}`, `urn:sip-broker:${ns.id}`]);
    }
    // Every identifier system a published resource carries has its NamingSystem.
    const defined = new Set(namingSystems.map((ns) => ns.uniqueId[0]!.value));
    for (const resource of published(systems)) {
      const identifiers = [(resource as { identifier?: unknown }).identifier].flat() as { system?: string }[];
      for (const i of identifiers) if (i?.system?.startsWith(`${BASE}/`)) expect(defined, i.system).toContain(i.system);
    }
  });

  it('tells what the broker published by our identifiers or plan category in any form it published them', () => {
    const systems = sipSystems(BASE, ['https://old.example/fhir']);
    for (const system of [`${BASE}/NamingSystem/plan-part`, 'https://old.example/fhir/NamingSystem/plan-part', 'urn:sip-broker:plan-part']) {
      expect(publishedByBroker({ identifier: [{ system, value: 'x' }] }, systems), system).toBe(true);
    }
    for (const system of [`${BASE}/CodeSystem/plan-category`, 'urn:sip-broker:codesystem:plan-category']) {
      expect(publishedByBroker({ category: [{ coding: [{ system, code: 'sip' }] }] }, systems), system).toBe(true);
    }
    expect(publishedByBroker({ identifier: [{ system: 'https://elsewhere.example/NamingSystem/plan', value: 'x' }] }, systems)).toBe(false);
    expect(publishedByBroker({ identifier: [{ system: 'urn:oid:1.2.752.29.4.19', value: 'x' }] }, systems)).toBe(false);
  });
});
