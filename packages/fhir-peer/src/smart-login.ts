import { createHash, randomBytes } from 'node:crypto';

/** What {@link smartAuthorize} asks for: an app's authorisation request, as a browser would send it. */
export interface SmartAuthorizeRequest {
  /** The FHIR base (the `iss` of the launch, the `aud` of the request). */
  base: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  launch?: string;
  nonce?: string;
  /** The PKCE verifier; default a fresh random one. */
  verifier?: string;
}

/** The code (or error) the authorisation endpoint redirected to, and the verifier that belongs to it. */
export interface SmartAuthorization {
  code: string | undefined;
  error: string | undefined;
  state: string | undefined;
  verifier: string;
}

/**
 * Sends an authorisation request to a SMART server that approves without asking (the peer does),
 * and reads the redirect: for tests of the code flow without a browser.
 */
export async function smartAuthorize(request: SmartAuthorizeRequest): Promise<SmartAuthorization> {
  const verifier = request.verifier ?? randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const config = (await (await fetch(`${request.base}/.well-known/smart-configuration`)).json()) as { authorization_endpoint: string };
  const url = new URL(config.authorization_endpoint);
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    scope: request.scope,
    state,
    aud: request.base,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(request.launch ? { launch: request.launch } : {}),
    ...(request.nonce ? { nonce: request.nonce } : {}),
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) throw new Error(`authorize answered ${response.status}: ${await response.text()}`);
  const back = new URL(location);
  return {
    code: back.searchParams.get('code') ?? undefined,
    error: back.searchParams.get('error') ?? undefined,
    state: back.searchParams.get('state') ?? undefined,
    verifier,
  };
}

/** Redeems a code at the token endpoint as a public client; returns the status and the JSON body. */
export async function smartRedeem(
  base: string,
  form: { code: string; verifier: string; clientId: string; redirectUri: string },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const config = (await (await fetch(`${base}/.well-known/smart-configuration`)).json()) as { token_endpoint: string };
  const response = await fetch(config.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: form.code,
      code_verifier: form.verifier,
      client_id: form.clientId,
      redirect_uri: form.redirectUri,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
