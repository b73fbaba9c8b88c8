import type { CheckpointStore } from '../access-log/checkpoints.ts';
import type { Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import type { TokenVerifier } from '../auth/tokens.ts';
import type { TokenExchange } from '../auth/token-exchange.ts';
import type { Principal } from '../auth/principal.ts';
import type { DemoIssuer } from '../demo/issuer.ts';
import type { Upstreams } from '../upstreams/upstream.ts';
import type { Logger } from '../logger.ts';
import type { PlanEventHub } from '../plans/events.ts';
import type { ServiceMetrics } from '../health/metrics.ts';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Everything the app is built from; tests pass their own. */
export interface AppDeps {
  config: Config;
  database: Database;
  upstreams: Upstreams;
  clock: Clock;
  logger: Logger;
  tokens: TokenVerifier;
  /** The process's listener for plan changes: feeds the live event streams. */
  events: PlanEventHub;
  /** Present in demo mode only. */
  demo?: DemoIssuer;
  /** The token exchange of SMART launches: present in demo mode and when `SMART_ISSUERS` is set. */
  tokenExchange?: TokenExchange;
  /** Demo mode: the region's health record (a FHIR peer) that launches the broker's SMART app. */
  demoEhr?: { iss: string; clientId: string; createLaunch(context: { practitioner: string; patient?: string }): string };
  /** The outbox worker, for its delivery counts in the metrics; absent where none runs. */
  outbox?: { readonly totals: ReadonlyMap<string, number> };
  /** Where checkpoints of the access log are kept, outside its database: the verification compares with them. */
  accessLogCheckpoints?: CheckpointStore;
  /** The service's metrics; absent: the app keeps its own. */
  metrics?: ServiceMetrics;
  /** The publishing clients by upstream (their circuit breakers are in the metrics). */
  publishing?: Upstreams;
}

export interface AppEnv {
  Variables: {
    deps: AppDeps;
    /** The service's own id of this request (generated, never the client's). */
    requestId: string;
    /** The client's `X-Request-Id`, when it is a short token of safe characters: logged beside ours. */
    clientRequestId?: string;
    /** When the bearer token of this request expires (set with `principal`). */
    tokenExpiresAt?: Date;
    principal: Principal;
  };
}
