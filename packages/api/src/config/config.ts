import { hsaIdSchema, knownOrganisationSchema, sipSystems, upstreamNameSchema, type KnownOrganisation, type SipSystems } from '@sip/shared';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { CheckpointSettings } from '../access-log/checkpoints.ts';
import { organisations as demoOrganisations } from '../demo/world.ts';

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { message: 'must be on or off (true or false)' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes' || v === 'on');

/** Whether a URL points at this machine (loopback): a local peer or a development address, nothing real. */
export function isLoopback(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

const httpUrl = z
  .url({ message: 'must be an absolute http(s) URL' })
  .refine((v) => /^https?:\/\//.test(v), 'must be an absolute http(s) URL')
  .transform((v) => v.replace(/\/+$/, ''));

/** A base that names are appended to: an http(s) URL without query or fragment. */
const baseUrl = httpUrl.refine((v) => !/[?#]/.test(v), 'must be an http(s) URL without query or fragment');

/** Comma-separated bases; empty: none. */
const baseUrlList = z.string().transform((value, ctx) => {
  const bases: string[] = [];
  for (const raw of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const parsed = baseUrl.safeParse(raw);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: `${raw}: must be an http(s) URL without query or fragment` });
      return z.NEVER;
    }
    bases.push(parsed.data);
  }
  return bases;
});

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/.+/.test(v), 'must be a postgres:// or postgresql:// URL');

const originList = z.string().transform((value, ctx) => {
  const origins: string[] = [];
  for (const raw of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (raw === '*') {
      ctx.addIssue({ code: 'custom', message: "'*' is not allowed: list each embedding origin" });
      return z.NEVER;
    }
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      ctx.addIssue({ code: 'custom', message: `'${raw}' is not an origin (scheme://host[:port])` });
      return z.NEVER;
    }
    if (url.origin !== raw.replace(/\/$/, '') || !/^https?:$/.test(url.protocol)) {
      ctx.addIssue({ code: 'custom', message: `'${raw}' is not an origin (scheme://host[:port], no path)` });
      return z.NEVER;
    }
    origins.push(url.origin);
  }
  return origins;
});

/**
 * The most entries one transaction Bundle may carry to an upstream. Servers that run
 * transactions with strict isolation refuse larger ones (Medplum: more than 4 with a
 * conditional create), so the default is small.
 */
const transactionEntries = z.coerce.number({ message: 'must be a whole number' }).int().min(1).max(100).default(4);

const upstreamAuth = z.enum(['none', 'bearer', 'smart-backend']);

/** The upstreams every deployment has; `UPSTREAMS` names the others. */
export const BUILT_IN_UPSTREAMS = ['region', 'municipality'] as const;

/** `UPSTREAMS`: the names of upstreams besides `region` and `municipality`, comma-separated (e.g. one per municipality). */
const upstreamNameList = z.string().transform((value, ctx) => {
  const names = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    const parsed = upstreamNameSchema.safeParse(name);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: `'${name}' ${parsed.error.issues[0]?.message ?? 'is not a name'}` });
      return z.NEVER;
    }
    if ((BUILT_IN_UPSTREAMS as readonly string[]).includes(name)) {
      ctx.addIssue({ code: 'custom', message: `'${name}' always exists: configure it with ${envPrefix(name)}_FHIR_…` });
      return z.NEVER;
    }
  }
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) {
    ctx.addIssue({ code: 'custom', message: `lists ${twice} twice` });
    return z.NEVER;
  }
  return names;
});

/** The prefix of an upstream's variables: `region` → `REGION`, `norrtalje-kommun` → `NORRTALJE_KOMMUN`. */
export const envPrefix = (name: string) => name.toUpperCase().replaceAll('-', '_');

/** One upstream's variables, `<PREFIX>_FHIR_…`, as the schema below reads them. */
function upstreamVariables(prefix: string) {
  return z.object({
    [`${prefix}_FHIR_BASE_URL`]: httpUrl.optional(),
    [`${prefix}_FHIR_AUTH`]: upstreamAuth.default('none'),
    [`${prefix}_FHIR_TOKEN`]: z.string().min(1).optional(),
    [`${prefix}_FHIR_TOKEN_URL`]: httpUrl.optional(),
    [`${prefix}_FHIR_CLIENT_ID`]: z.string().min(1).optional(),
    [`${prefix}_FHIR_PRIVATE_KEY`]: jwkJson.optional(),
    [`${prefix}_FHIR_SCOPE`]: z.string().min(1).default('system/*.rs system/*.cu'),
    [`${prefix}_FHIR_MAX_TRANSACTION_ENTRIES`]: transactionEntries,
  });
}

