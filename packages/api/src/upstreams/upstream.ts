import { Client } from 'fhir-kit-client';
import type { UpstreamConfig } from '../config/config.ts';

export type UpstreamName = UpstreamConfig['name'];

/** One upstream system: the regional health record or the municipal case system, over FHIR R4. */
export interface Upstream {
  readonly name: UpstreamName;
  readonly baseUrl: string;
  readonly client: Client;
  /** Asks the upstream for its CapabilityStatement; resolves to the reason when it cannot. */
  check(): Promise<{ ok: true } | { ok: false; reason: string }>;
}

export type Upstreams = Record<UpstreamName, Upstream>;

export function createUpstream(config: UpstreamConfig & { baseUrl: string }, timeoutMs: number): Upstream {
  const client = new Client({
    baseUrl: config.baseUrl,
    ...(config.auth.kind === 'bearer' ? { bearerToken: config.auth.token } : {}),
  });
  return {
    name: config.name,
    baseUrl: config.baseUrl,
    client,
    async check() {
      try {
        const statement = (await client.capabilityStatement({ signal: AbortSignal.timeout(timeoutMs) })) as {
          resourceType?: string;
        };
        if (statement?.resourceType !== 'CapabilityStatement') {
          return { ok: false, reason: 'answered /metadata without a CapabilityStatement' };
        }
        return { ok: true };
      } catch (error) {
        const status = (error as { response?: { status?: number } }).response?.status;
        if (status) return { ok: false, reason: `answered /metadata with HTTP ${status}` };
        if ((error as Error).name === 'TimeoutError') return { ok: false, reason: `no answer within ${timeoutMs} ms` };
        return { ok: false, reason: 'unreachable' };
      }
    },
  };
}
