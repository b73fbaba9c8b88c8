import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFhirPeer, type FhirPeer, type SmartOptions } from '@sip/fhir-peer';
import { demoUpstreamSeed } from './upstream-seed.ts';

export interface DemoUpstream {
  /** The upstream's configured name: `region`, `municipality`, or another municipality's. */
  name: string;
  baseUrl: string;
  peer: FhirPeer;
  close(): Promise<void>;
}

/**
 * Starts one demo upstream: a FHIR R4 test peer on a loopback port, seeded with the demo
 * world the first time and kept in `stateDir` after that, so a restart keeps what was
 * written to it. `stateDir` undefined keeps it in memory only. With `smart`, it is also a SMART
 * authorisation server (the region's health record launches the broker's app in the demo).
 */
export async function startDemoUpstream(name: DemoUpstream['name'], stateDir: string | undefined, smart?: SmartOptions): Promise<DemoUpstream> {
  const peer = createFhirPeer({ name, ...(smart ? { smart } : {}) });
  const file = stateDir ? join(stateDir, `${name}.json`) : undefined;
  let restored = false;
  if (file) {
    mkdirSync(stateDir!, { recursive: true });
    try {
      peer.importState(JSON.parse(readFileSync(file, 'utf8')));
      restored = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  if (!restored) await peer.seed(demoUpstreamSeed(name));
  let unsubscribe = () => {};
  if (file) {
    const persist = () => {
      writeFileSync(`${file}.tmp`, JSON.stringify(peer.exportState()));
      renameSync(`${file}.tmp`, file);
    };
    if (!restored) persist();
    unsubscribe = peer.onChange(persist);
  }
  const server = await peer.listen({ host: '127.0.0.1', port: 0 });
  return {
    name,
    baseUrl: server.baseUrl,
    peer,
    close: async () => {
      unsubscribe();
      await server.close();
    },
  };
}

/** The broker's client id at the demo region's health record. */
export const DEMO_SMART_CLIENT_ID = 'sip-broker';

/** The redirect URIs the broker's launch app has at the demo region: under its public URL and on loopback. */
export function demoSmartRedirectUris(publicUrl: string, port: number): string[] {
  return [...new Set([`${publicUrl}/smart/app`, `http://127.0.0.1:${port}/smart/app`, `http://localhost:${port}/smart/app`])];
}