/** `ORGANISATIONS`: a JSON array of the known organisations, each `{ id, name, kind, upstream? }`. */
const organisationList = z.string().transform((value, ctx) => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON array of { id, name, kind, upstream? }' });
    return z.NEVER;
  }
  const list = z.array(knownOrganisationSchema).max(1000).safeParse(parsed);
  if (!list.success) {
    const issue = list.error.issues[0];
    ctx.addIssue({ code: 'custom', message: `${issue?.path.length ? `[${issue.path.join('.')}] ` : ''}${issue?.message ?? 'invalid'}` });
    return z.NEVER;
  }
  const ids = list.data.map((o) => o.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) {
    ctx.addIssue({ code: 'custom', message: `lists ${twice} twice` });
    return z.NEVER;
  }
  return list.data.map((o) => ({ id: o.id, name: o.name, kind: o.kind, upstream: o.upstream ?? o.kind }));
});

const jwkJson = z.string().transform((value, ctx) => {
  try {
    const jwk = JSON.parse(value) as Record<string, unknown>;
    if (typeof jwk !== 'object' || jwk === null || typeof jwk.kty !== 'string' || typeof jwk.d !== 'string') throw new Error();
    if (jwk.alg !== 'RS384' && jwk.alg !== 'ES384') {
      ctx.addIssue({ code: 'custom', message: 'the key must carry alg RS384 or ES384' });
      return z.NEVER;
    }
    return jwk as { kty: string; alg: 'RS384' | 'ES384'; kid?: string };
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a private key as a JSON Web Key (JSON with kty, d and alg)' });
    return z.NEVER;
  }
});

/** One health record whose SMART launches the broker accepts: its FHIR base, our app's client id there, and what its users act as. */
const smartIssuerSchema = z.strictObject({
  iss: baseUrl,
  clientId: z.string().min(1).max(200),
  organisationId: hsaIdSchema,
  role: z.enum(['staff', 'coordinator']),
});

/** `SMART_ISSUERS`: a JSON array of `{ iss, clientId, organisationId, role }`. */
const smartIssuerList = z.string().transform((value, ctx) => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be a JSON array of { iss, clientId, organisationId, role }' });
    return z.NEVER;
  }
  const list = z.array(smartIssuerSchema).max(100).safeParse(parsed);
  if (!list.success) {
    const issue = list.error.issues[0];
    ctx.addIssue({ code: 'custom', message: `${issue?.path.length ? `[${issue.path.join('.')}] ` : ''}${issue?.message ?? 'invalid'}` });
    return z.NEVER;
  }
  const twice = list.data.map((i) => i.iss).find((iss, i, all) => all.indexOf(iss) !== i);
  if (twice) {
    ctx.addIssue({ code: 'custom', message: `lists ${twice} twice` });
    return z.NEVER;
  }
  return list.data;
});

/**
 * A private key as a JSON Web Key (JSON with kty, d and alg) whose alg is one of `algs`; the
 * message names them when it is not.
 */
const privateJwk = <Key>(algs: readonly string[], algMessage: string) =>
  z.string().transform((value, ctx): Key => {
    let jwk: Record<string, unknown>;
    try {
      jwk = JSON.parse(value) as Record<string, unknown>;
    } catch {
      jwk = {};
    }
    if (typeof jwk !== 'object' || jwk === null || typeof jwk.kty !== 'string' || typeof jwk.d !== 'string') {
      ctx.addIssue({ code: 'custom', message: 'must be a private key as a JSON Web Key (JSON with kty, d and alg)' });
      return z.NEVER;
    }
    if (typeof jwk.alg !== 'string' || !algs.includes(jwk.alg)) {
      ctx.addIssue({ code: 'custom', message: algMessage });
      return z.NEVER;
    }
    return jwk as Key;
  });

