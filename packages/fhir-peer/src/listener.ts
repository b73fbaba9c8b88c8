import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { SerialQueue } from './queue.ts';

/**
 * One HTTP server for a fetch handler, which can stop listening and start again on the same port.
 * Stopping also cuts open connections, so clients see the port as down at once.
 */
export class Listener {
  private server: Server | undefined;
  private readonly transitions = new SerialQueue();

  constructor(
    private readonly fetch: (request: Request) => Promise<Response>,
    readonly host: string,
    private portNumber: number
  ) {}

  /** The bound port (the one first chosen by the system when 0 was asked for). */
  get port(): number {
    return this.portNumber;
  }

  /** Starts listening; does nothing if already listening. */
  start(): Promise<void> {
    return this.transitions.run(async () => {
      if (this.server) {
        return;
      }
      const server = createAdaptorServer({ fetch: this.fetch, overrideGlobalObjects: false }) as Server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.portNumber, this.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      this.portNumber = (server.address() as AddressInfo).port;
      this.server = server;
    });
  }

  /** Stops listening and closes every open connection; does nothing if not listening. */
  stop(): Promise<void> {
    return this.transitions.run(async () => {
      const server = this.server;
      if (!server) {
        return;
      }
      this.server = undefined;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    });
  }
}
