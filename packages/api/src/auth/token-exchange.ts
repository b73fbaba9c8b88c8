import { hsaIdSchema, IdentifierSystem, type StaffRole } from '@sip/shared';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  errors as joseErrors,
  importJWK,
  jwtVerify,
  SignJWT,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { lt } from 'drizzle-orm';
import { createHash, randomUUID } from 'node:crypto';
import type { Config, SmartIssuerConfig } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import { exchangedIdTokens } from '../db/schema.ts';
import type { DemoIssuer } from '../demo/issuer.ts';
import { ALLOWED_ALGORITHMS, CLOCK_TOLERANCE_SECONDS, staffNameClaim, type TrustedIssuer } from './tokens.ts';

/** RFC 8693 names. */
export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ID_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** How long a staff token given for a launch lives, in seconds (at most `TOKEN_MAX_LIFETIME_SECONDS`). */
export const EXCHANGED_TOKEN_TTL_SECONDS = 3600;
/** How old an id token may be when it is exchanged, in seconds: it is exchanged right after the launch. */
export const ID_TOKEN_MAX_AGE_SECONDS = 600;
/** How long the health record may take to answer the Practitioner read, in milliseconds. */
const EHR_TIMEOUT_MS = 5000;

/** An OAuth error answer (RFC 6749 §5.2, RFC 8693 §2.2.2). */
export class OAuthError extends Error {
  override name = 'OAuthError';
  constructor(
    readonly status: 400 | 401 | 503,
    readonly error: 'invalid_request' | 'unsupported_grant_type' | 'invalid_grant' | 'temporarily_unavailable',
    readonly description: string,
  ) {
    super(description);
  }
}

/** Who a staff token given by the exchange speaks for. */
export interface ExchangedStaff {
  userId: string;
  organisationId: string;
  role: StaffRole;
  /** The Practitioner's name in the health record, when it has one: the staff token's `name`. */
  name?: string;
}

/** Signs the staff tokens the exchange gives: the broker's own issuer, which its verifier trusts. */
export interface StaffTokenMinter {
  readonly issuer: string;
  /** The trust entry for the token verifier: the same verification as every staff token. */
  trusted(staffAudience: string): TrustedIssuer;
  mint(staff: ExchangedStaff, staffAudience: string, ttlSeconds: number): Promise<string>;
}

