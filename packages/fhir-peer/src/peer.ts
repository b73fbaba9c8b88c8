import type { WithId } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { loadDefinitions } from './definitions.ts';
import type { FaultMode } from './faults.ts';
import { delay, FAULT_MODES, faultResponse, jsonResponse } from './faults.ts';
import { parseRequest, renderResponse } from './http.ts';
import { Listener } from './listener.ts';
import { describeError, errorOutcome } from './outcomes.ts';
import { SerialQueue } from './queue.ts';
import type { PeerState } from './repository.ts';
import { PeerRepository } from './repository.ts';
import { RestApi } from './rest.ts';
import type { Strictness, StrictnessCounters, StrictnessOptions } from './strictness.ts';
import { StrictnessControl } from './strictness.ts';
import { grantPermits, SMART_PATHS, SmartAuthorisationServer, type SmartOptions, type SmartServer } from './smart.ts';

/**
 * Options for {@link createFhirPeer}. The strict behaviours of a real server ({@link StrictnessOptions}:
 * `transactions`, `maxTransactionEntries`, `serializationFailures`, `rateLimit`) are off by default
 * and can be changed later with {@link FhirPeer.setStrictness}.
 */
export interface FhirPeerOptions extends StrictnessOptions {
  /** A label for this peer, shown in its CapabilityStatement. Default `fhir-peer`. */
  name?: string;
  /** The path the FHIR base URL has on the host, e.g. `/fhir`. Default `''`: the base URL is `http://host:port`. */
  basePath?: string;
  /** A delay added to every request, in milliseconds. Default 0. */
  latencyMs?: number;
  /** How long the `slow` fault waits before handling a request, in milliseconds. Default 5000. */
  slowMs?: number;
  /** The page size of searches and histories without `_count`. Default 20; `_count` is capped at 1000. */
  defaultPageSize?: number;
  /**
   * When given, every request must carry an `Authorization` header this function accepts
   * (as a server behind SMART Backend Services would); others get 401 with an OperationOutcome.
   * `/metadata` stays open, as FHIR servers keep it.
   */
  authorize?: (authorization: string | null) => boolean;
  /**
   * When given, the peer is also a SMART App Launch authorisation server, as a health record is:
   * `[base]/.well-known/smart-configuration`, `[base]/auth/authorize`, `[base]/auth/token` and
   * `[base]/auth/jwks`, with EHR launches made by `[base]/auth/launch` or
   * {@link SmartServer.createLaunch}. Every answer then carries CORS headers (apps call it from
   * the browser). A request with a bearer token must carry a live token the peer issued (or one
   * `authorize` accepts); one without is answered only when `authorize` is not set.
   */
  smart?: SmartOptions;
}

/** Where {@link FhirPeer.listen} binds. */
export interface ListenOptions {
  /** Default 0: a free port chosen by the system. */
  port?: number;
  /** Default `127.0.0.1`. */
  host?: string;
}

/** A running HTTP server of a peer. */
export interface PeerServer {
  /** The FHIR base URL, e.g. `http://127.0.0.1:43123` (plus the peer's base path). */
  readonly baseUrl: string;
  readonly port: number;
  /** Stops this server for good (unlike the `down` fault, which keeps the port for recovery). */
  close(): Promise<void>;
}

/**
 * An in-memory HL7 FHIR R4 server: the peer the broker's tests talk to, and the demo upstreams.
 * `index.ts` describes what it supports.
 */
