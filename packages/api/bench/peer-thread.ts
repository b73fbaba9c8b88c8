// One demo FHIR peer on a thread of its own, as an upstream on another machine would be: its
// work (searching, validating, answering) does not share the event loop of the client measured.
// Started by `startPeerThreads`; answers with its base URL, and closes when asked.
import { parentPort, workerData } from 'node:worker_threads';
import { createFhirPeer } from '@sip/fhir-peer';
import { demoUpstreamSeed } from '../src/demo/upstream-seed.ts';

const { name, latencyMs } = workerData as { name: 'region' | 'municipality'; latencyMs: number };
const peer = createFhirPeer({ name, latencyMs });
await peer.seed(demoUpstreamSeed(name));
const server = await peer.listen();
parentPort!.on('message', (message) => {
  if (message === 'close') void server.close().then(() => parentPort!.close());
});
parentPort!.postMessage({ baseUrl: server.baseUrl });