/** A minter with the given private key (`TOKEN_EXCHANGE_KEY`, or the demo issuer's). */
export async function createStaffTokenMinter(issuer: string, privateJwk: JsonWebKey & { alg: string; kid?: string }, now: () => Date): Promise<StaffTokenMinter> {
  const alg = privateJwk.alg;
  const privateKey = await importJWK(privateJwk as JWK, alg);
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk as JWK;
  const kid = privateJwk.kid ?? 'token-exchange';
  const keys = createLocalJWKSet({ keys: [{ ...publicJwk, kid, alg, use: 'sig' }] });
  return {
    issuer,
    trusted: (audience) => ({ kind: 'staff', issuer, audience, keys }),
    async mint(staff, audience, ttl) {
      const iat = Math.floor(now().getTime() / 1000);
      return new SignJWT({ org: staff.organisationId, role: staff.role, ...(staff.name ? { name: staff.name } : {}) })
        .setProtectedHeader({ alg, kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setSubject(staff.userId)
        .setAudience(audience)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttl)
        .setJti(randomUUID())
        .sign(privateKey);
    },
  };
}

export interface TokenExchangeResult {
  access_token: string;
  issued_token_type: typeof ACCESS_TOKEN_TYPE;
  token_type: 'Bearer';
  expires_in: number;
  /** Not part of the answer: for the service's log. */
  staff: ExchangedStaff;
  issuer: string;
}

export interface TokenExchange {
  /** Exchanges a health record's id token (and its SMART access token) for a staff token, or throws an {@link OAuthError}. */
  exchange(form: URLSearchParams): Promise<TokenExchangeResult>;
}

/**
 * The id tokens already exchanged: each is exchanged once (RFC 8693 leaves replay to the server;
 * a launch gives one id token, and its app exchanges it once).
 */
export interface SpentIdTokens {
  /** Records the id token as exchanged; `false` if it already was (by this or another request, at the same moment too). */
  spend(digest: string, expiresAt: Date, now: Date): Promise<boolean>;
}

/**
 * The spent id tokens in the database: one row per id token, inserted or found already there in
 * one statement, so of two exchanges of one id token at the same moment exactly one wins, on any
 * instance. Rows of id tokens that have expired are removed on the way.
 */
export function spentIdTokensIn(db: Db): SpentIdTokens {
  return {
    async spend(digest, expiresAt, now) {
      await db.delete(exchangedIdTokens).where(lt(exchangedIdTokens.expiresAt, now));
      const inserted = await db
        .insert(exchangedIdTokens)
        .values({ digest, exchangedAt: now, expiresAt })
        .onConflictDoNothing({ target: exchangedIdTokens.digest })
        .returning({ digest: exchangedIdTokens.digest });
      return inserted.length === 1;
    },
  };
}

/**
 * What names an id token for its single use: its issuer and `jti`, or without a `jti` all of its
 * verified claims (the signature is not part of it: an ECDSA signature can be altered and still
 * verify, the claims cannot).
 */
export function idTokenDigest(issuer: string, payload: JWTPayload): string {
  const name = typeof payload.jti === 'string' && payload.jti.length > 0 ? `jti\n${payload.jti}` : `claims\n${JSON.stringify(payload)}`;
  return createHash('sha256').update(`${issuer}\n${name}`).digest('base64url');
}

interface Trusted extends SmartIssuerConfig {
  keys: JWTVerifyGetKey;
}

const single = (form: URLSearchParams, name: string): string | undefined => {
  const values = form.getAll(name);
  if (values.length > 1) throw new OAuthError(400, 'invalid_request', `${name} is given more than once`);
  return values[0] || undefined;
};

/** A FHIR HumanName as one string: the official name if there is one, else the first; its `text`, else given names and family. */
function nameOf(names: unknown): string | undefined {
  if (!Array.isArray(names)) return undefined;
  const all = names.filter((n): n is Record<string, unknown> => typeof n === 'object' && n !== null);
  const chosen = all.find((n) => n.use === 'official') ?? all.find((n) => n.use !== 'old') ?? all[0];
  if (!chosen) return undefined;
  const given = Array.isArray(chosen.given) ? chosen.given.filter((g): g is string => typeof g === 'string') : [];
  const text = typeof chosen.text === 'string' ? chosen.text : [...given, typeof chosen.family === 'string' ? chosen.family : ''].join(' ');
  const parsed = staffNameClaim.safeParse(text.replace(/\s+/g, ' '));
  return parsed.success ? parsed.data : undefined;
}

/** A compact JWS: three base64url parts. */
const COMPACT_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** An RFC 6750 bearer token. */
const BEARER = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The issuer's JWKS, found through its `.well-known/smart-configuration` (looked up once, again after a failure). */
function discoveredKeys(iss: string, fetcher: typeof fetch): JWTVerifyGetKey {
  let remote: Promise<JWTVerifyGetKey> | undefined;
  const discover = async () => {
    const response = await fetcher(`${iss}/.well-known/smart-configuration`, {
      headers: { accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(EHR_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`smart-configuration: HTTP ${response.status}`);
    const body = (await response.json()) as { jwks_uri?: unknown };
    if (typeof body.jwks_uri !== 'string') throw new Error('smart-configuration names no jwks_uri');
    const jwksUri = new URL(body.jwks_uri);
    if (jwksUri.protocol !== 'https:' && new URL(iss).protocol === 'https:') throw new Error('jwks_uri must be https');
    return createRemoteJWKSet(jwksUri, { timeoutDuration: EHR_TIMEOUT_MS });
  };
  return async (header, token) => {
    remote ??= discover();
    try {
      return await (await remote)(header, token);
    } catch (error) {
      if (!(error instanceof joseErrors.JOSEError)) remote = undefined;
      throw error;
    }
  };
}

/**
 * The RFC 8693 token exchange of a SMART launch: the id token is verified against the health
 * record's keys (found through its SMART configuration): `iss` exactly one configured record,
 * `aud` our client id there, `exp`, an `iat` not in the future and at most
 * {@link ID_TOKEN_MAX_AGE_SECONDS} old, and `fhirUser` naming a Practitioner of that record. The
 * Practitioner is read from the record with the launch's access token (`actor_token`), and its
 * HSA-id is the user's. The staff token speaks for that user, for the organisation and in the
 * role configured for the record.
 */
export function createTokenExchange(options: {
  issuers: SmartIssuerConfig[];
  minter: StaffTokenMinter;
  staffAudience: string;
  /** Where exchanged id tokens are recorded, so that each is exchanged once. */
  spent: SpentIdTokens;
  now: () => Date;
  /** For the discovery and the Practitioner read; default global fetch. */
  fetch?: typeof fetch;
  ttlSeconds?: number;
}): TokenExchange {
  const fetcher = options.fetch ?? fetch;
  const ttl = options.ttlSeconds ?? EXCHANGED_TOKEN_TTL_SECONDS;
  const trusted: Trusted[] = options.issuers.map((i) => ({ ...i, keys: discoveredKeys(i.iss, fetcher) }));

  async function verifyIdToken(idToken: string): Promise<{ issuer: Trusted; payload: JWTPayload }> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(idToken);
    } catch {
      throw new OAuthError(400, 'invalid_request', 'subject_token is not a JWT');
    }
    const issuer = trusted.find((i) => i.iss === unverified.iss);
    if (!issuer) throw new OAuthError(400, 'invalid_request', 'subject_token is not from a health record this service trusts');
    try {
      const { payload } = await jwtVerify(idToken, issuer.keys, {
        issuer: issuer.iss,
        audience: issuer.clientId,
        algorithms: ALLOWED_ALGORITHMS,
        requiredClaims: ['exp', 'iat', 'sub'],
        maxTokenAge: ID_TOKEN_MAX_AGE_SECONDS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: options.now(),
      });
      return { issuer, payload };
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        throw new OAuthError(400, 'invalid_request', error.claim === 'iat' ? `subject_token claim 'iat' is more than ${ID_TOKEN_MAX_AGE_SECONDS} s ago: launch again` : 'subject_token has expired');
      }
      if (error instanceof joseErrors.JWTClaimValidationFailed) {
        throw new OAuthError(400, 'invalid_request', `subject_token claim '${error.claim}' is not valid`);
      }
      if (error instanceof joseErrors.JWSSignatureVerificationFailed || error instanceof joseErrors.JWKSNoMatchingKey) {
        throw new OAuthError(400, 'invalid_request', "subject_token's signature does not verify with the health record's keys");
      }
      if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported) {
        throw new OAuthError(400, 'invalid_request', 'subject_token is signed with an algorithm that is not allowed');
      }
      if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid) {
        throw new OAuthError(400, 'invalid_request', 'subject_token is not a valid JWT');
      }
      throw new OAuthError(503, 'temporarily_unavailable', "The health record's keys could not be fetched");
    }
  }

  /** The Practitioner's id named by `fhirUser`: an absolute URL under the record's base, or `Practitioner/<id>`. */
  function practitionerId(issuer: Trusted, fhirUser: unknown): string {
    if (typeof fhirUser !== 'string' || fhirUser.length === 0) {
      throw new OAuthError(400, 'invalid_request', 'subject_token has no fhirUser claim: ask for the openid and fhirUser scopes');
    }
    const relative = fhirUser.startsWith(`${issuer.iss}/`) ? fhirUser.slice(issuer.iss.length + 1) : fhirUser;
    const match = /^Practitioner\/([A-Za-z0-9\-.]{1,64})$/.exec(relative);
    if (!match?.[1]) throw new OAuthError(400, 'invalid_request', "subject_token's fhirUser is not a Practitioner of this health record");
    return match[1];
  }

  /** The Practitioner's HSA-id, and its name in the record (the official one first) when it has a usable one. */
  async function practitionerOf(issuer: Trusted, id: string, accessToken: string): Promise<{ hsaId: string; name?: string }> {
    let response: Response;
    try {
      response = await fetcher(`${issuer.iss}/Practitioner/${id}`, {
        headers: { accept: 'application/fhir+json', authorization: `Bearer ${accessToken}` },
        redirect: 'error',
        signal: AbortSignal.timeout(EHR_TIMEOUT_MS),
      });
    } catch {
      throw new OAuthError(503, 'temporarily_unavailable', 'The health record could not be reached');
    }
    if (response.status === 401 || response.status === 403) {
      throw new OAuthError(400, 'invalid_request', 'The health record refused actor_token');
    }
    if (response.status === 404 || response.status === 410) throw new OAuthError(400, 'invalid_request', "The health record has no such Practitioner (fhirUser)");
    if (!response.ok) throw new OAuthError(503, 'temporarily_unavailable', `The health record answered ${response.status}`);
    let practitioner: { resourceType?: unknown; id?: unknown; identifier?: unknown; name?: unknown };
    try {
      practitioner = (await response.json()) as typeof practitioner;
    } catch {
      throw new OAuthError(503, 'temporarily_unavailable', 'The health record answered with something that is not JSON');
    }
    if (practitioner?.resourceType !== 'Practitioner' || practitioner.id !== id) {
      throw new OAuthError(400, 'invalid_request', 'fhirUser is not a Practitioner of this health record');
    }
    const identifiers = Array.isArray(practitioner.identifier) ? (practitioner.identifier as { system?: unknown; value?: unknown }[]) : [];
    const hsaIds = new Set(
      identifiers.filter((i) => i?.system === IdentifierSystem.hsaId && typeof i.value === 'string').map((i) => String(i.value)),
    );
    const [hsaId, ...others] = [...hsaIds];
    if (!hsaId) throw new OAuthError(400, 'invalid_request', 'The Practitioner has no HSA-id in the health record');
    if (others.length > 0) throw new OAuthError(400, 'invalid_request', 'The Practitioner has more than one HSA-id in the health record');
    if (!hsaIdSchema.safeParse(hsaId).success) throw new OAuthError(400, 'invalid_request', "The Practitioner's HSA-id is not a valid HSA-id");
    const name = nameOf(practitioner.name);
    return name ? { hsaId, name } : { hsaId };
  }

  return {
    async exchange(form) {
      const grantType = single(form, 'grant_type');
      if (!grantType) throw new OAuthError(400, 'invalid_request', 'grant_type is required');
      if (grantType !== TOKEN_EXCHANGE_GRANT) throw new OAuthError(400, 'unsupported_grant_type', `Only ${TOKEN_EXCHANGE_GRANT} is supported`);
      const subjectToken = single(form, 'subject_token');
      const subjectType = single(form, 'subject_token_type');
      const actorToken = single(form, 'actor_token');
      const actorType = single(form, 'actor_token_type');
      const requestedType = single(form, 'requested_token_type');
      if (!subjectToken || !subjectType) throw new OAuthError(400, 'invalid_request', 'subject_token and subject_token_type are required');
      if (subjectType !== ID_TOKEN_TYPE) throw new OAuthError(400, 'invalid_request', `subject_token_type must be ${ID_TOKEN_TYPE}`);
      if (!actorToken || actorType !== ACCESS_TOKEN_TYPE) {
        throw new OAuthError(400, 'invalid_request', `actor_token (the launch's access token) with actor_token_type ${ACCESS_TOKEN_TYPE} is required: the user's HSA-id is read with it`);
      }
      if (requestedType !== undefined && requestedType !== ACCESS_TOKEN_TYPE) {
        throw new OAuthError(400, 'invalid_request', `requested_token_type can only be ${ACCESS_TOKEN_TYPE}`);
      }
      if (subjectToken.length > 16_384 || !COMPACT_JWT.test(subjectToken)) throw new OAuthError(400, 'invalid_request', 'subject_token is not a JWT');
      if (actorToken.length > 8192 || !BEARER.test(actorToken)) throw new OAuthError(400, 'invalid_request', 'actor_token is not a bearer token');
      const { issuer, payload } = await verifyIdToken(subjectToken);
      const id = practitionerId(issuer, payload.fhirUser);
      const { hsaId: userId, name } = await practitionerOf(issuer, id, actorToken);
      // Last, once everything else holds: a launch refused for a reason that passes (the record
      // was down) can be exchanged again; one that was exchanged cannot.
      const expiresAt = new Date(((payload.exp ?? 0) + CLOCK_TOLERANCE_SECONDS) * 1000);
      let first: boolean;
      try {
        first = await options.spent.spend(idTokenDigest(issuer.iss, payload), expiresAt, options.now());
      } catch {
        throw new OAuthError(503, 'temporarily_unavailable', 'The exchange could not be recorded: try again');
      }
      if (!first) {
        throw new OAuthError(400, 'invalid_grant', 'subject_token has already been exchanged: launch again from the health record');
      }
      const staff: ExchangedStaff = { userId, organisationId: issuer.organisationId, role: issuer.role, ...(name ? { name } : {}) };
      return {
        access_token: await options.minter.mint(staff, options.staffAudience, ttl),
        issued_token_type: ACCESS_TOKEN_TYPE,
        token_type: 'Bearer',
        expires_in: ttl,
        staff,
        issuer: issuer.iss,
      };
    },
  };
}