/** `TOKEN_EXCHANGE_KEY`: the private JWK the broker signs the staff tokens it gives for a SMART launch with. */
const exchangeKey = privateJwk<JsonWebKey & { alg: string; kid?: string }>(
  ['ES256', 'ES384', 'EdDSA', 'RS256', 'PS256'],
  'the key must carry alg ES256, ES384, EdDSA, RS256 or PS256',
);

/** `ACCESS_LOG_CHECKPOINTS`: `file:<path>` (or a `file://` URL), or a `postgres://` URL of a second store. */
const checkpointLocation = z.string().transform((value, ctx): CheckpointSettings['location'] => {
  if (/^postgres(ql)?:\/\/.+/.test(value)) return { kind: 'postgres', url: value };
  if (value.startsWith('file://')) {
    try {
      return { kind: 'file', path: fileURLToPath(value) };
    } catch {
      ctx.addIssue({ code: 'custom', message: `'${value}' is not a file URL` });
      return z.NEVER;
    }
  }
  if (value.startsWith('file:') && value.length > 'file:'.length) return { kind: 'file', path: resolve(value.slice('file:'.length)) };
  ctx.addIssue({ code: 'custom', message: 'must be file:<path> or a postgres:// URL of a store outside the database' });
  return z.NEVER;
});

/** `ACCESS_LOG_CHECKPOINT_KEY`: a private JWK checkpoints are signed with. */
const checkpointKey = privateJwk<NonNullable<CheckpointSettings['key']>>(['EdDSA', 'ES256', 'ES384'], 'the key must carry alg EdDSA, ES256 or ES384');

/** Whether two Postgres URLs name the same database on the same server. */
function sameDatabase(a: string, b: string): boolean {
  try {
    const [x, y] = [new URL(a), new URL(b)];
    const port = (u: URL) => u.port || '5432';
    return x.hostname === y.hostname && port(x) === port(y) && x.pathname.replace(/\/+$/, '') === y.pathname.replace(/\/+$/, '');
  } catch {
    return false;
  }
}

/** The environment variables the service reads, validated once at start. */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535).default(8787),
    HOST: z.string().min(1).default('127.0.0.1'),
    PUBLIC_URL: httpUrl.optional(),
    FHIR_CANONICAL_BASE: httpUrl.optional(),
    FHIR_SYSTEM_BASE: baseUrl.optional(),
    FHIR_SYSTEM_BASES_EARLIER: baseUrlList.default([]),
    DATABASE_URL: postgresUrl.optional(),
    DATABASE_MIGRATION_URL: postgresUrl.optional(),
    DATABASE_POOL_MAX: z.coerce.number({ message: 'must be a whole number' }).int().min(1).max(200).default(10),
    ACCESS_LOG_CHECKPOINTS: checkpointLocation.optional(),
    ACCESS_LOG_CHECKPOINT_KEY: checkpointKey.optional(),
    ACCESS_LOG_CHECKPOINT_INTERVAL_SECONDS: z.coerce.number({ message: 'must be a whole number of seconds' }).int().min(5).max(86_400).default(300),
    DATA_DIR: z.string().min(1).default('data'),
    UPSTREAMS: upstreamNameList.default([]),
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
    STAFF_TOKEN_ISSUER: z.string().min(1).optional(),
    STAFF_TOKEN_AUDIENCE: z.string().min(1).default('sip-broker-staff'),
    STAFF_JWKS_URL: httpUrl.optional(),
    CITIZEN_TOKEN_ISSUER: z.string().min(1).optional(),
    CITIZEN_TOKEN_AUDIENCE: z.string().min(1).default('sip-broker-citizen'),
    CITIZEN_JWKS_URL: httpUrl.optional(),
    TOKEN_MAX_LIFETIME_SECONDS: z.coerce.number({ message: 'must be a whole number of seconds' }).int().min(60).max(86_400).default(8 * 3600),
    ALLOWED_ORIGINS: originList.default([]),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DEMO_MODE: booleanString.optional(),
    BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(256 * 1024),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
    READY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').regex(/^[\x21-\x7E]+$/, 'must be visible ASCII characters').optional(),
    WIDGET_DIST_DIR: z.string().min(1).optional(),
    STAFF_DIST_DIR: z.string().min(1).optional(),
    ORGANISATIONS: organisationList.default([]),
    SMART_ISSUERS: smartIssuerList.default([]),
    TOKEN_EXCHANGE_KEY: exchangeKey.optional(),
  })
  .superRefine((env, ctx) => {
    if (env.DATABASE_MIGRATION_URL && !env.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: "required when DATABASE_MIGRATION_URL is set: the service's own role" });
    }
    const store = env.ACCESS_LOG_CHECKPOINTS;
    if (store?.kind === 'postgres' && [env.DATABASE_URL, env.DATABASE_MIGRATION_URL].some((url) => url && sameDatabase(url, store.url))) {
      ctx.addIssue({ code: 'custom', path: ['ACCESS_LOG_CHECKPOINTS'], message: "must be a store outside the access log's database: whoever can rewrite the log must not reach its checkpoints" });
    }
    for (const who of ['STAFF', 'CITIZEN'] as const) {
      if (env[`${who}_TOKEN_ISSUER`] && !env[`${who}_JWKS_URL`]) {
        ctx.addIssue({ code: 'custom', path: [`${who}_JWKS_URL`], message: `required when ${who}_TOKEN_ISSUER is set` });
      }
      if (env[`${who}_JWKS_URL`] && !env[`${who}_TOKEN_ISSUER`]) {
        ctx.addIssue({ code: 'custom', path: [`${who}_TOKEN_ISSUER`], message: `required when ${who}_JWKS_URL is set` });
      }
    }
  });

