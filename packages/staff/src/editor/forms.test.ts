import { individualConsentSchema, partContentPatchSchema, planFieldsPatchSchema, relativeSharingSchema, relativeSupportSchema } from '@sip/shared';
import { describe, expect, it } from 'vitest';
import { fieldForPath, formSpec, fromLocalInput, itemsOf, sectionFingerprints, toLocalInput } from './forms.ts';
import { planFixture } from './fixture.test-support.ts';
import { messages } from './messages.ts';

const t = messages.sv;
const now = new Date('2026-12-03T10:00:00Z');

describe('the forms', () => {
  it('turn lines into items, keeping the ids of lines that stayed', () => {
    expect(itemsOf('Kunna bo kvar hemma\n\n  Sjunga i kören ', [{ id: 'g1', text: 'Kunna bo kvar hemma' }])).toEqual([
      { id: 'g1', text: 'Kunna bo kvar hemma' },
      { text: 'Sjunga i kören' },
    ]);
    expect(itemsOf('', [{ id: 'g1', text: 'x' }])).toEqual([]);
  });

  it('send only the section’s own fields, as a PATCH the API’s schema takes', () => {
    const plan = planFixture();
    const spec = formSpec('individual-goals', plan, t)!;
    const draft = spec.draft(plan, now);
    expect(draft).toEqual({ individualGoals: 'Kunna bo kvar hemma' });
    const body = spec.body({ individualGoals: 'Kunna bo kvar hemma\nSjunga' }, plan, now);
    expect(body).toEqual({ individualGoals: [{ id: 'g1', text: 'Kunna bo kvar hemma' }, { text: 'Sjunga' }] });
    expect(planFieldsPatchSchema.safeParse(body).success).toBe(true);
    expect(spec.body({ individualGoals: '' }, plan, now)).toEqual({ individualGoals: null });
  });

  it('keep what the form does not show (an item’s upstream source, a contact’s HSA-id)', () => {
    const plan = planFixture();
    const part = plan.parts[0]!;
    const spec = formSpec(`part:${part.id}`, plan, t)!;
    const draft = spec.draft(plan, now);
    expect(draft['interventions.i1.title']).toBe('Hemsjukvård');
    const body = spec.body({ ...draft, 'interventions.i1.when': 'Morgon och kväll', 'interventions.~new.title': 'Ny insats' }, plan, now) as {
      interventions: Record<string, unknown>[];
    };
    expect(body.interventions[0]).toMatchObject({ id: 'i1', source: { id: 'sr-1' }, when: 'Morgon och kväll', status: 'decided' });
    expect(body.interventions[1]).toEqual({ title: 'Ny insats', status: 'planned' });
    expect(partContentPatchSchema.safeParse(body).success).toBe(true);
    const removed = spec.body({ ...draft, 'interventions.i1.remove': 'true' }, plan, now) as { interventions: unknown };
    expect(removed.interventions).toBeNull();
    const overview = formSpec('overview', plan, t)!;
    const o = overview.body({ ...overview.draft(plan, now), 'coordinator.phone': '' }, plan, now) as { coordinator: Record<string, unknown> };
    expect(o.coordinator).toEqual({ name: 'Karin Ek', hsaId: 'SE2120000099-7P01' });
  });

  it('find what the schema refuses, by the field’s key', () => {
    const plan = planFixture();
    const spec = formSpec('follow-up', plan, t)!;
    const result = spec.schema.safeParse(spec.body({ 'followUp.date': '', 'followUp.by.name': 'Karin Ek' }, plan, now));
    expect(result.success).toBe(false);
    const keys = spec.fields(plan).map((f) => f.key);
    expect(result.error!.issues.map((i) => fieldForPath(i.path.map(String).join('.'), keys))).toContain('followUp.date');
  });

  it('map the service’s JSON pointers to fields', () => {
    const keys = ['coordinator.name', 'interventions.i1.title', 'individualGoals', 'title'];
    expect(fieldForPath('/coordinator/name', keys)).toBe('coordinator.name');
    expect(fieldForPath('/body/interventions/0/title', keys, { interventions: ['i1'] })).toBe('interventions.i1.title');
    expect(fieldForPath('/individualGoals/2/text', keys)).toBe('individualGoals');
    expect(fieldForPath('individualGoals.0.text', keys)).toBe('individualGoals');
    expect(fieldForPath('/titles', keys)).toBeUndefined();
  });

  it('point an error in a list at the item it is about, by its id, when an item before it is removed', () => {
    const base = planFixture();
    const region = base.parts[0]!;
    const interventions = [
      { id: 'i1', title: 'Hemsjukvård', status: 'decided' as const },
      { id: 'i2', title: 'Läkemedelsgenomgång', status: 'planned' as const },
      { id: 'i3', title: 'Fallprevention', status: 'planned' as const },
    ];
    const plan = planFixture({ parts: [{ ...region, content: { ...region.content, interventions } }, base.parts[1]!] });
    const spec = formSpec(`part:${region.id}`, plan, t)!;
    const keys = spec.fields(plan).map((f) => f.key);
    // The first removed, the third's title emptied, a new one with no title but a description.
    const draft = { ...spec.draft(plan, now), 'interventions.i1.remove': 'true', 'interventions.i3.title': '', 'interventions.~new.description': 'Något' };
    const rows = spec.rows!(draft, plan);
    expect(rows).toEqual({ interventions: ['i2', 'i3', '~new'] });
    const result = spec.schema.safeParse(spec.body(draft, plan, now));
    expect(result.success).toBe(false);
    const fields = result.error!.issues.map((i) => fieldForPath(i.path.map(String).join('.'), keys, rows));
    expect(fields).toEqual(['interventions.i3.title', 'interventions.~new.title']);
    // The service's pointers too.
    expect(fieldForPath('/interventions/1/title', keys, rows)).toBe('interventions.i3.title');
    // What the user typed stays with its item when someone else removes one before it.
    const after = planFixture({ parts: [{ ...region, content: { ...region.content, interventions: interventions.slice(1) } }, base.parts[1]!] });
    const typed = { ...spec.draft(plan, now), 'interventions.i3.when': 'Varje vecka' };
    const sent = spec.body(typed, after, now) as { interventions: { id: string; when?: string }[] };
    expect(sent.interventions.map((i) => [i.id, i.when])).toEqual([
      ['i2', undefined],
      ['i3', 'Varje vecka'],
    ]);
  });

  it('propose nothing to a relative that is not in the plan', () => {
    const plan = planFixture();
    expect(formSpec('relative:nobody:propose', plan, t)).toBeUndefined();
    expect(formSpec('relative:rel-1:propose', plan, t)!.versionOf(plan)).toBe(7);
    expect(formSpec('relative:rel-2:propose', plan, t)!.target).toEqual({ child: true });
    expect(formSpec('part:nope', plan, t)).toBeUndefined();
  });

  it('give moments to a datetime-local field in local time and back as UTC', () => {
    const local = toLocalInput('2026-12-03T10:30:00.000Z');
    expect(local).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/);
    expect(fromLocalInput(local)).toBe('2026-12-03T10:30:00.000Z');
    expect(fromLocalInput('nonsense')).toBe('nonsense');
  });

  it('tell which sections changed between two versions of a plan', () => {
    const before = sectionFingerprints(planFixture());
    const after = sectionFingerprints(planFixture({ fields: { ...planFixture().fields, needs: [{ text: 'Ny' }] } }));
    expect([...after.keys()].filter((k) => after.get(k) !== before.get(k))).toEqual(['needs']);
  });

  it('record a consent, the sharing with a relative and the support offered as the API’s schemas take them', () => {
    const plan = planFixture();
    const consent = formSpec('consent', plan, t)!;
    const draft = { ...consent.draft(plan, now), given: 'true', 'scope.information': ['goals', 'needs'], 'scope.actors': 'Region Norrvik\nNorrviks kommun', 'recordedBy.name': 'Karin Ek' };
    const body = consent.body(draft, plan, now);
    expect(body).toEqual({
      given: true,
      form: 'written',
      recordedAt: now.toISOString(),
      recordedBy: { name: 'Karin Ek' },
      scope: { information: ['goals', 'needs'], actors: ['Region Norrvik', 'Norrviks kommun'] },
    });
    expect(individualConsentSchema.safeParse(body).success).toBe(true);
    expect(consent.body({ ...draft, revoke: 'true' }, plan, now)).toMatchObject({ revokedAt: now.toISOString() });

    const sharing = formSpec('relative:rel-1:sharing', plan, t)!;
    const shared = sharing.body({ ...sharing.draft(plan, now), categories: ['goals'], 'recordedBy.name': 'Sara Lind', validUntil: '2027-12-03' }, plan, now);
    expect(relativeSharingSchema.safeParse(shared).success).toBe(true);
    expect(shared).toMatchObject({ categories: ['goals'], form: 'written', validUntil: '2027-12-03', recordedBy: { name: 'Sara Lind' } });
    expect(sharing.schema.safeParse(sharing.body({ ...sharing.draft(plan, now), 'recordedBy.name': '' }, plan, now)).success).toBe(false);

    const withRequest = planFixture();
    withRequest.relativesSection.relatives[0]!.support = { offered: [], requests: [{ kind: 'needs-assessment', at: '2026-12-01T10:00:00.000Z' }] };
    const support = formSpec('relative:rel-1:support', withRequest, t)!;
    const offered = support.body({ offered: ['respite', 'groups'] }, withRequest, now);
    expect(offered).toEqual({ offered: ['respite', 'groups'], requests: [{ kind: 'needs-assessment', at: '2026-12-01T10:00:00.000Z' }] });
    expect(relativeSupportSchema.safeParse(offered).success).toBe(true);
  });

  it('record the support a relative took up, each kind on its day, and find the field of a kind the service refuses', () => {
    const plan = planFixture();
    plan.relativesSection.relatives[0]!.support = { offered: ['respite', 'groups'], requests: [], takenUp: [{ kind: 'groups', at: '2026-11-20' }] };
    const support = formSpec('relative:rel-1:support', plan, t)!;
    const draft = support.draft(plan, now);
    expect(draft).toMatchObject({ offered: ['respite', 'groups'], 'takenUp.groups': '2026-11-20', 'takenUp.respite': '' });
    const body = support.body({ ...draft, 'takenUp.respite': '2026-12-01', 'takenUp.training': '2026-12-02' }, plan, now);
    expect(body).toMatchObject({ takenUp: [{ kind: 'respite', at: '2026-12-01' }, { kind: 'groups', at: '2026-11-20' }, { kind: 'training', at: '2026-12-02' }] });
    expect(support.fields(plan).filter((f) => f.group === t.fields.takenUp).map((f) => f.label)).toEqual(['Stödsamtal', 'Avlösning', 'Anhöriggrupper', 'Utbildning']);
    // Training was not offered: the service names /takenUp/2/kind, the training field.
    const keys = support.fields(plan).map((f) => f.key);
    expect(fieldForPath('/takenUp/2/kind', keys, support.rows!({ ...draft, 'takenUp.respite': '2026-12-01', 'takenUp.training': '2026-12-02' }, plan))).toBe('takenUp.training');
    // Emptied, nothing is taken up.
    expect(support.body({ ...draft, 'takenUp.groups': '' }, plan, now)).not.toHaveProperty('takenUp', expect.anything());
  });

  it('propose a commitment of a kind, or of none', () => {
    const plan = planFixture();
    const propose = formSpec('relative:rel-1:propose', plan, t)!;
    const draft = { ...propose.draft(plan, now), what: 'Handla', howOften: 'Varje vecka' };
    expect(propose.fields(plan)[0]).toMatchObject({ key: 'kind', kind: 'select' });
    expect(propose.fields(plan)[0]!.options!.map((o) => o.label)).toContain('Ledsagning och resor');
    expect(propose.body({ ...draft, kind: 'accompanying' }, plan, now)).toMatchObject({ kind: 'accompanying' });
    expect(propose.body(draft, plan, now)).not.toHaveProperty('kind');
    expect(propose.schema.safeParse(propose.body({ ...draft, kind: 'household' }, plan, now)).success).toBe(true);
  });

  it('add a relative as the API takes a new one, under the relatives section’s version', () => {
    const plan = planFixture();
    const add = formSpec('relatives-add', plan, t)!;
    expect(add).toMatchObject({ method: 'POST', operation: 'relatives.update', additive: true });
    expect(add.path(plan.id)).toBe(`/api/plans/${plan.id}/relatives`);
    expect(add.versionOf(plan)).toBe(plan.relativesSection.version);
    const draft = { ...add.draft(plan, now), name: ' Lisa Ström ', 'relationship.text': 'Dotter', phone: '+46701740123', sharesHome: 'true' };
    const body = add.body(draft, plan, now);
    expect(body).toEqual({ name: 'Lisa Ström', relationship: { text: 'Dotter' }, phone: '+46701740123', child: false, sharesHome: true });
    expect(add.schema.safeParse(body).success).toBe(true);
    // What the service refuses, the form refuses before sending: no name, an id of the service's own.
    expect(add.schema.safeParse(add.body({ ...draft, name: '' }, plan, now)).success).toBe(false);
    expect(add.schema.safeParse({ ...(body as object), id: 'x' }).success).toBe(false);
  });
});
