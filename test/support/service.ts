import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder of the run's one build of the service (made by the e2e project's global setup). */
    serviceBuild: string;
  }
}

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A free TCP port on loopback, for a service started in a child process. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

/** How `npm start` runs the broker: its entry file under tsx. */
export const FROM_SOURCES = ['--import', 'tsx', 'packages/api/src/main.ts'];
/** How `npm run start:prod` runs it: the build (`npm run build`), on plain Node. */
export const BUILT = ['packages/api/dist/main.js'];

/**
 * How the files that need a running service but test neither `npm start` nor the build start it:
 * the run's one build of the service (packages/api/build.mjs, made once by the project's global
 * setup), on plain Node, without compiling TypeScript at each start. Outside a test run (a
 * benchmark), as `npm start` does.
 */
export function runBuild(): string[] {
  return process.env.VITEST ? [join(inject('serviceBuild'), 'main.js')] : FROM_SOURCES;
}

/**
 * A new data directory holding what the demo's first start left (made once per run by the
 * project's global setup): a service started on it comes up as after a restart, without making
 * its database, upstreams and plans again.
 */
export function demoDataDir(prefix: string): string {
  const to = mkdtempSync(join(tmpdir(), prefix));
  cpSync(inject('demoDataDir'), to, { recursive: true });
  return to;
}

/**
 * Starts the broker as `npm start` does (or with other arguments to Node, e.g. `BUILT`), with the
 * given environment on top of a minimal one, and waits until it says where it runs.
 */
export async function startService(env: Record<string, string>, timeoutMs = 60_000, nodeArgs = FROM_SOURCES): Promise<ServiceProcess> {
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, nodeArgs, {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env, PORT: port },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const check = () => {
      const match = /SIP broker is running on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code} before it started:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    exited,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function mintToken(baseUrl: string, persona: string): Promise<string> {
  const res = await fetch(`${baseUrl}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ persona }),
  });
  if (res.status !== 200) throw new Error(`token for ${persona}: HTTP ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
