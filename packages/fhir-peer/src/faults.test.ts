import { afterEach, describe, expect, it } from 'vitest';
import { createFhirPeer } from './index.ts';
import { send, usePeer, TEST_PERSONNUMMER, testPatient } from './test-support.ts';

const SLOW_MS = 300;
const running = usePeer({ slowMs: SLOW_MS });

afterEach(async () => {
  await running.peer.setFault('none');
  running.peer.setLatency(0);
});

async function timed<T>(action: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await action();
  return { value, ms: performance.now() - start };
}

function connectionErrorCode(error: unknown): string | undefined {
  return ((error as Error).cause as { code?: string } | undefined)?.code;
}

describe('down', () => {
  it('refuses connections, then answers again on the same port after recovery', async () => {
    expect((await send(`${running.base}/metadata`)).status).toBe(200);
    await running.peer.setFault('down');

    const error = await fetch(`${running.base}/metadata`).then(
      () => undefined,
      (rejection: unknown) => rejection
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(connectionErrorCode(error)).toBe('ECONNREFUSED');

    await running.peer.setFault('none');
    const recovered = await send(`${running.base}/metadata`);
    expect(recovered.status).toBe(200);
  });

  it('cuts requests that are in flight when the peer goes down', async () => {
    await running.peer.setFault('slow');
    const pending = fetch(`${running.base}/metadata`).then(
      () => 'answered',
      () => 'connection lost'
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await running.peer.setFault('down');
    expect(await pending).toBe('connection lost');
  });

  it('answers 503 with an OperationOutcome when used as a fetch handler', async () => {
    const peer = createFhirPeer({ basePath: '/fhir' });
    await peer.setFault('down');
    const response = await peer.fetch(new Request('http://upstream.test/fhir/metadata'));
    expect(response.status).toBe(503);
    expect((await response.json()).resourceType).toBe('OperationOutcome');
    await peer.setFault('none');
    const recovered = await peer.fetch(new Request('http://upstream.test/fhir/metadata'));
    expect(recovered.status).toBe(200);
    expect((await recovered.json()).implementation.url).toBe('http://upstream.test/fhir');
  });
});

describe('slow', () => {
  it('waits slowMs before answering normally', async () => {
    await running.peer.setFault('slow');
    const { value, ms } = await timed(() => send(`${running.base}/metadata`));
    expect(value.status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(SLOW_MS - 5);
  });

  it('drops a request whose client gave up while waiting', async () => {
    await running.peer.setFault('slow');
    const url = `${running.base}/Patient?identifier=${TEST_PERSONNUMMER[0]}`;
    const abandoned = fetch(`${running.base}/Patient`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: JSON.stringify(testPatient(TEST_PERSONNUMMER[0])),
      signal: AbortSignal.timeout(50),
    });
    await expect(abandoned).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
    await running.peer.setFault('none');
    expect((await send(url)).body.total).toBe(0);
  });
});

describe('error and garbage', () => {
  it('answers 500 with an OperationOutcome in error mode', async () => {
    await running.peer.setFault('error');
    const reply = await send(`${running.base}/Patient`);
    expect(reply.status).toBe(500);
    expect(reply.body.resourceType).toBe('OperationOutcome');
  });

  it('answers 200 with a FHIR JSON content type and a body that is not JSON in garbage mode', async () => {
    await running.peer.setFault('garbage');
    const response = await fetch(`${running.base}/Patient`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/fhir+json');
    await expect(response.json()).rejects.toThrow(SyntaxError);
  });

  it('rejects an unknown fault mode', async () => {
    await expect(running.peer.setFault('flaky' as never)).rejects.toThrow(TypeError);
    expect(running.peer.fault).toBe('none');
  });
});

describe('latency', () => {
  it('adds the configured delay to every request', async () => {
    running.peer.setLatency(50);
    const { value, ms } = await timed(() => send(`${running.base}/metadata`));
    expect(value.status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(45);
    expect(running.peer.latencyMs).toBe(50);
  });

  it('counts every request it receives', async () => {
    const before = running.peer.requestCount;
    await send(`${running.base}/metadata`);
    await running.peer.setFault('error');
    await send(`${running.base}/metadata`);
    expect(running.peer.requestCount).toBe(before + 2);
  });
});
