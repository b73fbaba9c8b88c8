import { createHash, randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** A SMART app registered with the peer's authorisation server: a public client (no secret), PKCE required. */
export interface SmartClient {
  clientId: string;
  /** The redirect URIs the app registered; `authorize` accepts only these, compared exactly. */
  redirectUris: string[];
}

/** Options of the peer's SMART App Launch authorisation server (`FhirPeerOptions.smart`). */
export interface SmartOptions {
  /** The registered apps. More can be added with {@link SmartServer.registerClient}. */
  clients?: SmartClient[];
  /** How long an authorisation code may be redeemed, in seconds. Default 60. */
  codeLifetimeSeconds?: number;
  /** How long an access token and an id token are valid, in seconds. Default 3600. */
  tokenLifetimeSeconds?: number;
  /** How long a `launch` value may be used, in seconds. Default 600. */
  launchLifetimeSeconds?: number;
  /** The clock, for tests. */
  now?: () => Date;
}

/** Whom an EHR launch is for: the practitioner using the record and, usually, the patient open in it (resource ids). */
export interface LaunchContext {
  practitioner: string;
  patient?: string;
}

/** What an access token the peer issued grants. */
export interface SmartGrant {
  clientId: string;
  scope: string;
  practitioner: string;
  patient: string | undefined;
  expiresAt: number;
}

/** The SMART App Launch authorisation server of a peer: EHR and standalone launch, PKCE, OpenID Connect id tokens. */
export interface SmartServer {
  /** Registers (or replaces) an app. */
  registerClient(client: SmartClient): void;
  /** Makes a `launch` value bound to a practitioner and a patient, as an EHR does when it launches an app. */
  createLaunch(context: LaunchContext): string;
  /** The user (and patient) a standalone launch is approved for; `undefined`: standalone launches are refused. */
  setStandaloneUser(context: LaunchContext | undefined): void;
  /** The grant behind an `Authorization` header, if it carries a live access token the peer issued. */
  grantOf(authorization: string | null): SmartGrant | undefined;
}

const ALG = 'ES256';
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;
/** The scopes the peer grants besides resource scopes: identity, launch context. */
const CONTEXT_SCOPES = new Set(['openid', 'fhirUser', 'profile', 'launch', 'launch/patient', 'online_access']);
/** A read scope on a resource type, SMART v1 (`.read`) or v2 (`.r`, `.s`, `.rs`): the peer grants reads only. */
const READ_SCOPE = /^(patient|user)\/(\*|[A-Z][A-Za-z]{1,63})\.(read|rs|r|s)$/;

/**
 * What the peer grants of the scopes asked for, as a real authorisation server does: identity and
 * launch context, and read scopes on resources; never write scopes, `offline_access` (no refresh
 * tokens here) or a scope it does not know. The token answer names only these.
 */
export function grantedScopes(requested: string[]): string[] {
  return [...new Set(requested.filter((s) => CONTEXT_SCOPES.has(s) || READ_SCOPE.test(s)))];
}

/**
 * Whether a grant lets its token make a FHIR request: only reads (and searches), of a type a
 * granted read scope names (`patient/` scopes only with a patient in context, and a Patient read
 * only of that patient), or of the user's own Practitioner under `fhirUser`.
 */
export function grantPermits(grant: SmartGrant, method: string, path: string): boolean {
  const search = method === 'POST' && /^[A-Z][A-Za-z]+\/_search$/.test(path);
  if (method !== 'GET' && method !== 'HEAD' && !search) return false;
  const [type, id] = path.split('/');
  if (!type) return false;
  const scopes = grant.scope.split(' ');
  if (scopes.includes('fhirUser') && type === 'Practitioner' && id === grant.practitioner) return true;
  return scopes.some((scope) => {
    const match = READ_SCOPE.exec(scope);
    if (!match || (match[2] !== '*' && match[2] !== type)) return false;
    if (match[1] === 'user') return true;
    if (!grant.patient) return false;
    return type !== 'Patient' || id === undefined || id === '_search' || id === grant.patient;
  });
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scope: string;
  nonce: string | undefined;
  context: LaunchContext;
  expiresAt: number;
  /** Whether it was presented at the token endpoint: a code is redeemed once, right or wrong. */
  used: boolean;
  /** The access token redeemed with it: revoked when the code is presented again (RFC 6749 §4.1.2). */
  issued?: string;
}

const random = () => randomBytes(32).toString('base64url');
const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}): Response {
  return json(status, { error, error_description: description }, headers);
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache', ...headers },
  });
}