/**
 * The service's token exchange, when it takes SMART launches: the configured health records (and
 * in demo mode its own region's), signed with `TOKEN_EXCHANGE_KEY` as `<PUBLIC_URL>/token`, or in
 * demo mode by the demo issuer. `trusted` is what the token verifier must trust for its tokens.
 */
export async function tokenExchangeFor(
  config: Pick<Config, 'demoMode' | 'publicUrl' | 'tokenExchangeKey' | 'audiences' | 'tokenMaxLifetimeSeconds'>,
  smartIssuers: SmartIssuerConfig[],
  demo: DemoIssuer | undefined,
  db: Db,
  now: () => Date,
): Promise<{ exchange: TokenExchange; trusted: TrustedIssuer[] } | undefined> {
  if (smartIssuers.length === 0 && !config.demoMode) return undefined;
  const minter = config.tokenExchangeKey
    ? await createStaffTokenMinter(`${config.publicUrl}/token`, config.tokenExchangeKey, now)
    : await demo?.staffMinter();
  if (!minter) return undefined;
  return {
    exchange: createTokenExchange({
      issuers: smartIssuers,
      minter,
      staffAudience: config.audiences.staff,
      spent: spentIdTokensIn(db),
      now,
      // Never longer than the service itself takes a token for.
      ttlSeconds: Math.min(EXCHANGED_TOKEN_TTL_SECONDS, config.tokenMaxLifetimeSeconds),
    }),
    trusted: [minter.trusted(config.audiences.staff)],
  };
}