/**
 * Demo mode (its own token issuer minting staff tokens for anyone, seeded demo plans) is on only
 * when asked for (`DEMO_MODE=on`) or when nothing real is configured: no upstream, no identity
 * provider, no `PUBLIC_URL` off this machine. Asked for, it is refused in production and beside
 * anything real (an upstream or `PUBLIC_URL` off this machine, an identity provider).
 */
function demoModeOf(env: Env, upstreamUrls: [variable: string, url: string][], problems: Problems): boolean {
  const real = [
    ...upstreamUrls.filter(([, url]) => !isLoopback(url)).map(([variable]) => variable),
    ...(['STAFF_TOKEN_ISSUER', 'CITIZEN_TOKEN_ISSUER'] as const).filter((variable) => env[variable]),
    ...(env.SMART_ISSUERS.some((smart) => !isLoopback(smart.iss)) ? ['SMART_ISSUERS'] : []),
    ...(env.PUBLIC_URL && !isLoopback(env.PUBLIC_URL) ? ['PUBLIC_URL'] : []),
  ];
  if (env.DEMO_MODE === true) {
    if (env.NODE_ENV === 'production') problems.push({ variable: 'DEMO_MODE', message: 'demo mode is refused when NODE_ENV=production' });
    if (real.length > 0) {
      problems.push({ variable: 'DEMO_MODE', message: `demo mode is refused beside real settings (${real.join(', ')}): it mints tokens for anyone` });
    }
    return true;
  }
  if (env.DEMO_MODE === false) return false;
  return env.NODE_ENV !== 'production' && real.length === 0 && upstreamUrls.length === 0;
}

export type Env = z.infer<typeof envSchema>;

export type UpstreamAuth =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'smart-backend'; tokenUrl: string; clientId: string; privateKey: JsonWebKey & { alg: 'RS384' | 'ES384' }; scope: string };

export interface UpstreamConfig {
  /** `region`, `municipality`, or one named in `UPSTREAMS`. */
  name: string;
  baseUrl: string | undefined;
  auth: UpstreamAuth;
  /** The most entries one transaction Bundle to this upstream carries (default 4). */
  maxTransactionEntries?: number;
}

/** A health record whose SMART launches are exchanged for staff tokens (`SMART_ISSUERS`). */
export interface SmartIssuerConfig {
  /** Its FHIR base: the `iss` of its launches and id tokens. */
  iss: string;
  /** The broker's client id there: the `aud` of its id tokens. */
  clientId: string;
  /** The organisation (HSA-id) its users act for. */
  organisationId: string;
  role: 'staff' | 'coordinator';
}

