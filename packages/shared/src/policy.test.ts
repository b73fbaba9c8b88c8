import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decide, factsFor, operations, policy } from './policy.ts';
import { POLICY_DOC_END, POLICY_DOC_START, policyMarkdown } from './policy-doc.ts';

describe('the policy', () => {
  it('refuses who an operation is not for with 403, before anything about the plan', () => {
    expect(decide('plan.read', 'auditor', { standing: 'none' })).toMatchObject({ allowed: false, status: 403 });
    expect(decide('plan.create', 'staff', { ownOrganisationIsPrincipal: true, principalsKnown: true })).toMatchObject({ allowed: false, status: 403 });
    expect(decide('me.read', 'coordinator', {})).toMatchObject({ allowed: false, status: 403 });
    expect(decide('access-log.read', 'coordinator', {})).toMatchObject({ allowed: false, status: 403 });
  });

  it('answers 404, revealing nothing, to staff whose organisation the plan has not reached', () => {
    expect(decide('plan.read', 'coordinator', { standing: 'none' })).toMatchObject({ allowed: false, status: 404 });
    expect(decide('part.update', 'staff', { standing: 'none', ownPart: true, status: 'draft' })).toMatchObject({ allowed: false, status: 404 });
    expect(decide('me.read', 'relative', { isRelative: false })).toMatchObject({ allowed: false, status: 404 });
  });

  it('lets each principal edit only its own part, and nobody edit a plan whose consent is withdrawn', () => {
    expect(decide('part.update', 'staff', { standing: 'member', ownPart: false, status: 'active' })).toMatchObject({ status: 403 });
    expect(decide('part.update', 'staff', { standing: 'member', ownPart: true, status: 'active' })).toEqual({ allowed: true });
    expect(decide('part.update', 'staff', { standing: 'initiator', ownPart: true, status: 'consent_withdrawn' })).toMatchObject({ status: 409 });
    expect(decide('plan.update', 'coordinator', { standing: 'member', status: 'active', touchesWithheld: true })).toMatchObject({ status: 403 });
  });

  it('never asks a child for a commitment or a home consent', () => {
    expect(decide('commitment.propose', 'staff', { standing: 'initiator', sharedWithMe: true, status: 'active', child: true })).toMatchObject({ status: 422 });
    expect(decide('me.home-consent', 'relative', { isRelative: true, status: 'active', child: true })).toMatchObject({ status: 422 });
  });

  it('lets the broker reach the other side only while the consent in force names it', () => {
    expect(decide('upstream.publish', 'broker', { sideReached: false })).toMatchObject({ allowed: false });
    expect(decide('upstream.read', 'broker', { sideReached: true })).toEqual({ allowed: true });
  });

  it('refuses to decide without the facts its rule reads', () => {
    expect(() => decide('part.update', 'staff', { standing: 'initiator' })).toThrow(/needs ownPart/);
    expect(factsFor('part.update')).toEqual(['standing', 'ownPart', 'status']);
  });

  it('gives every operation somebody who may do it, and a reason for the rest', () => {
    for (const operation of operations) {
      expect(policy[operation].actors.length, operation).toBeGreaterThan(0);
      expect(policy[operation].refused, operation).toBeTruthy();
    }
  });

  it('is what the README says (npm run policy:doc)', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../../README.md'), 'utf8');
    const start = readme.indexOf(POLICY_DOC_START);
    const end = readme.indexOf(POLICY_DOC_END);
    expect(start).toBeGreaterThan(0);
    expect(readme.slice(start + POLICY_DOC_START.length, end).trim()).toBe(policyMarkdown().trim());
  });
});
