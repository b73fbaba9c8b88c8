import { describe, expect, it } from 'vitest';
import { requirements } from '@sip/shared';
import { accessTo, activationGaps, refusalCode, situationFor, type Me } from './access.ts';
import { planFixture, REGION_ORG } from './fixture.test-support.ts';
import { messages } from './messages.ts';

const coordinator: Me = { userId: 'SE2321000099-7P01', organisationId: REGION_ORG, role: 'coordinator' };
const physician: Me = { ...coordinator, userId: 'SE2321000099-7P02', role: 'staff' };
const auditor: Me = { ...coordinator, role: 'auditor' };
const plan = planFixture();
const regionPart = plan.parts[0]!.id;
const municipalityPart = plan.parts[1]!.id;
const reason = (access: ReturnType<typeof accessTo>, lang: 'sv' | 'en' = 'sv') =>
  access.allowed ? 'allowed' : messages[lang].denial(access.code, access.principal);

describe('what the user may change, asked of the policy', () => {
  it('lets each principal edit its own part only, and says why not the other', () => {
    expect(accessTo('part.update', plan, physician, { partId: regionPart })).toEqual({ allowed: true });
    expect(reason(accessTo('part.update', plan, physician, { partId: municipalityPart }))).toBe('Kommunens del redigeras bara av kommunens personal');
    expect(reason(accessTo('part.update', plan, physician, { partId: municipalityPart }), 'en')).toBe('The municipality’s part is edited only by the municipality’s staff');
    const asMunicipality = planFixture({ visibility: { as: 'municipality', consent: 'in-force', withheld: [] } });
    const homecare: Me = { userId: 'x', organisationId: 'SE2120000099-7KM1', role: 'staff' };
    expect(reason(accessTo('part.update', asMunicipality, homecare, { partId: regionPart }))).toBe('Regionens del redigeras bara av regionens personal');
  });

  it('keeps the plan-level fields, the consent and the status to the coordinator', () => {
    expect(accessTo('plan.update', plan, coordinator, { fields: ['needs'] })).toEqual({ allowed: true });
    for (const operation of ['plan.update', 'consent.update', 'status.change', 'participants.update'] as const) {
      expect(reason(accessTo(operation, plan, physician, { fields: ['needs'] })), operation).toBe('Bara SIP-samordnaren ändrar detta');
    }
    expect(accessTo('relatives.update', plan, physician)).toEqual({ allowed: true });
    expect(reason(accessTo('plan.read', plan, auditor))).toBe('Granskare läser loggar, inte planer');
  });

  it('refuses a field the individual’s consent withholds from the organisation', () => {
    expect(reason(accessTo('plan.update', plan, coordinator, { fields: ['meetings'] }))).toBe('Individens samtycke låter inte detta nå din organisation');
    expect(situationFor(plan, coordinator, { fields: ['meetings'] }).touchesWithheld).toBe(true);
    expect(situationFor(plan, coordinator, { fields: ['needs'] }).touchesWithheld).toBe(false);
    const notShared = planFixture({ visibility: { as: 'region', consent: 'expired', withheld: ['plan:plan', 'plan:relatives'] } });
    expect(reason(accessTo('relatives.update', notShared, physician))).toBe('Individens samtycke låter inte detta nå din organisation');
  });

  it('says the plan is closed, or the consent withdrawn', () => {
    const closed = planFixture({ status: 'closed' });
    expect(reason(accessTo('part.update', closed, physician, { partId: regionPart }))).toBe('Planen är avslutad');
    expect(reason(accessTo('plan.update', closed, coordinator, { fields: ['needs'] }))).toBe('Planen är avslutad');
    expect(reason(accessTo('commitment.cancel', closed, physician))).toBe('Planen är avslutad');
    // The status of a closed plan is still the coordinator's: the transitions say it goes nowhere.
    expect(accessTo('status.change', closed, coordinator)).toEqual({ allowed: true });
    const withdrawn = planFixture({ status: 'consent_withdrawn' });
    expect(reason(accessTo('plan.update', withdrawn, coordinator, { fields: ['needs'] }))).toMatch(/^Individen har återkallat samtycket/);
    expect(accessTo('consent.update', withdrawn, coordinator)).toEqual({ allowed: true });
  });

  it('does not ask children to take on commitments', () => {
    expect(accessTo('commitment.propose', plan, physician, { child: false })).toEqual({ allowed: true });
    expect(reason(accessTo('commitment.propose', plan, physician, { child: true }))).toBe('Barn tillfrågas inte om åtaganden');
  });

  it('reads the standing from whose plan it is', () => {
    expect(situationFor(plan, coordinator).standing).toBe('member');
    expect(situationFor(planFixture({ initiator: 'region' }), coordinator).standing).toBe('initiator');
  });

  it('puts the service’s own refusals in the user’s words', () => {
    expect(refusalCode(requirements['consent-not-withdrawn'].refusal.reason, 'closed')).toBe('closed');
    expect(refusalCode(requirements['consent-not-withdrawn'].refusal.reason, 'consent_withdrawn')).toBe('consent-withdrawn');
    expect(messages.sv.denial(refusalCode(requirements['own-part'].refusal.reason, 'active')!)).toBe('Varje huvudman redigerar bara sin egen del');
    expect(messages.en.denial(refusalCode(requirements['shared-with-me'].refusal.reason, 'active')!)).toBe('The individual’s consent does not let this reach your organisation');
    expect(refusalCode('Something the policy never says', 'active')).toBeUndefined();
  });

  it('tells what a plan lacks to become active from the service’s refusal, in the user’s language', () => {
    const refusal = {
      errors: [
        { path: '/consent', message: 'the individual has not consented to the SIP' },
        { path: '/fields/overallResponsibility', message: 'no principal has overall responsibility' },
      ],
    };
    expect(activationGaps(refusal)).toEqual(['consent', 'overall-responsibility']);
    expect(activationGaps({ errors: [refusal.errors[1]!] })).toEqual(['overall-responsibility']);
    expect(activationGaps({ errors: [{ path: '/title', message: 'x' }] })).toEqual([]);
    expect(activationGaps(undefined)).toEqual([]);
    expect(messages.sv.cannotActivate(['overall-responsibility'])).toBe('Planen kan bli aktiv först när en huvudman har det övergripande ansvaret (under Plan och ansvar)');
    expect(messages.en.cannotActivate(['consent', 'overall-responsibility'])).toBe(
      'The plan can become active only when the individual’s consent is recorded and in force and a principal has the overall responsibility (under Plan and responsibility)',
    );
  });
});