export interface IssuerConfig {
  kind: 'staff' | 'citizen';
  issuer: string;
  audience: string;
  jwksUrl: string;
}

/** The service's configuration, derived from the validated environment. */
export interface Config {
  env: Env['NODE_ENV'];
  port: number;
  host: string;
  publicUrl: string;
  /** The base of the canonical URLs of what the FHIR face defines (its OperationDefinitions): `FHIR_CANONICAL_BASE`, else `PUBLIC_URL` + `/fhir`. */
  fhirCanonicalBase: string;
  /**
   * The broker's own code and identifier systems, extensions and consent policies: published
   * under `FHIR_SYSTEM_BASE` (else the canonical base); those published under
   * `FHIR_SYSTEM_BASES_EARLIER`, or as `urn:sip-broker:…`, are recognised as ours too.
   */
  fhirSystems: SipSystems;
  databaseUrl: string | undefined;
  /** The owner's connection, for migrations (`DATABASE_MIGRATION_URL`); `databaseUrl` is then the service's own role. */
  databaseMigrationUrl: string | undefined;
  /** At most this many connections to a Postgres server (`DATABASE_POOL_MAX`). */
  databasePoolMax: number;
  dataDir: string;
  /**
   * Where checkpoints of the access log are kept, outside its database (`ACCESS_LOG_CHECKPOINTS`,
   * by default a file in the data folder for the embedded database), and the key they are signed with.
   */
  accessLogCheckpoints: CheckpointSettings | undefined;
  accessLogCheckpointIntervalMs: number;
  /**
   * The upstream FHIR endpoints by name: `region` and `municipality` always, and those `UPSTREAMS`
   * names. Each organisation's records are in the one its `upstream` names.
   */
  upstreams: Record<string, UpstreamConfig> & Record<(typeof BUILT_IN_UPSTREAMS)[number], UpstreamConfig>;
  upstreamTimeoutMs: number;
  issuers: IssuerConfig[];
  audiences: { staff: string; citizen: string };
  /** The longest lifetime (`exp` − `iat`) and age of an access token, in seconds (`TOKEN_MAX_LIFETIME_SECONDS`). */
  tokenMaxLifetimeSeconds: number;
  allowedOrigins: string[];
  logLevel: Env['LOG_LEVEL'];
  demoMode: boolean;
  bodyLimitBytes: number;
  shutdownTimeoutMs: number;
  /** The longest `/ready` waits for any one of its checks (`READY_TIMEOUT_MS`): a check that takes longer fails. */
  readyTimeoutMs: number;
  /**
   * The bearer token a scraper of `/metrics` presents (`METRICS_TOKEN`). Without it `/metrics`
   * is open outside production and not served in production.
   */
  metricsToken: string | undefined;
  /** Where the widget's build is read from; absent: the widget package's own `dist`. */
  widgetDistDir: string | undefined;
  /** Where the staff elements' build is read from; absent: the staff package's own `dist`. */
  staffDistDir: string | undefined;
  /** The organisations the deployment serves as principals (`ORGANISATIONS`), recorded at start. */
  organisations: KnownOrganisation[];
  /** The health records whose SMART launches the broker accepts (`SMART_ISSUERS`); demo mode adds its region's. */
  smartIssuers: SmartIssuerConfig[];
  /** The key of the staff tokens given for a SMART launch (`TOKEN_EXCHANGE_KEY`); demo mode uses its own issuer's. */
  tokenExchangeKey: (JsonWebKey & { alg: string; kid?: string }) | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

type Problems = { variable: string; message: string }[];

/** One upstream's configuration from its `<PREFIX>_FHIR_…` variables; what is wrong goes to `problems`. */
function upstream(source: Record<string, string | undefined>, name: string, demo: boolean, problems: Problems): UpstreamConfig {
  const prefix = envPrefix(name);
  const parsed = upstreamVariables(prefix).safeParse(source);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push({ variable: String(issue.path[0]), message: issue.message });
    return { name, baseUrl: undefined, auth: { kind: 'none' } };
  }
  const v = parsed.data as Record<string, unknown>;
  const get = <T>(what: string) => v[`${prefix}_FHIR_${what}`] as T | undefined;
  const kind = get<'none' | 'bearer' | 'smart-backend'>('AUTH');
  const token = get<string>('TOKEN');
  const tokenUrl = get<string>('TOKEN_URL');
  const clientId = get<string>('CLIENT_ID');
  const privateKey = get<JsonWebKey & { alg: 'RS384' | 'ES384' }>('PRIVATE_KEY');
  const baseUrl = get<string>('BASE_URL');
  if (kind === 'bearer' && !token) problems.push({ variable: `${prefix}_FHIR_TOKEN`, message: `required when ${prefix}_FHIR_AUTH=bearer` });
  if (kind === 'smart-backend') {
    for (const [what, value] of [['TOKEN_URL', tokenUrl], ['CLIENT_ID', clientId], ['PRIVATE_KEY', privateKey]] as const) {
      if (!value) problems.push({ variable: `${prefix}_FHIR_${what}`, message: `required when ${prefix}_FHIR_AUTH=smart-backend` });
    }
  }
  if (!baseUrl && !demo) {
    problems.push({ variable: `${prefix}_FHIR_BASE_URL`, message: 'required without demo mode (demo mode starts its own upstreams)' });
  }
  let auth: UpstreamAuth = { kind: 'none' };
  if (kind === 'bearer' && token) auth = { kind: 'bearer', token };
  if (kind === 'smart-backend' && tokenUrl && clientId && privateKey) {
    auth = { kind: 'smart-backend', tokenUrl, clientId, privateKey, scope: get<string>('SCOPE')! };
  }
  return { name, baseUrl, auth, maxTransactionEntries: get<number>('MAX_TRANSACTION_ENTRIES')! };
}

