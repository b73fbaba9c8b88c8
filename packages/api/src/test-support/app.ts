import { Writable } from 'node:stream';
import { createFhirPeer, type FhirPeer } from '@sip/fhir-peer';
import { sipSystems } from '@sip/shared';
import { createApp } from '../app.ts';
import { createTokenVerifier, type TrustedIssuer } from '../auth/tokens.ts';
import { loadConfig, type Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import { createDemoIssuer, type DemoIssuer } from '../demo/issuer.ts';
import { demoUpstreamSeed } from '../demo/upstream-seed.ts';
import type { Clock } from '../http/context.ts';
import { createLogger } from '../logger.ts';
import { startingOrganisations, upsertOrganisations } from '../organisations/organisations.ts';
import { PlanEventHub } from '../plans/events.ts';
import { createPublisher } from '../publish/publisher.ts';
import { OutboxWorker } from '../publish/outbox.worker.ts';
import { createUpstream, type Upstreams } from '../upstreams/upstream.ts';
import { OTHER_MUNICIPALITY, OTHER_REGION } from './plans.ts';

export interface TestPeers {
  region: FhirPeer;
  municipality: FhirPeer;
  urls: { region: string; municipality: string };
  close(): Promise<void>;
}

/** Two FHIR test peers over loopback HTTP, seeded with the demo world unless told not to. */
export async function startTestPeers(options: { seed?: boolean } = {}): Promise<TestPeers> {
  const region = createFhirPeer({ name: 'region' });
  const municipality = createFhirPeer({ name: 'municipality' });
  if (options.seed !== false) {
    await region.seed(demoUpstreamSeed('region'));
    await municipality.seed(demoUpstreamSeed('municipality'));
  }
  const [r, m] = await Promise.all([region.listen(), municipality.listen()]);
  return {
    region,
    municipality,
    urls: { region: r.baseUrl, municipality: m.baseUrl },
    close: async () => {
      await Promise.all([r.close(), m.close()]);
    },
  };
}

/** Retries and circuit breaking on a test's time scale. */
const testResilience = { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 50, halfOpenAfterMs: 100 };

/** The base the test app publishes its own systems under (`FHIR_SYSTEM_BASE`), the shared fixtures' too. */
export const TEST_SYSTEM_BASE = 'https://sip.example/fhir';
/** The test app's own systems. */
export const testSystems = sipSystems(TEST_SYSTEM_BASE);

/** A config for tests: demo mode on, upstreams at the given peers, quiet logs, our systems under {@link TEST_SYSTEM_BASE}. */
export function testConfig(peers: { region: string; municipality: string }, env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DEMO_MODE: 'true',
    LOG_LEVEL: 'info',
    REGION_FHIR_BASE_URL: peers.region,
    MUNICIPALITY_FHIR_BASE_URL: peers.municipality,
    UPSTREAM_TIMEOUT_MS: '1000',
    FHIR_SYSTEM_BASE: TEST_SYSTEM_BASE,
    // Besides the demo world's two: a region and a municipality that take part in no demo plan.
    ORGANISATIONS: JSON.stringify([
      { ...OTHER_REGION, kind: 'region' },
      { ...OTHER_MUNICIPALITY, kind: 'municipality' },
    ]),
    ...env,
  });
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  config: Config;
  demo: DemoIssuer | undefined;
  /** The app's plan event hub, listening; close it to end the app's event streams. */
  events: PlanEventHub;
  /** The outbox worker, not started: a test drains it when it wants delivery to happen. */
  outbox: OutboxWorker;
  /** Every log line the app wrote, as text. */
  logs: string[];
  /** A bearer token for a demo persona. */
  tokenFor(personaId: string): Promise<string>;
}

/** Builds the app as the server does, on the given database and peers, with captured logs. */
export async function buildTestApp(options: {
  database: Database;
  peers: { region: string; municipality: string };
  env?: Record<string, string>;
  extraIssuers?: TrustedIssuer[];
  clock?: Clock;
  /** Heartbeat interval of the plan event streams (default 15 s). */
  eventHeartbeatMs?: number;
}): Promise<TestApp> {
  const config = testConfig(options.peers, options.env);
  const clock = options.clock ?? { now: () => new Date() };
  const logs: string[] = [];
  const logger = createLogger(
    config.logLevel,
    new Writable({
      write(chunk, _enc, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  );
  // Reading and publishing have their own upstream clients (and circuit breakers), as in the service.
  const clients = (): Upstreams => ({
    region: createUpstream({ ...config.upstreams.region, baseUrl: options.peers.region }, config.upstreamTimeoutMs, testResilience),
    municipality: createUpstream({ ...config.upstreams.municipality, baseUrl: options.peers.municipality }, config.upstreamTimeoutMs, testResilience),
  });
  const upstreams = clients();
  await upsertOrganisations(options.database.db, startingOrganisations(config), clock.now());
  const demo = config.demoMode
    ? await createDemoIssuer(options.database.db, `${config.publicUrl}/dev`, () => clock.now())
    : undefined;
  const tokens = createTokenVerifier([...(demo?.trusted(config.audiences) ?? []), ...(options.extraIssuers ?? [])], () =>
    clock.now(),
  );
  const events = new PlanEventHub(options.database, {
    logger,
    ...(options.eventHeartbeatMs !== undefined ? { heartbeatMs: options.eventHeartbeatMs } : {}),
  });
  await events.start();
  const publishing = clients();
  const outbox = new OutboxWorker(options.database, createPublisher(options.database.db, publishing, config.fhirSystems, () => clock.now()), logger, () => clock.now(), {
    baseDelayMs: 1,
    maxDelayMs: 1,
    probe: async (side) => (await publishing[side].check()).ok,
  });
  const app = createApp({ config, database: options.database, upstreams, clock, logger, tokens, events, outbox, ...(demo ? { demo } : {}) });

  return {
    outbox,
    app,
    config,
    demo,
    events,
    logs,
    async tokenFor(persona) {
      const res = await app.request('/dev/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ persona }),
      });
      if (res.status !== 200) throw new Error(`token for ${persona}: HTTP ${res.status}`);
      return ((await res.json()) as { access_token: string }).access_token;
    },
  };
}
