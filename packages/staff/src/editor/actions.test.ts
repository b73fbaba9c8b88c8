import { describe, expect, it } from 'vitest';
import { intentRequest, intentSection, intentState, type Intent } from './actions.ts';
import { planFixture } from './fixture.test-support.ts';

const NOW = new Date('2026-12-03T12:00:00Z');
const asked = { kind: 'needs-assessment' as const, at: '2026-12-01T09:00:00Z', note: 'Jag orkar inte' };
const other = { kind: 'contact-consultant' as const, at: '2026-12-02T09:00:00Z' };

function withRequests(requests: { kind: 'needs-assessment' | 'contact-consultant'; at: string; handledAt?: string }[]) {
  const plan = planFixture();
  return planFixture({
    relativesSection: {
      ...plan.relativesSection,
      version: 8,
      relatives: plan.relativesSection.relatives.map((r) => (r.id === 'rel-1' ? { ...r, support: { offered: ['conversation' as const], requests } } : r)),
    },
  });
}

describe('a change made without a form, kept as what the user meant', () => {
  it('makes a status change against the version it is sent to, while the transition is still allowed', () => {
    const intent: Intent = { kind: 'status', status: 'followed_up' };
    expect(intentSection(intent)).toBe('status');
    expect(intentRequest(intent, planFixture({ version: 5 }), NOW)).toEqual({
      method: 'POST',
      path: '/api/plans/267c7153-c51e-4e61-b457-f9f926797237/status',
      body: { status: 'followed_up' },
      ifMatch: 'W/"5"',
    });
    expect(intentState(intent, planFixture({ status: 'followed_up' }))).toBe('done');
    // Closed meanwhile: a closed plan goes nowhere.
    expect(intentState(intent, planFixture({ status: 'closed' }))).toBe('impossible');
    expect(intentRequest(intent, planFixture({ status: 'closed' }), NOW)).toBeUndefined();
  });

  it('removes an invited participant, and has nothing left to do once they are gone', () => {
    const intent: Intent = { kind: 'remove-participant', participantId: 'p-2', name: 'Anna Ström' };
    const plan = planFixture({ version: 6, participants: [{ id: 'p-2', kind: 'invited', name: 'Anna Ström' }] });
    expect(intentSection(intent)).toBe('participants');
    expect(intentRequest(intent, plan, NOW)).toEqual({ method: 'DELETE', path: '/api/plans/267c7153-c51e-4e61-b457-f9f926797237/participants/p-2', ifMatch: 'W/"6"' });
    expect(intentState(intent, planFixture({ participants: [] }))).toBe('done');
    expect(intentState(intent, planFixture({ participants: [{ id: 'p-2', kind: 'principal', name: 'Anna Ström' }] }))).toBe('impossible');
  });

  it('marks the very request handled, found by when it was made, with the other requests as they are now', () => {
    const intent: Intent = { kind: 'mark-handled', relativeId: 'rel-1', requestAt: asked.at, requestKind: asked.kind };
    // Another request came first in the list meanwhile, and another was handled by someone else.
    const plan = withRequests([{ ...other, handledAt: '2026-12-03T08:00:00Z' }, asked]);
    expect(intentSection(intent)).toBe('relative:rel-1');
    expect(intentRequest(intent, plan, NOW)).toEqual({
      method: 'PUT',
      path: '/api/plans/267c7153-c51e-4e61-b457-f9f926797237/relatives/rel-1/support',
      body: { offered: ['conversation'], requests: [{ ...other, handledAt: '2026-12-03T08:00:00Z' }, { ...asked, handledAt: NOW.toISOString() }] },
      ifMatch: 'W/"8"',
    });
    expect(intentState(intent, withRequests([{ ...asked, handledAt: '2026-12-03T08:00:00Z' }]))).toBe('done');
    expect(intentState(intent, withRequests([other]))).toBe('impossible');
  });
});