export interface FhirPeer {
  /** The label given in the options. */
  readonly name: string;
  /** The SMART authorisation server, when the `smart` option was given. */
  readonly smart: SmartServer | undefined;
  /** The resource store behind the REST API, for direct inspection in tests. */
  readonly repo: PeerRepository;
  /** How many HTTP requests the peer has received, whether answered, faulted or failed. */
  readonly requestCount: number;
  /** The active fault. */
  readonly fault: FaultMode;
  /** The delay currently added to every request, in milliseconds. */
  readonly latencyMs: number;
  /** The strict behaviours in force (a copy); `next` counts show how many remain. */
  readonly strictness: Strictness;
  /** What the strict behaviours have refused or failed since the peer was created (a copy). */
  readonly strictnessCounters: StrictnessCounters;
  /**
   * Handles one HTTP request (a WHATWG fetch handler), so the peer can be mounted in another
   * server. The request URL must include the peer's base path; links and `Location` headers are
   * built from the request's origin and the base path. Never rejects.
   */
  fetch(request: Request): Promise<Response>;
  /** Starts an HTTP server for the peer. */
  listen(options?: ListenOptions): Promise<PeerServer>;
  /**
   * Switches the simulated fault. Switching to `down` closes every server's port and open
   * connections; switching away from `down` listens again on the same ports. The promise resolves
   * when the servers are in the new state, and rejects if a port can no longer be bound.
   */
  setFault(mode: FaultMode): Promise<void>;
  /** Sets the delay added to every request, in milliseconds. */
  setLatency(ms: number): void;
  /**
   * Changes the strict behaviours named in `changes`, leaving the others as they are; a key set to
   * `undefined` switches its behaviour off (`transactions: undefined` is `atomic`). Setting
   * `serializationFailures` restarts its `every` count. Takes effect for the next request.
   * @throws TypeError for an unknown transaction mode or a count that is not a non-negative
   * integer (`every` and `maxTransactionEntries` at least 1); nothing is changed then.
   */
  setStrictness(changes: StrictnessOptions): void;
  /**
   * Makes the next `count` writes (create, update, patch or delete, alone or as Bundle entries)
   * fail with a serialization failure: 409 and an OperationOutcome (code `conflict`, details coding
   * `40001`, text and diagnostics "could not serialize access due to read/write dependencies among
   * transactions"), as Medplum answers Postgres' SQLSTATE 40001. An `every` setting is kept.
   * In an atomic transaction the failing entry fails the whole transaction with 409.
   */
  failNextWrites(count: number): void;
  /**
   * Answers the next `count` requests with 429, a `Retry-After: retryAfterSeconds` header and an
   * OperationOutcome (code `throttled`); requests after them are handled normally.
   */
  throttleNext(count: number, retryAfterSeconds?: number): void;
  /**
   * Stores resources directly, all or nothing, with the same validation as the REST API.
   * A resource with an `id` keeps it (a new version if it already exists); one without gets a new id.
   * @returns The stored resources, with ids and `meta`.
   */
  seed(resources: Resource[]): Promise<WithId<Resource>[]>;
  /** A JSON snapshot of every resource and its history, for persistence. */
  exportState(): PeerState;
  /**
   * Replaces every resource and its history with a snapshot from {@link exportState}, keeping
   * ids and version ids. Does not call change listeners. Call it while no request is in flight.
   * @throws TypeError when the snapshot is malformed (the current state is then unchanged).
   */
  importState(state: PeerState): void;
  /**
   * Calls `listener` after each request or seed that changed the stored data (not after a
   * rolled-back transaction or a conditional create that matched). Exceptions thrown by the
   * listener are ignored so that they cannot turn a completed write into a failed request.
   * @returns A function that removes the listener.
   */
  onChange(listener: () => void): () => void;
  /** Stops every server started by {@link listen}. */
  close(): Promise<void>;
}

/** Creates a FHIR peer. The first call in a process indexes the R4 definitions (under a second). */
export function createFhirPeer(options: FhirPeerOptions = {}): FhirPeer {
  loadDefinitions();
  return new Peer(options);
}

class Peer implements FhirPeer {
  readonly name: string;
  readonly repo = new PeerRepository();
  private readonly api: RestApi;
  private readonly basePath: string;
  private readonly slowMs: number;
  private readonly queue = new SerialQueue();
  private readonly listeners = new Set<Listener>();
  private readonly changeListeners = new Set<() => void>();
  private currentFault: FaultMode = 'none';
  private latency: number;
  private requests = 0;
  private readonly authorize: FhirPeerOptions['authorize'];
  private readonly strict: StrictnessControl;
  private readonly smartServer: SmartAuthorisationServer | undefined;

  constructor(options: FhirPeerOptions) {
    const { transactions, maxTransactionEntries, serializationFailures, rateLimit } = options;
    this.strict = new StrictnessControl({ transactions, maxTransactionEntries, serializationFailures, rateLimit });
    this.authorize = options.authorize;
    this.smartServer = options.smart ? new SmartAuthorisationServer(options.smart) : undefined;
    this.name = options.name ?? 'fhir-peer';
    this.basePath = (options.basePath ?? '').replace(/\/+$/, '');
    if (this.basePath && !this.basePath.startsWith('/')) {
      throw new TypeError(`basePath must start with "/": ${options.basePath}`);
    }
    this.latency = options.latencyMs ?? 0;
    this.slowMs = options.slowMs ?? 5000;
    this.api = new RestApi(
      this.repo,
      { name: this.name, defaultPageSize: options.defaultPageSize ?? 20, startedAt: new Date().toISOString(), smart: Boolean(options.smart) },
      this.strict
    );
  }

  get smart(): SmartServer | undefined {
    return this.smartServer;
  }

  get requestCount(): number {
    return this.requests;
  }

  get fault(): FaultMode {
    return this.currentFault;
  }

  get latencyMs(): number {
    return this.latency;
  }

  get strictness(): Strictness {
    return this.strict.settings;
  }

  get strictnessCounters(): StrictnessCounters {
    return this.strict.counters;
  }

