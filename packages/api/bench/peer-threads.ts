import { Worker } from 'node:worker_threads';

export interface PeerThreads {
  urls: { region: string; municipality: string };
  close(): Promise<void>;
}

/** The region's and the municipality's demo peers, each on its own thread, answering `latencyMs` late. */
export async function startPeerThreads(latencyMs: number): Promise<PeerThreads> {
  const start = (name: 'region' | 'municipality') =>
    new Promise<{ worker: Worker; baseUrl: string }>((resolve, reject) => {
      const worker = new Worker(new URL('./peer-thread.mjs', import.meta.url), { workerData: { name, latencyMs } });
      worker.once('message', (message: { baseUrl: string }) => resolve({ worker, baseUrl: message.baseUrl }));
      worker.once('error', reject);
    });
  const [region, municipality] = await Promise.all([start('region'), start('municipality')]);
  return {
    urls: { region: region.baseUrl, municipality: municipality.baseUrl },
    close: async () => {
      await Promise.all(
        [region, municipality].map(({ worker }) => new Promise<void>((resolve) => {
          worker.once('exit', () => resolve());
          worker.postMessage('close');
        })),
      );
    },
  };
}