/** The paths under the FHIR base the SMART server answers, relative to the base. */
export const SMART_PATHS = ['.well-known/smart-configuration', 'auth/authorize', 'auth/token', 'auth/jwks', 'auth/launch', 'auth/standalone'];

export class SmartAuthorisationServer implements SmartServer {
  private readonly clients = new Map<string, SmartClient>();
  private readonly launches = new Map<string, LaunchContext & { expiresAt: number }>();
  private readonly codes = new Map<string, PendingCode>();
  private readonly tokens = new Map<string, SmartGrant>();
  private standalone: LaunchContext | undefined;
  private readonly now: () => Date;
  private readonly codeLifetime: number;
  private readonly tokenLifetime: number;
  private readonly launchLifetime: number;
  private readonly keys: Promise<{ privateKey: CryptoKey; jwks: { keys: JWK[] }; kid: string }>;

  constructor(options: SmartOptions) {
    for (const client of options.clients ?? []) this.registerClient(client);
    this.now = options.now ?? (() => new Date());
    this.codeLifetime = options.codeLifetimeSeconds ?? 60;
    this.tokenLifetime = options.tokenLifetimeSeconds ?? 3600;
    this.launchLifetime = options.launchLifetimeSeconds ?? 600;
    this.keys = (async () => {
      const { publicKey, privateKey } = await generateKeyPair(ALG);
      const kid = random().slice(0, 16);
      return { privateKey, kid, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' }] } };
    })();
  }

  registerClient(client: SmartClient): void {
    if (!client.clientId || client.redirectUris.length === 0) throw new TypeError('A SMART client needs a clientId and at least one redirect URI');
    this.clients.set(client.clientId, { clientId: client.clientId, redirectUris: [...client.redirectUris] });
  }

  createLaunch(context: LaunchContext): string {
    checkContext(context);
    const launch = random();
    this.launches.set(launch, { ...context, expiresAt: this.seconds() + this.launchLifetime });
    return launch;
  }

  setStandaloneUser(context: LaunchContext | undefined): void {
    if (context) checkContext(context);
    this.standalone = context && { ...context };
  }

  grantOf(authorization: string | null): SmartGrant | undefined {
    const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
    const grant = token ? this.tokens.get(token) : undefined;
    if (!grant) return undefined;
    if (grant.expiresAt <= this.seconds()) {
      this.tokens.delete(token!);
      return undefined;
    }
    return grant;
  }

  /** Answers a request to one of {@link SMART_PATHS} (`path` relative to the base), or `undefined` for any other path. */
  async handle(request: Request, path: string, baseUrl: string): Promise<Response | undefined> {
    const method = request.method.toUpperCase();
    const only = (allowed: string) =>
      method === allowed ? undefined : oauthError(405, 'invalid_request', `${method} is not allowed here; use ${allowed}`, { allow: allowed });
    switch (path) {
      case '.well-known/smart-configuration':
        return only('GET') ?? json(200, this.configuration(baseUrl), { 'cache-control': 'max-age=60' });
      case 'auth/jwks':
        return only('GET') ?? json(200, (await this.keys).jwks, { 'cache-control': 'max-age=60' });
      case 'auth/authorize':
        return only('GET') ?? this.authorize(new URL(request.url).searchParams, baseUrl);
      case 'auth/token':
        return only('POST') ?? (await this.token(request, baseUrl));
      case 'auth/launch':
      case 'auth/standalone':
        return only('POST') ?? (await this.control(request, path));
      default:
        return undefined;
    }
  }

  private seconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }

  private configuration(baseUrl: string) {
    return {
      issuer: baseUrl,
      jwks_uri: `${baseUrl}/auth/jwks`,
      authorization_endpoint: `${baseUrl}/auth/authorize`,
      token_endpoint: `${baseUrl}/auth/token`,
      grant_types_supported: ['authorization_code'],
      response_types_supported: ['code'],
      token_endpoint_auth_methods_supported: ['none'],
      scopes_supported: ['openid', 'fhirUser', 'launch', 'launch/patient', 'patient/*.read', 'patient/*.rs', 'user/*.read', 'user/*.rs'],
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: [ALG],
      capabilities: [
        'launch-ehr',
        'launch-standalone',
        'client-public',
        'context-ehr-patient',
        'context-standalone-patient',
        'sso-openid-connect',
        'openid',
        'fhirUser',
        'permission-patient',
        'permission-user',
        'permission-v1',
        'permission-v2',
      ],
    };
  }

  /** Test and demo control: makes a launch (`auth/launch`) or sets the standalone user (`auth/standalone`), from a JSON body. */
  private async control(request: Request, path: string): Promise<Response> {
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return oauthError(400, 'invalid_request', 'Send a JSON body { "practitioner": "<id>", "patient": "<id>" }');
    }
    const context = body as Partial<LaunchContext> | null;
    if (
      typeof context !== 'object' ||
      context === null ||
      typeof context.practitioner !== 'string' ||
      !ID.test(context.practitioner) ||
      (context.patient !== undefined && (typeof context.patient !== 'string' || !ID.test(context.patient)))
    ) {
      return oauthError(400, 'invalid_request', 'practitioner (and patient, if given) must be resource ids');
    }
    const launchContext = { practitioner: context.practitioner, ...(context.patient ? { patient: context.patient } : {}) };
    if (path === 'auth/standalone') {
      this.setStandaloneUser(launchContext);
      return json(200, launchContext);
    }
    return json(201, { launch: this.createLaunch(launchContext), ...launchContext });
  }

  private authorize(query: URLSearchParams, baseUrl: string): Response {
    const single = (name: string) => {
      const values = query.getAll(name);
      return values.length === 1 ? values[0] : undefined;
    };
    const clientId = single('client_id');
    const redirectUri = single('redirect_uri');
    const client = clientId ? this.clients.get(clientId) : undefined;
    // Until the client and its redirect URI are known, nothing may be sent to the redirect URI.
    if (!client) return oauthError(400, 'invalid_request', 'client_id is missing or not a registered client');
    if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
      return oauthError(400, 'invalid_request', 'redirect_uri is missing or not registered for this client');
    }
    const state = single('state');
    const back = (params: Record<string, string>) => {
      const target = new URL(redirectUri);
      for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
      if (state !== undefined) target.searchParams.set('state', state);
      return new Response(null, { status: 302, headers: { location: target.href, 'cache-control': 'no-store' } });
    };
    const fail = (error: string, description: string) => back({ error, error_description: description });
    if (single('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
    if (!state) return fail('invalid_request', 'state is required');
    const scope = single('scope');
    if (!scope || !scope.split(' ').every((s) => SCOPE_TOKEN.test(s))) return fail('invalid_scope', 'scope is missing or malformed');
    if (single('aud') !== baseUrl) return fail('invalid_request', `aud must be this FHIR server's base URL, ${baseUrl}`);
    const challenge = single('code_challenge');
    if (single('code_challenge_method') !== 'S256' || !challenge || !CHALLENGE.test(challenge)) {
      return fail('invalid_request', 'PKCE is required: code_challenge_method=S256 and a code_challenge');
    }
    const scopes = grantedScopes(scope.split(' '));
    let context: LaunchContext | undefined;
    const launch = single('launch');
    if (launch !== undefined || scopes.includes('launch')) {
      const bound = launch ? this.launches.get(launch) : undefined;
      if (!bound || bound.expiresAt <= this.seconds()) return fail('invalid_request', 'launch is missing, unknown or expired');
      // The launch's patient only when the app asked for launch context.
      const wantsContext = scopes.includes('launch') || scopes.includes('launch/patient');
      context = { practitioner: bound.practitioner, ...(bound.patient && wantsContext ? { patient: bound.patient } : {}) };
    } else {
      if (!this.standalone) return fail('access_denied', 'No user is signed in for a standalone launch');
      context = { practitioner: this.standalone.practitioner };
      if (scopes.includes('launch/patient')) {
        if (!this.standalone.patient) return fail('access_denied', 'No patient was chosen');
        context.patient = this.standalone.patient;
      }
    }
    const code = random();
    const nonce = single('nonce');
    this.codes.set(code, {
      clientId: client.clientId,
      redirectUri,
      challenge,
      scope: scopes.join(' '),
      nonce,
      context,
      expiresAt: this.seconds() + this.codeLifetime,
      used: false,
    });
    return back({ code });
  }

  private async token(request: Request, baseUrl: string): Promise<Response> {
    const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') {
      return oauthError(400, 'invalid_request', 'The token request must be application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(await request.text());
    for (const name of new Set(form.keys())) {
      if (form.getAll(name).length > 1) return oauthError(400, 'invalid_request', `${name} is given more than once`);
    }
    if (request.headers.get('authorization')) {
      return oauthError(401, 'invalid_client', 'Public clients authenticate with client_id alone', { 'www-authenticate': 'Basic' });
    }
    const grantType = form.get('grant_type');
    if (!grantType) return oauthError(400, 'invalid_request', 'grant_type is required');
    if (grantType !== 'authorization_code') return oauthError(400, 'unsupported_grant_type', 'Only authorization_code is supported');
    const clientId = form.get('client_id');
    if (!clientId || !this.clients.has(clientId)) return oauthError(401, 'invalid_client', 'client_id is missing or unknown');
    const codeValue = form.get('code');
    const verifier = form.get('code_verifier');
    if (!codeValue) return oauthError(400, 'invalid_request', 'code is required');
    if (!verifier) return oauthError(400, 'invalid_request', 'code_verifier is required');
    const pending = this.codes.get(codeValue);
    if (!pending) return oauthError(400, 'invalid_grant', 'The code is unknown, expired or already used');
    if (pending.used) {
      // Presented again: refused, and the token it gave is revoked.
      if (pending.issued) this.tokens.delete(pending.issued);
      return oauthError(400, 'invalid_grant', 'The code is unknown, expired or already used');
    }
    // Single use: whatever happens now, the code cannot be redeemed again.
    pending.used = true;
    setTimeout(() => this.codes.delete(codeValue), this.codeLifetime * 1000).unref?.();
    if (pending.expiresAt <= this.seconds()) return oauthError(400, 'invalid_grant', 'The code is unknown, expired or already used');
    if (pending.clientId !== clientId) return oauthError(400, 'invalid_grant', 'The code was issued to another client');
    if (form.get('redirect_uri') !== pending.redirectUri) return oauthError(400, 'invalid_grant', 'redirect_uri differs from the authorisation request');
    if (!VERIFIER.test(verifier) || sha256(verifier) !== pending.challenge) {
      return oauthError(400, 'invalid_grant', 'The code_verifier does not match the code_challenge');
    }
    const accessToken = random();
    const iat = this.seconds();
    const expiresAt = iat + this.tokenLifetime;
    pending.issued = accessToken;
    this.tokens.set(accessToken, { clientId, scope: pending.scope, practitioner: pending.context.practitioner, patient: pending.context.patient, expiresAt });
    const scopes = pending.scope.split(' ');
    const body: Record<string, unknown> = {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: this.tokenLifetime,
      scope: pending.scope,
      ...(pending.context.patient && (scopes.includes('launch') || scopes.includes('launch/patient')) ? { patient: pending.context.patient, need_patient_banner: false } : {}),
    };
    if (scopes.includes('openid')) {
      const { privateKey, kid } = await this.keys;
      const claims: Record<string, unknown> = scopes.includes('fhirUser') ? { fhirUser: `${baseUrl}/Practitioner/${pending.context.practitioner}` } : {};
      if (pending.nonce) claims.nonce = pending.nonce;
      body.id_token = await new SignJWT(claims)
        .setProtectedHeader({ alg: ALG, kid, typ: 'JWT' })
        .setIssuer(baseUrl)
        .setAudience(clientId)
        .setSubject(pending.context.practitioner)
        .setIssuedAt(iat)
        .setExpirationTime(expiresAt)
        .setJti(random())
        .sign(privateKey);
    }
    return json(200, body);
  }
}

function checkContext(context: LaunchContext): void {
  if (!ID.test(context.practitioner) || (context.patient !== undefined && !ID.test(context.patient))) {
    throw new TypeError('practitioner and patient must be resource ids');
  }
}