/** The checkpoint store: as configured, else for the embedded database a file beside it (a server's must be configured). */
function checkpointsOf(env: Env): CheckpointSettings | undefined {
  const location = env.ACCESS_LOG_CHECKPOINTS ?? (env.DATABASE_URL ? undefined : { kind: 'file' as const, path: join(resolve(env.DATA_DIR), 'access-log-checkpoints.jsonl') });
  if (!location) return undefined;
  return { location, ...(env.ACCESS_LOG_CHECKPOINT_KEY ? { key: env.ACCESS_LOG_CHECKPOINT_KEY } : {}) };
}

/** Reads and validates the configuration; throws a ConfigError naming every bad variable. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? 'environment'),
        message: issue.message,
      })),
    );
  }
  const env = parsed.data;
  const problems: Problems = [];
  const upstreamNames = [...BUILT_IN_UPSTREAMS, ...env.UPSTREAMS];
  const upstreamUrls = upstreamNames.flatMap((name): [string, string][] => {
    const variable = `${envPrefix(name)}_FHIR_BASE_URL`;
    const url = present[variable];
    return url ? [[variable, url]] : [];
  });
  const demoMode = demoModeOf(env, upstreamUrls, problems);
  if (!demoMode && !env.STAFF_TOKEN_ISSUER && !env.CITIZEN_TOKEN_ISSUER) {
    problems.push({ variable: 'STAFF_TOKEN_ISSUER', message: 'without demo mode at least one token issuer must be configured (demo mode: DEMO_MODE=on, with nothing real configured)' });
  }
  const upstreams = Object.fromEntries(upstreamNames.map((name) => [name, upstream(present, name, demoMode, problems)])) as Config['upstreams'];
  for (const [i, organisation] of env.ORGANISATIONS.entries()) {
    if (!upstreams[organisation.upstream]) {
      problems.push({
        variable: 'ORGANISATIONS',
        message: `[${i}.upstream] '${organisation.upstream}' is not a configured upstream (region, municipality, or one named in UPSTREAMS)`,
      });
    }
  }
  // What carries tokens, keys or personal data goes over TLS; plain http only to this machine.
  const clearText = [
    ...upstreamNames.flatMap((name) => ['BASE_URL', 'TOKEN_URL'].map((what) => `${envPrefix(name)}_FHIR_${what}`)),
    'STAFF_JWKS_URL',
    'CITIZEN_JWKS_URL',
  ].filter((variable) => present[variable]?.startsWith('http://') && !isLoopback(present[variable]));
  for (const variable of clearText) problems.push({ variable, message: 'must be https: only an address on this machine may be plain http' });
  for (const [i, smart] of env.SMART_ISSUERS.entries()) {
    if (smart.iss.startsWith('http://') && !isLoopback(smart.iss)) {
      problems.push({ variable: 'SMART_ISSUERS', message: `[${i}.iss] must be https: only an address on this machine may be plain http` });
    }
    const known = startingOrganisationIds(env.ORGANISATIONS, demoMode);
    if (!known.has(smart.organisationId)) {
      problems.push({ variable: 'SMART_ISSUERS', message: `[${i}.organisationId] ${smart.organisationId} is not a known organisation (ORGANISATIONS)` });
    }
  }
  if (env.SMART_ISSUERS.length > 0 && !demoMode && !env.TOKEN_EXCHANGE_KEY) {
    problems.push({ variable: 'TOKEN_EXCHANGE_KEY', message: 'required when SMART_ISSUERS is set: the key the staff tokens given for a launch are signed with' });
  }
  if (env.STAFF_TOKEN_AUDIENCE === env.CITIZEN_TOKEN_AUDIENCE) {
    problems.push({ variable: 'CITIZEN_TOKEN_AUDIENCE', message: 'must differ from STAFF_TOKEN_AUDIENCE: a token is for staff or for a citizen' });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const issuers: IssuerConfig[] = [];
  if (env.STAFF_TOKEN_ISSUER && env.STAFF_JWKS_URL) {
    issuers.push({ kind: 'staff', issuer: env.STAFF_TOKEN_ISSUER, audience: env.STAFF_TOKEN_AUDIENCE, jwksUrl: env.STAFF_JWKS_URL });
  }
  if (env.CITIZEN_TOKEN_ISSUER && env.CITIZEN_JWKS_URL) {
    issuers.push({
      kind: 'citizen',
      issuer: env.CITIZEN_TOKEN_ISSUER,
      audience: env.CITIZEN_TOKEN_AUDIENCE,
      jwksUrl: env.CITIZEN_JWKS_URL,
    });
  }
  const publicUrl = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
  const fhirCanonicalBase = env.FHIR_CANONICAL_BASE ?? `${publicUrl}/fhir`;
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    publicUrl,
    fhirCanonicalBase,
    fhirSystems: sipSystems(env.FHIR_SYSTEM_BASE ?? fhirCanonicalBase, env.FHIR_SYSTEM_BASES_EARLIER),
    databaseUrl: env.DATABASE_URL,
    databaseMigrationUrl: env.DATABASE_MIGRATION_URL,
    databasePoolMax: env.DATABASE_POOL_MAX,
    dataDir: env.DATA_DIR,
    accessLogCheckpoints: checkpointsOf(env),
    accessLogCheckpointIntervalMs: env.ACCESS_LOG_CHECKPOINT_INTERVAL_SECONDS * 1000,
    upstreams,
    upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
    issuers,
    audiences: { staff: env.STAFF_TOKEN_AUDIENCE, citizen: env.CITIZEN_TOKEN_AUDIENCE },
    tokenMaxLifetimeSeconds: env.TOKEN_MAX_LIFETIME_SECONDS,
    allowedOrigins: env.ALLOWED_ORIGINS,
    logLevel: env.LOG_LEVEL,
    demoMode,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    readyTimeoutMs: env.READY_TIMEOUT_MS,
    metricsToken: env.METRICS_TOKEN,
    widgetDistDir: env.WIDGET_DIST_DIR,
    staffDistDir: env.STAFF_DIST_DIR,
    organisations: env.ORGANISATIONS,
    smartIssuers: env.SMART_ISSUERS,
    tokenExchangeKey: env.TOKEN_EXCHANGE_KEY,
  };
}

/** The ids of the organisations known at start: those configured, and in demo mode the demo world's. */
function startingOrganisationIds(configured: { id: string }[], demoMode: boolean): Set<string> {
  return new Set([...configured.map((o) => o.id), ...(demoMode ? Object.values(demoOrganisations).map((o) => o.id) : [])]);
}

/** For entry points: the configuration, or a message naming each bad variable and exit code 78. */
export function loadConfigOrExit(source: Record<string, string | undefined> = process.env): Config {
  try {
    return loadConfig(source);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}
