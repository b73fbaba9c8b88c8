import type { BundleEntry, CarePlan, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { fullPlan, publishContext, fixtureSystems } from './fixture.ts';
import { identifierKey } from './plan-to-fhir.ts';
import { buildPublishBundle, identifierQuery, publishIdentifiers, publishTargets, sipIdentifierOf, type ExistingResources } from './publish-bundle.ts';

const plan = fullPlan();
const keyOf = (entry: BundleEntry) => identifierKey(sipIdentifierOf(entry.resource!, fixtureSystems)!);
const byKey = (entries: BundleEntry[], key: string) => entries.find((e) => e.resource && sipIdentifierOf(e.resource, fixtureSystems) && keyOf(e) === key)!;
const sipKey = `https://sip.example/fhir/NamingSystem/plan|${plan.id}`;

describe('buildPublishBundle', () => {
  it('creates every resource conditionally on its identifier, with urn:uuid fullUrls that the other entries reference', () => {
    const bundle = buildPublishBundle(plan, publishContext);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'transaction' });
    const entries = bundle.entry!;
    const identified = entries.filter((e) => e.resource?.resourceType !== 'Provenance');
    for (const entry of identified) {
      expect(entry.fullUrl).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(entry.resource!.id).toBeUndefined();
      expect(entry.request).toEqual({ method: 'POST', url: entry.resource!.resourceType, ifNoneExist: identifierQuery(sipIdentifierOf(entry.resource!, fixtureSystems)!) });
    }
    const sip = byKey(entries, sipKey);
    expect(sip.request?.ifNoneExist).toBe(`identifier=https://sip.example/fhir/NamingSystem/plan|${plan.id}`);
    const careTeam = byKey(entries, `https://sip.example/fhir/NamingSystem/careteam|${plan.id}`);
    const consent = byKey(entries, `https://sip.example/fhir/NamingSystem/consent|${plan.id}`);
    expect((sip.resource as CarePlan).careTeam).toEqual([{ reference: careTeam.fullUrl }]);
    expect((sip.resource as CarePlan).supportingInfo).toEqual([{ reference: consent.fullUrl }]);
    const part = byKey(entries, `https://sip.example/fhir/NamingSystem/plan-part|${plan.parts[0]!.id}`);
    expect((part.resource as CarePlan).partOf).toEqual([{ reference: sip.fullUrl }]);
    const goalRefs = (part.resource as CarePlan).goal!.map((g) => g.reference);
    expect(goalRefs).toEqual([byKey(entries, `https://sip.example/fhir/NamingSystem/goal|${plan.parts[0]!.id}/goal-m1`).fullUrl]);

    // Every reference to another entry is a urn:uuid of the bundle: no local `Type/id` is left.
    const fullUrls = new Set(entries.map((e) => e.fullUrl));
    const references = JSON.stringify(entries.map((e) => e.resource)).match(/"reference":"[^"]+"/g) ?? [];
    for (const ref of references) {
      const value = ref.slice('"reference":"'.length, -1);
      if (value.startsWith('Patient/')) continue;
      expect(fullUrls).toContain(value);
    }
  });

  it('ends with the Provenance of the change, a conditional create on the plan and the moment it records', () => {
    const entries = buildPublishBundle(plan, publishContext).entry!;
    const provenance = entries.at(-1)!;
    expect(provenance.request).toEqual({
      method: 'POST',
      url: 'Provenance',
      ifNoneExist: `target:identifier=https://sip.example/fhir/NamingSystem/plan|${plan.id}&recorded=${encodeURIComponent(publishContext.change.changedAt)}`,
    });
    expect(provenance.resource).toMatchObject({ resourceType: 'Provenance', target: [{ reference: byKey(entries, sipKey).fullUrl }] });
    expect(entries.filter((e) => e.resource?.resourceType === 'Provenance')).toHaveLength(1);
  });

  it('lists in publishIdentifiers exactly the identifiers the bundle carries', () => {
    const entries = buildPublishBundle(plan, publishContext).entry!;
    const carried = entries.filter((e) => e.resource?.resourceType !== 'Provenance').map(keyOf);
    expect(new Set(publishIdentifiers(plan, fixtureSystems))).toEqual(new Set(carried));
    expect(publishIdentifiers(plan, fixtureSystems)).toHaveLength(carried.length);
    expect(publishTargets(plan, fixtureSystems)[0]).toEqual({ resourceType: 'CarePlan', identifier: { system: 'https://sip.example/fhir/NamingSystem/plan', value: plan.id }, key: sipKey });
    const types = new Map(entries.filter((e) => e.resource?.resourceType !== 'Provenance').map((e) => [keyOf(e), e.resource!.resourceType]));
    for (const target of publishTargets(plan, fixtureSystems)) expect(types.get(target.key)).toBe(target.resourceType);
  });

  it('updates what the server already holds with PUT Type/id and If-Match, and references it by its id there', () => {
    const existing: ExistingResources = new Map(
      publishIdentifiers(plan, fixtureSystems).map((key, i) => [key, { id: `srv-${i}`, versionId: String(i + 1) }]),
    );
    const entries = buildPublishBundle(plan, publishContext, existing).entry!;
    for (const entry of entries.filter((e) => e.resource?.resourceType !== 'Provenance')) {
      const found = existing.get(keyOf(entry))!;
      expect(entry.fullUrl).toBeUndefined();
      expect(entry.request).toEqual({ method: 'PUT', url: `${entry.resource!.resourceType}/${found.id}`, ifMatch: `W/"${found.versionId}"` });
      expect(entry.resource!.id).toBe(found.id);
    }
    const sipId = existing.get(sipKey)!.id;
    const part = byKey(entries, `https://sip.example/fhir/NamingSystem/plan-part|${plan.parts[1]!.id}`);
    expect((part.resource as CarePlan).partOf).toEqual([{ reference: `CarePlan/${sipId}` }]);
    expect(entries.at(-1)!.resource).toMatchObject({ target: [{ reference: `CarePlan/${sipId}` }] });
    expect(entries.at(-1)!.request).toMatchObject({ method: 'POST', url: 'Provenance' });
  });

  it('mixes the two: a SIP the server holds is updated, a new goal created, and the new goal referenced by its urn:uuid', () => {
    const existing: ExistingResources = new Map([[sipKey, { id: 'sip-on-server', versionId: '3' }]]);
    const entries = buildPublishBundle(plan, publishContext, existing).entry!;
    const sip = byKey(entries, sipKey);
    expect(sip.request).toEqual({ method: 'PUT', url: 'CarePlan/sip-on-server', ifMatch: 'W/"3"' });
    const goal = byKey(entries, `https://sip.example/fhir/NamingSystem/goal|${plan.id}/${plan.fields.individualGoals![0]!.id}`);
    expect(goal.request?.method).toBe('POST');
    expect((sip.resource as CarePlan).goal).toEqual([{ reference: goal.fullUrl }]);
    const relatives = byKey(entries, `https://sip.example/fhir/NamingSystem/plan-part|${plan.relativesSection.id}`);
    expect((relatives.resource as CarePlan).partOf).toEqual([{ reference: 'CarePlan/sip-on-server' }]);
  });

  it('keeps Condition/<id> as it is, to the receiver that holds it, beside the urn:uuids: the bundle never defines it', () => {
    const [municipalityPart, regionPart] = plan.parts;
    const diabetes = { system: 'region' as const, id: 'cond-diabetes', identifier: { system: 'urn:norrvik:region:condition', value: 'astrid-1' } };
    const withReason = {
      ...plan,
      parts: [
        municipalityPart!,
        { ...regionPart!, content: { ...regionPart!.content, interventions: [{ ...regionPart!.content.interventions![0]!, addresses: [diabetes] }] } },
      ],
    };
    const toRegion = buildPublishBundle(withReason, { ...publishContext, receiver: 'region' }).entry!;
    const sip = byKey(toRegion, sipKey).resource as CarePlan;
    expect(sip.addresses).toEqual([{ reference: 'Condition/cond-diabetes', type: 'Condition', identifier: diabetes.identifier }]);
    expect((byKey(toRegion, `https://sip.example/fhir/NamingSystem/plan-part|${regionPart!.id}`).resource as CarePlan).addresses).toEqual(sip.addresses);
    expect(toRegion.some((e) => e.resource?.resourceType === 'Condition')).toBe(false);
    const toMunicipality = buildPublishBundle(withReason, { ...publishContext, receiver: 'municipality' }).entry!;
    expect((byKey(toMunicipality, sipKey).resource as CarePlan).addresses).toEqual([{ type: 'Condition', identifier: diabetes.identifier }]);
    expect(JSON.stringify(toMunicipality)).not.toContain('Condition/');
  });

  it('is deterministic: the same plan and context give the same bundle', () => {
    expect(buildPublishBundle(plan, publishContext)).toEqual(buildPublishBundle(fullPlan(), publishContext));
  });

  it('leaves the resources of planToFhir untouched', () => {
    const before = JSON.stringify(plan);
    buildPublishBundle(plan, publishContext, new Map([[sipKey, { id: 'x', versionId: '1' }]]));
    expect(JSON.stringify(plan)).toBe(before);
  });

  it('percent-encodes what a query needs encoded in ifNoneExist, and nothing else', () => {
    expect(identifierQuery({ system: 'https://sip.example/fhir/NamingSystem/goal', value: 'a/b c&d' })).toBe('identifier=https://sip.example/fhir/NamingSystem/goal|a/b%20c%26d');
    const resource: Resource = { resourceType: 'Goal', identifier: [{ system: 'other', value: '1' }, { system: 'https://sip.example/fhir/NamingSystem/goal', value: 'x' }] } as never;
    expect(sipIdentifierOf(resource, fixtureSystems)).toEqual({ system: 'https://sip.example/fhir/NamingSystem/goal', value: 'x' });
  });
});
