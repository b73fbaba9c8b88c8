/**
 * Imported first, before any schema is made: zod's parsers run without `new Function`, which a
 * host's strict CSP (no 'unsafe-eval', Trusted Types required) forbids and would report. zod
 * decides when a schema is created, so this must come before the schemas of `@sip/shared`.
 */
import { config } from 'zod';

config({ jitless: true });
