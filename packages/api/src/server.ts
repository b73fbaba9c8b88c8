import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from './app.ts';
import { createTokenVerifier, remoteIssuer, type TrustedIssuer } from './auth/tokens.ts';
import type { Config, UpstreamConfig } from './config/config.ts';
import { kickAccessLogChainer } from './access-log/access-log.ts';
import { CheckpointWriter, openCheckpointStore } from './access-log/checkpoints.ts';
import { openDatabase, type Database } from './db/database.ts';
import { accessLogGuard } from './db/service-role.ts';
import { createDemoIssuer, type DemoIssuer } from './demo/issuer.ts';
import { seedDemoPlans } from './demo/seed-plans.ts';
import { DEMO_SMART_CLIENT_ID, demoSmartRedirectUris, startDemoUpstream, type DemoUpstream } from './demo/upstreams.ts';
import { tokenExchangeFor } from './auth/token-exchange.ts';
import { organisations as demoOrganisations } from './demo/world.ts';
import { systemClock, type Clock } from './http/context.ts';
import type { Logger } from './logger.ts';
import { startingOrganisations, upsertOrganisations } from './organisations/organisations.ts';
import { PlanEventHub } from './plans/events.ts';
import { createPublisher } from './publish/publisher.ts';
import { SyncService } from './assembly/sync.service.ts';
import { OutboxWorker } from './publish/outbox.worker.ts';
import { ReviewDueWatcher } from './relatives/review-due.ts';
import { ServiceMetrics } from './health/metrics.ts';
import { createUpstream, type Upstreams } from './upstreams/upstream.ts';

export interface RunningServer {
  url: string;
  database: Database;
  events: PlanEventHub;
  demoUpstreams: DemoUpstream[];
  /**
   * Graceful, within SHUTDOWN_TIMEOUT_MS in all: end live event streams, stop accepting, let
   * in-flight requests finish, then stop the workers and close upstreams and database.
   */
  close(): Promise<void>;
}

/** Opens the database named by the config: a server, or the embedded one under the data folder. */
export async function openConfiguredDatabase(config: Config): Promise<Database> {
  const database = config.databaseUrl
    ? await openDatabase({
        kind: 'postgres',
        url: config.databaseUrl,
        max: config.databasePoolMax,
        ...(config.databaseMigrationUrl ? { migrationUrl: config.databaseMigrationUrl } : {}),
      })
    : await openDatabase({ kind: 'pglite', dataDir: join(resolve(config.dataDir), 'pg') });
  await database.migrate();
  if (database.kind === 'pglite') await database.assumeServiceRole();
  return database;
}

export class StartRefused extends Error {
  override name = 'StartRefused';
}

/**
 * The service's role may only insert into and read the access log, or the log is no evidence:
 * in production a role that may change it (the owner, a superuser) is refused; elsewhere it
 * is a warning. A role that may not record accesses at all is refused everywhere.
 */
async function checkAccessLogGuard(database: Database, config: Config, logger: Logger): Promise<void> {
  const guard = await accessLogGuard(database.db);
  if (!guard.canRecord) throw new StartRefused(`the access log cannot be written: ${guard.because}`);
  if (guard.appendOnly) {
    logger.info({ role: guard.role }, 'access log: the service may only insert into and read it');
    return;
  }
  const how = 'run migrations as the owner with DATABASE_MIGRATION_URL, and set DATABASE_URL to a login role granted sip_service';
  if (config.env === 'production') throw new StartRefused(`the access log is no evidence: ${guard.because}; ${how}`);
  logger.warn({ role: guard.role }, `the access log is not guarded from the service itself (${guard.because}); in production: ${how}`);
}