  readonly fetch = async (request: Request): Promise<Response> => {
    if (!this.smartServer) return this.handle(request);
    // An app in the browser calls the SMART endpoints and the FHIR API from its own origin.
    const cors = {
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'ETag, Location, Content-Location',
    };
    if (request.method === 'OPTIONS' && request.headers.get('access-control-request-method')) {
      this.requests++;
      return new Response(null, {
        status: 204,
        headers: {
          ...cors,
          'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
          'access-control-allow-headers': 'Authorization, Content-Type, Accept, If-Match, If-None-Match, If-None-Exist, Prefer',
          'access-control-max-age': '600',
        },
      });
    }
    const response = await this.handle(request);
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(cors)) headers.set(name, value);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };

  private async handle(request: Request): Promise<Response> {
    this.requests++;
    try {
      await delay(this.latency, request.signal);
      const faulted = faultResponse(this.currentFault);
      if (faulted) {
        return faulted;
      }
      if (this.currentFault === 'slow') {
        await delay(this.slowMs, request.signal);
      }
      const retryAfter = this.strict.takeThrottle();
      if (retryAfter !== undefined) {
        const outcome = StrictnessControl.throttledOutcome(retryAfter);
        return jsonResponse(429, outcome, { 'retry-after': String(retryAfter) });
      }
      if (this.smartServer) {
        const url = new URL(request.url);
        const path = url.pathname.startsWith(`${this.basePath}/`) ? url.pathname.slice(this.basePath.length + 1) : undefined;
        if (path !== undefined && SMART_PATHS.includes(path)) {
          const answer = await this.smartServer.handle(request, path, url.origin + this.basePath);
          if (answer) return answer;
        }
      }
      const parsed = await parseRequest(request, this.basePath);
      if (!/\/metadata$/.test(new URL(request.url).pathname) && !this.admits(request.headers.get('authorization'))) {
        return jsonResponse(401, errorOutcome('login', 'A valid bearer token is required'));
      }
      // A SMART access token reaches what its scopes grant, and no more.
      const authorization = request.headers.get('authorization');
      const grant = this.smartServer?.grantOf(authorization);
      const metadata = /\/metadata$/.test(new URL(request.url).pathname);
      if (grant && !metadata && !this.authorize?.(authorization) && !grantPermits(grant, parsed.interaction.method, parsed.interaction.path)) {
        return jsonResponse(403, errorOutcome('forbidden', 'The access token’s scopes do not grant this request'));
      }
      const result = await this.exclusive(() => this.api.execute(parsed.interaction, { baseUrl: parsed.baseUrl }));
      return renderResponse(result, parsed);
    } catch (error) {
      const { status, outcome } = describeError(error);
      return jsonResponse(status, outcome);
    }
  }

  /** Whether a request with this `Authorization` header may use the FHIR API. */
  private admits(authorization: string | null): boolean {
    if (this.authorize?.(authorization)) return true;
    if (this.smartServer?.grantOf(authorization)) return true;
    if (this.authorize) return false;
    // An open peer: without SMART anything goes; with it, a token that is presented must be valid.
    return !this.smartServer || !authorization;
  }

  async listen(options: ListenOptions = {}): Promise<PeerServer> {
    const listener = new Listener(this.fetch, options.host ?? '127.0.0.1', options.port ?? 0);
    await listener.start();
    this.listeners.add(listener);
    if (this.currentFault === 'down') {
      await listener.stop();
    }
    const host = listener.host.includes(':') ? `[${listener.host}]` : listener.host;
    return {
      baseUrl: `http://${host}:${listener.port}${this.basePath}`,
      port: listener.port,
      close: async () => {
        this.listeners.delete(listener);
        await listener.stop();
      },
    };
  }

  async setFault(mode: FaultMode): Promise<void> {
    if (!FAULT_MODES.includes(mode)) {
      throw new TypeError(`Unknown fault mode: ${String(mode)}`);
    }
    this.currentFault = mode;
    const listeners = [...this.listeners];
    await Promise.all(listeners.map((listener) => (mode === 'down' ? listener.stop() : listener.start())));
  }

  setLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new TypeError(`Latency must be a non-negative number of milliseconds: ${ms}`);
    }
    this.latency = ms;
  }

  setStrictness(changes: StrictnessOptions): void {
    this.strict.set(changes);
  }

  failNextWrites(count: number): void {
    this.strict.failNextWrites(count);
  }

  throttleNext(count: number, retryAfterSeconds = 1): void {
    this.strict.throttleNext(count, retryAfterSeconds);
  }

  seed(resources: Resource[]): Promise<WithId<Resource>[]> {
    return this.exclusive(() =>
      this.repo.withTransaction(async () => {
        const stored: WithId<Resource>[] = [];
        for (const resource of resources) {
          stored.push(
            resource.id
              ? await this.repo.updateResource(resource)
              : await this.repo.createResource(resource)
          );
        }
        return stored;
      })
    );
  }

  exportState(): PeerState {
    return this.repo.exportState();
  }

  importState(state: PeerState): void {
    this.repo.importState(state);
  }

  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => {
      this.changeListeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    const listeners = [...this.listeners];
    this.listeners.clear();
    await Promise.all(listeners.map((listener) => listener.stop()));
  }

  /** Runs `task` alone (every request and seed is serialised) and reports any change it made. */
  private async exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      const before = this.repo.revision;
      const result = await task();
      if (this.repo.revision !== before) {
        for (const listener of this.changeListeners) {
          try {
            listener();
          } catch {
            // A failing listener must not fail the request whose write already happened.
          }
        }
      }
      return result;
    });
  }
}
