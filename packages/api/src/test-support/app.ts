import type { CheckpointStore } from '../access-log/checkpoints.ts';
import { Writable } from 'node:stream';
import { createFhirPeer, type FhirPeer } from '@sip/fhir-peer';
import { sipSystems } from '@sip/shared';
import { createApp } from '../app.ts';
import { createTokenVerifier, type TrustedIssuer } from '../auth/tokens.ts';
import { tokenExchangeFor } from '../auth/token-exchange.ts';
import { envPrefix, loadConfig, type Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import { createDemoIssuer, type DemoIssuer } from '../demo/issuer.ts';
import { demoUpstreamSeed } from '../demo/upstream-seed.ts';
import type { Clock } from '../http/context.ts';
import { createLogger } from '../logger.ts';
import { startingOrganisations, upsertOrganisations } from '../organisations/organisations.ts';
import { PlanEventHub } from '../plans/events.ts';
import type { ServiceMetrics } from '../health/metrics.ts';
import { createPublisher } from '../publish/publisher.ts';
import { SyncService } from '../assembly/sync.service.ts';
import { OutboxWorker } from '../publish/outbox.worker.ts';
import { createUpstream, type Upstreams } from '../upstreams/upstream.ts';
import { OTHER_MUNICIPALITY, OTHER_REGION } from './plans.ts';

export interface TestPeers {
  region: FhirPeer;
  municipality: FhirPeer;
  /** Söderviks kommun's case system: the demo world's second municipality has its own upstream. */
  sodervik: FhirPeer;
  urls: { region: string; municipality: string; sodervik: string };
  close(): Promise<void>;
}

/** The demo world's three FHIR test peers over loopback HTTP, seeded with it unless told not to. */
export async function startTestPeers(options: { seed?: boolean } = {}): Promise<TestPeers> {
  const names = ['region', 'municipality', 'sodervik'] as const;
  const peers = names.map((name) => createFhirPeer({ name }));
  if (options.seed !== false) await Promise.all(peers.map((peer, i) => peer.seed(demoUpstreamSeed(names[i]!))));
  const servers = await Promise.all(peers.map((peer) => peer.listen()));
  const [region, municipality, sodervik] = peers as [FhirPeer, FhirPeer, FhirPeer];
  const [r, m, s] = servers as [(typeof servers)[number], (typeof servers)[number], (typeof servers)[number]];
  return {
    region,
    municipality,
    sodervik,
    urls: { region: r.baseUrl, municipality: m.baseUrl, sodervik: s.baseUrl },
    close: async () => {
      await Promise.all(servers.map((server) => server.close()));
    },
  };
}

/** The region's and the municipality's peers of a plan made with the demo world's first municipality, as `[side, base URL]`. */
export const bothSides = (urls: { region: string; municipality: string }) =>
  [
    ['region', urls.region],
    ['municipality', urls.municipality],
  ] as const;

/** Retries and circuit breaking on a test's time scale. */
const testResilience = { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 50, halfOpenAfterMs: 100 };

/** The base the test app publishes its own systems under (`FHIR_SYSTEM_BASE`), the shared fixtures' too. */
export const TEST_SYSTEM_BASE = 'https://sip.example/fhir';
/** The test app's own systems. */
export const testSystems = sipSystems(TEST_SYSTEM_BASE);

/** Base URLs of test peers by upstream name: the region's and the municipality's, and any others (`UPSTREAMS`). */
export type PeerUrls = { region: string; municipality: string } & Record<string, string>;

/** A config for tests: demo mode on, upstreams at the given peers, quiet logs, our systems under {@link TEST_SYSTEM_BASE}. */
export function testConfig(peers: PeerUrls, env: Record<string, string> = {}): Config {
  const others = Object.keys(peers).filter((name) => name !== 'region' && name !== 'municipality');
  return loadConfig({
    NODE_ENV: 'test',
    DEMO_MODE: 'true',
    LOG_LEVEL: 'info',
    REGION_FHIR_BASE_URL: peers.region,
    MUNICIPALITY_FHIR_BASE_URL: peers.municipality,
    // Long enough that a loopback peer on a machine busy with many test files answers in time;
    // tests about slow upstreams set their own.
    UPSTREAM_TIMEOUT_MS: '3000',
    ...(others.length ? { UPSTREAMS: others.join(',') } : {}),
    ...Object.fromEntries(others.map((name) => [`${envPrefix(name)}_FHIR_BASE_URL`, peers[name] ?? ''])),
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
  /** The clients the app reads the upstreams with (syncs, lookups), each with its own circuit breaker. */
  upstreams: Upstreams;
  /** A bearer token for a demo persona. */
  tokenFor(personaId: string): Promise<string>;
}

/** Builds the app as the server does, on the given database and peers, with captured logs. */
export async function buildTestApp(options: {
  database: Database;
  peers: PeerUrls;
  env?: Record<string, string>;
  extraIssuers?: TrustedIssuer[];
  clock?: Clock;
  /** Heartbeat interval of the plan event streams (default 15 s). */
  eventHeartbeatMs?: number;
  /** Where the access log's checkpoints are kept, for its verification. */
  accessLogCheckpoints?: CheckpointStore;
  /** The service's metrics, when the test also feeds them from elsewhere (the review watcher). */
  metrics?: ServiceMetrics;
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
  const clients = (): Upstreams =>
    Object.fromEntries(
      Object.values(config.upstreams).flatMap((u) => {
        const baseUrl = options.peers[u.name] ?? u.baseUrl;
        return baseUrl ? [[u.name, createUpstream({ ...u, baseUrl }, config.upstreamTimeoutMs, testResilience)]] : [];
      }),
    ) as Upstreams;
  const upstreams = clients();
  await upsertOrganisations(options.database.db, startingOrganisations(config), clock.now());
  const demo = config.demoMode
    ? await createDemoIssuer(options.database.db, `${config.publicUrl}/dev`, () => clock.now())
    : undefined;
  const exchange = await tokenExchangeFor(config, config.smartIssuers, demo, options.database.db, () => clock.now());
  const tokens = createTokenVerifier([...(demo?.trusted(config.audiences) ?? []), ...(exchange?.trusted ?? []), ...(options.extraIssuers ?? [])], () => clock.now(), {
    maxLifetimeSeconds: config.tokenMaxLifetimeSeconds,
    audiences: [config.audiences.staff, config.audiences.citizen],
  });
  const events = new PlanEventHub(options.database, {
    logger,
    now: () => clock.now(),
    ...(options.eventHeartbeatMs !== undefined ? { heartbeatMs: options.eventHeartbeatMs } : {}),
  });
  await events.start();
  const publishing = clients();
  // A delivery that finds the individual's record unknown there looks it up with the reading clients.
  const lookUps = new SyncService(options.database.db, upstreams, config.fhirSystems, () => clock.now());
  const outbox = new OutboxWorker(options.database, createPublisher(options.database.db, publishing, config.fhirSystems, () => clock.now(), { lookUpAgain: (planId, side) => lookUps.lookUpAgain(planId, side) }), logger, () => clock.now(), {
    baseDelayMs: 1,
    maxDelayMs: 1,
    probe: async (name) => (await publishing[name]?.check())?.ok ?? false,
  });
  const app = createApp({
    config,
    database: options.database,
    upstreams,
    clock,
    logger,
    tokens,
    events,
    outbox,
    ...(demo ? { demo } : {}),
    ...(exchange ? { tokenExchange: exchange.exchange } : {}),
    ...(options.accessLogCheckpoints ? { accessLogCheckpoints: options.accessLogCheckpoints } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    publishing,
  });

  return {
    outbox,
    app,
    config,
    demo,
    events,
    logs,
    upstreams,
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