/** Assembles and starts the whole service from its configuration. */
export async function startServer(config: Config, logger: Logger, clock: Clock = systemClock): Promise<RunningServer> {
  const database = await openConfiguredDatabase(config);
  try {
    await checkAccessLogGuard(database, config, logger);
  } catch (error) {
    await database.close();
    throw error;
  }
  const checkpoints = config.accessLogCheckpoints ? await openCheckpointStore(config.accessLogCheckpoints) : undefined;
  if (checkpoints) logger.info({ store: checkpoints.where, signed: Boolean(config.accessLogCheckpoints?.key) }, 'access log checkpoints kept outside the database');
  else logger.warn('no access log checkpoints are kept (ACCESS_LOG_CHECKPOINTS): deleting or rewriting the newest entries could not be detected');
  const known = startingOrganisations(config);
  await upsertOrganisations(database.db, known, clock.now());
  if (!known.some((o) => o.kind === 'region') || !known.some((o) => o.kind === 'municipality')) {
    logger.warn('no region or no municipality is configured in ORGANISATIONS: no plan can be created');
  }
  // Every configured upstream, and in demo mode those the demo world's organisations name.
  const upstreamConfigs: Record<string, UpstreamConfig> = { ...config.upstreams };
  for (const organisation of known) {
    upstreamConfigs[organisation.upstream] ??= { name: organisation.upstream, baseUrl: undefined, auth: { kind: 'none' } };
  }
  const demoUpstreams: DemoUpstream[] = [];
  const upstreamEntries = await Promise.all(
    Object.values(upstreamConfigs).map(async (upstreamConfig) => {
      const { name } = upstreamConfig;
      let baseUrl = upstreamConfig.baseUrl;
      if (!baseUrl) {
        // Only demo mode gets here: without it, configuration requires every base URL.
        // The region's health record also launches the broker's SMART app.
        const smart = name === 'region' ? { clients: [{ clientId: DEMO_SMART_CLIENT_ID, redirectUris: demoSmartRedirectUris(config.publicUrl, config.port) }] } : undefined;
        const demoUpstream = await startDemoUpstream(name, join(resolve(config.dataDir), 'demo-upstreams'), smart);
        demoUpstreams.push(demoUpstream);
        baseUrl = demoUpstream.baseUrl;
      }
      // Reading (sync) and publishing each have their own circuit breaker: a side refusing
      // what is published does not stop plans from being read from it, nor the reverse.
      return [
        name,
        createUpstream({ ...upstreamConfig, baseUrl }, config.upstreamTimeoutMs),
        createUpstream({ ...upstreamConfig, baseUrl }, config.upstreamTimeoutMs),
      ] as const;
    }),
  );
  const upstreams = Object.fromEntries(upstreamEntries.map(([name, read]) => [name, read])) as Upstreams;
  const publishing = Object.fromEntries(upstreamEntries.map(([name, , write]) => [name, write])) as Upstreams;

  let demo: DemoIssuer | undefined;
  const trusted: TrustedIssuer[] = config.issuers.map((i) => remoteIssuer(i.kind, i.issuer, i.audience, i.jwksUrl));
  if (config.demoMode) {
    demo = await createDemoIssuer(database.db, `${config.publicUrl}/dev`, () => clock.now());
    trusted.push(...demo.trusted(config.audiences));
    const seeded = await seedDemoPlans(database.db, upstreams, config.fhirSystems, () => clock.now());
    if (seeded) logger.info({ plans: seeded }, 'demo plans created');
  }
  const demoRegion = demoUpstreams.find((u) => u.name === 'region' && u.peer.smart);
  const demoSmart = demoRegion?.peer.smart;
  const demoEhr =
    demoRegion && demoSmart
      ? { iss: demoRegion.baseUrl, clientId: DEMO_SMART_CLIENT_ID, createLaunch: demoSmart.createLaunch.bind(demoSmart) }
      : undefined;
  const smartIssuers = [
    ...config.smartIssuers,
    ...(demoEhr ? [{ iss: demoEhr.iss, clientId: demoEhr.clientId, organisationId: demoOrganisations.region.id, role: 'coordinator' as const }] : []),
  ];
  const exchange = await tokenExchangeFor(config, smartIssuers, demo, database.db, () => clock.now());
  if (exchange) trusted.push(...exchange.trusted);
  const tokens = createTokenVerifier(trusted, () => clock.now(), {
    maxLifetimeSeconds: config.tokenMaxLifetimeSeconds,
    audiences: [config.audiences.staff, config.audiences.citizen],
  });

  const events = new PlanEventHub(database, { logger, now: () => clock.now() });
  await events.start();
  // A delivery that finds the individual's record unknown there looks it up with the reading clients.
  const lookUps = new SyncService(database.db, upstreams, config.fhirSystems, () => clock.now());
  const outbox = new OutboxWorker(database, createPublisher(database.db, publishing, config.fhirSystems, () => clock.now(), { lookUpAgain: (planId, side) => lookUps.lookUpAgain(planId, side) }), logger, () => clock.now(), {
    probe: async (name) => (await publishing[name]?.check())?.ok ?? false,
  });
  await outbox.start();
  const metrics = new ServiceMetrics();
  const reviewDue = new ReviewDueWatcher(database, logger, () => clock.now(), { onRun: (outcome) => metrics.reviewWatcherRun(outcome) });
  reviewDue.start();
  // Requests kick the access log's chainer as they answer; this links what background work
  // (the review watcher, say) wrote, within a second.
  const chainFailed = (error: unknown) => logger.error({ event: 'access-log.chain-failed', error: (error as Error).name }, 'access log entries not linked yet');
  const chainTimer = setInterval(() => void kickAccessLogChainer(database.db, chainFailed), 1000);
  chainTimer.unref();
  const checkpointWriter = checkpoints
    ? new CheckpointWriter(database.db, checkpoints, logger, config.accessLogCheckpointIntervalMs, () => clock.now())
    : undefined;
  await checkpointWriter?.start();
  const app = createApp({
    config,
    database,
    upstreams,
    clock,
    logger,
    tokens,
    events,
    outbox,
    metrics,
    publishing,
    ...(demo ? { demo } : {}),
    ...(exchange ? { tokenExchange: exchange.exchange } : {}),
    ...(demoEhr ? { demoEhr } : {}),
    ...(checkpoints ? { accessLogCheckpoints: checkpoints } : {}),
  });
  const server: ServerType = await new Promise((resolveServer) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolveServer(s));
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    database,
    events,
    demoUpstreams,
    close() {
      closing ??= (async () => {
        // One deadline for the whole sequence: an orchestrator's grace period of
        // SHUTDOWN_TIMEOUT_MS (plus the moment the process takes to exit) is enough.
        const timeoutMs = config.shutdownTimeoutMs;
        const deadline = performance.now() + timeoutMs;
        const left = () => Math.max(0, deadline - performance.now());
        // What comes after the last request (the workers, the last checkpoint, the database)
        // gets the end of the budget: requests still running are cut off before it.
        const reserveMs = Math.min(2000, timeoutMs / 4);
        const sequence = (async () => {
          // Open event streams never finish on their own: end them first, so the close below
          // waits only for ordinary requests.
          await events.close();
          await new Promise<void>((done) => {
            const force = setTimeout(() => {
              logger.warn({ timeoutMs }, 'shutdown timeout: closing remaining connections');
              if ('closeAllConnections' in server) server.closeAllConnections();
            }, Math.max(0, left() - reserveMs));
            force.unref();
            // A keep-alive connection whose request just finished would hold the close open:
            // sweep idle connections until the last in-flight request is done.
            const sweep = setInterval(() => {
              if ('closeIdleConnections' in server) server.closeIdleConnections();
            }, 50);
            server.close(() => {
              clearTimeout(force);
              clearInterval(sweep);
              done();
            });
            if ('closeIdleConnections' in server) server.closeIdleConnections();
          });
          // A delivery cut short here is redelivered at the next start; identifiers make that harmless.
          await reviewDue.stop();
          await outbox.stop(Math.min(1000, left() / 3));
          clearInterval(chainTimer);
          // What the last requests and workers wrote is linked before the last checkpoint.
          await kickAccessLogChainer(database.db, chainFailed);
          await checkpointWriter?.stop();
          await Promise.all(demoUpstreams.map((u) => u.close()));
          await database.close(left());
        })();
        let timer: NodeJS.Timeout | undefined;
        const inTime = await Promise.race([
          sequence.then(() => true),
          new Promise<false>((resolve) => {
            timer = setTimeout(() => resolve(false), left());
          }),
        ]).finally(() => clearTimeout(timer));
        if (!inTime) {
          sequence.catch(() => {});
          logger.warn({ timeoutMs }, 'shutdown timeout: stopping before the workers and the database closed (a delivery cut short is redelivered at the next start)');
        }
      })();
      return closing;
    },
  };
}
