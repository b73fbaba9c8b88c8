import { loadConfigOrExit } from './config/config.ts';
import { createLogger } from './logger.ts';
import { StartRefused, startServer } from './server.ts';

const config = loadConfigOrExit();

const logger = createLogger(config.logLevel);
const server = await startServer(config, logger).catch((error: unknown) => {
  if (!(error instanceof StartRefused)) throw error;
  process.stderr.write(`Refusing to start: ${error.message}\n`);
  process.exit(78);
});
const publicUrl = config.publicUrl;
logger.info({ url: server.url, database: server.database.kind, demoMode: config.demoMode }, 'listening');
if (config.demoMode) {
  logger.warn('DEMO MODE: /dev/token mints staff and citizen tokens for anyone; never run it with real data (DEMO_MODE=off)');
}
process.stdout.write(
  [
    '',
    `SIP broker is running on ${server.url}`,
    ...(config.demoMode ? ['', '  *** DEMO MODE: anyone can mint tokens at /dev/token; synthetic data only, never real data ***', ''] : []),
    `  API:        ${publicUrl}/api`,
    `  API docs:   ${publicUrl}/docs/`,
    `  OpenAPI:    ${publicUrl}/openapi.json`,
    `  Health:     ${publicUrl}/health   Ready: ${publicUrl}/ready`,
    ...(config.demoMode
      ? [
          `  Demo:       ${publicUrl}/dev/personas  (mint a token: POST ${publicUrl}/dev/token {"persona":"region-coordinator"})`,
          `  Citizens:   ${publicUrl}/demo  (a portal page: pick a demo relative for the relatives' widget, or the person a plan is about for their own view)`,
          `  Staff:      ${publicUrl}/demo/staff  (the region's and the municipality's coordinators co-editing one plan, each in their own system)`,
          ...server.demoUpstreams.map((u) => `  Demo ${u.name} FHIR upstream: ${u.baseUrl}`),
        ]
      : []),
    `  Database:   ${server.database.kind === 'pglite' ? `embedded (PGlite) under ${config.dataDir}` : 'Postgres server (DATABASE_URL)'}`,
    '',
  ].join('\n'),
);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
