import type { CarePlan, Patient, Resource } from '@medplum/fhirtypes';
import type { FhirPeer, FhirPeerOptions } from './index.ts';
import { IdentifierSystem } from '@sip/shared';
import { afterAll, beforeAll } from 'vitest';
import { createFhirPeer } from './index.ts';

/** The identifier system of Swedish personal identity numbers. */
export const PERSONNUMMER = IdentifierSystem.personnummer;

/** Test personal identity numbers (Skatteverket's test numbers; not real people). */
export const TEST_PERSONNUMMER = ['191212121212', '194003019801'] as const;

/** A Patient identified by a test personnummer. */
export function testPatient(personnummer: string, family = 'Tolvansson'): Patient {
  return {
    resourceType: 'Patient',
    identifier: [{ system: PERSONNUMMER, value: personnummer }],
    name: [{ family, given: ['Tolvan'] }],
  };
}

/** The search token `system|value` for a personnummer, URL-encoded. */
export function personnummerToken(personnummer: string): string {
  return encodeURIComponent(`${PERSONNUMMER}|${personnummer}`);
}

/** A CarePlan for the patient that `subject` refers to. */
export function testCarePlan(subject: string, extra: Partial<CarePlan> = {}): CarePlan {
  return { resourceType: 'CarePlan', status: 'active', intent: 'plan', subject: { reference: subject }, ...extra };
}

/** Marks a deliberately invalid resource (one the peer must reject) as a Resource for the type checker. */
export function invalidResource(resource: { resourceType: string } & Record<string, unknown>): Resource {
  return resource as unknown as Resource;
}

/** A peer listening on 127.0.0.1 and its base URL. */
export interface RunningPeer {
  peer: FhirPeer;
  base: string;
}

/** Creates a peer and starts it on a free port. */
export async function startPeer(options?: FhirPeerOptions): Promise<RunningPeer> {
  const peer = createFhirPeer(options);
  const { baseUrl } = await peer.listen();
  return { peer, base: baseUrl };
}

/** The parts of a response the tests look at, with the body parsed as JSON when it is JSON. */
export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

/** Sends a request with global fetch; `json` is sent as `application/fhir+json`. */
export async function send(
  url: string,
  init: { method?: string; json?: unknown; headers?: Record<string, string>; body?: string } = {}
): Promise<Reply> {
  const headers: Record<string, string> = { accept: 'application/fhir+json', ...init.headers };
  let body = init.body;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/fhir+json';
    body = JSON.stringify(init.json);
  }
  const response = await fetch(url, { method: init.method ?? 'GET', headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** The search `total` for a personnummer. */
export async function countByPersonnummer(base: string, personnummer: string): Promise<number> {
  const reply = await send(`${base}/Patient?identifier=${personnummerToken(personnummer)}`);
  return reply.body.total;
}

/**
 * A peer on a loopback port for the whole test file: started before its tests, closed after.
 * Read `base` and `peer` inside tests and hooks.
 */
export function usePeer(options?: FhirPeerOptions): RunningPeer {
  let running: RunningPeer | undefined;
  beforeAll(async () => {
    running = await startPeer(options);
  });
  afterAll(async () => {
    await running?.peer.close();
  });
  const current = () => {
    if (!running) throw new Error('the peer starts in beforeAll');
    return running;
  };
  return {
    get base() {
      return current().base;
    },
    get peer() {
      return current().peer;
    },
  } as RunningPeer;
}
