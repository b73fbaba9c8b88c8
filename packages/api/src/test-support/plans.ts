import type { CreatePlan, IndividualConsent, PlanView } from '@sip/shared';
import type { TestApp } from './app.ts';

export const REGION = { id: 'SE2321000099-7RG1', name: 'Region Norrvik' } as const;
export const MUNICIPALITY = { id: 'SE2120000099-7KM1', name: 'Norrviks kommun' } as const;
/** The demo world's second municipality: its own case system is the upstream `sodervik`. */
export const SODERVIK = { id: 'SE2120000099-7KM2', name: 'Söderviks kommun' } as const;
/** Known organisations that take part in no demo plan. */
export const OTHER_REGION = { id: 'SE2321000099-7XX9', name: 'Region Söderå' } as const;
export const OTHER_MUNICIPALITY = { id: 'SE2120000099-7KM9', name: 'Söderå kommun' } as const;

/** A valid create-plan body; override what a test is about. */
export function planInput(overrides: Partial<CreatePlan> = {}) {
  return {
    individual: { personId: '194003019801', name: 'Astrid Nilsson' },
    principals: { region: REGION, municipality: MUNICIPALITY },
    title: 'SIP för Astrid',
    ...overrides,
  } satisfies Record<string, unknown>;
}

export function consentInput(overrides: Partial<IndividualConsent> = {}): IndividualConsent {
  return {
    given: true,
    form: 'written',
    recordedAt: '2026-11-20T10:00:00+01:00',
    recordedBy: { name: 'Sara Lind', hsaId: 'SE2321000099-7P01' },
    scope: { information: ['goals', 'interventions', 'contacts'], actors: ['Region Norrvik', 'Norrviks kommun'], validUntil: '2027-11-20' },
    ...overrides,
  };
}

/** A small client for the staff API, as one persona. */
export async function staffClient(t: TestApp, persona: string) {
  const token = await t.tokenFor(persona);
  const request = (path: string, init: { method?: string; body?: unknown; ifMatch?: string | number; headers?: Record<string, string> } = {}) =>
    t.app.request(path, {
      method: init.method ?? 'GET',
      headers: {
        Authorization: `Bearer ${token}`,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.ifMatch !== undefined ? { 'If-Match': typeof init.ifMatch === 'number' ? `W/"${init.ifMatch}"` : init.ifMatch } : {}),
        ...init.headers,
      },
      ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
    });
  return {
    token,
    request,
    /** Creates a plan: a draft only this persona's organisation sees, until the individual consents. */
    async createPlan(overrides: Partial<CreatePlan> = {}): Promise<PlanView> {
      const res = await request('/api/plans', { method: 'POST', body: planInput(overrides) });
      if (res.status !== 201) throw new Error(`create plan: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as PlanView;
    },
    /**
     * Creates a plan and records the individual's consent naming both principals (as
     * {@link consentInput}, or `consent`): the plan then reaches both, and is assembled from both.
     */
    async createSharedPlan(overrides: Partial<CreatePlan> = {}, consent: Partial<IndividualConsent> = {}): Promise<PlanView> {
      const created = await this.createPlan(overrides);
      const res = await request(`/api/plans/${created.id}/consent`, { method: 'PUT', ifMatch: created.version, body: consentInput(consent) });
      if (res.status !== 200) throw new Error(`record consent: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as PlanView;
    },
  };
}

/** The version a weak ETag (`W/"7"`) names. */
export function etagVersion(res: Response): number {
  return Number(/^W\/"(\d+)"$/.exec(res.headers.get('etag') ?? '')?.[1]);
}

/** Maria, an adult relative of the test-series individual 194003019801, as staff add her. */
export const MARIA_RELATIVE = {
  name: 'Maria Nilsson',
  relationship: { code: 'DAU', text: 'dotter' },
  personId: '196807059826',
  child: false,
  sharesHome: false,
} as const;
