import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken, startService, type ServiceProcess } from './support/service.ts';

/** How many answers the burst sends, and how many are in flight at a time. */
const BURST = 80;
const IN_FLIGHT = 8;
/** Kill once this many are acknowledged, or after KILL_AFTER_MS on a slow machine (with at least one acknowledged). */
const KILL_AT_ACKS = 30;
const KILL_AFTER_MS = 5_000;

interface Answer {
  i: number;
  marker: string;
  path: string;
  body: Record<string, unknown>;
  /** Where the marker must show up in my part. */
  where: 'requests' | 'home-consent';
}

type Outcome =
  | { kind: 'acknowledged'; status: number; body: unknown }
  | { kind: 'answered'; status: number; body: string }
  | { kind: 'no-answer'; error: string }
  | { kind: 'unsent' };

interface MyPart {
  me: {
    support: { requests: { kind: string; note?: string }[] } | null;
    homeConsent: { history: { consent: boolean; comment?: string }[] } | null;
  };
}

function markersIn(part: MyPart): { requests: string[]; homeConsent: string[] } {
  const burst = (s: string | undefined): s is string => typeof s === 'string' && s.startsWith('burst-');
  return {
    requests: (part.me.support?.requests ?? []).map((r) => r.note).filter(burst),
    homeConsent: (part.me.homeConsent?.history ?? []).map((h) => h.comment).filter(burst),
  };
}

function count(list: string[], marker: string): number {
  return list.filter((m) => m === marker).length;
}

describe('answers from a relative across a crash', () => {
  let dataDir: string;
  let service: ServiceProcess | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sip-answers-'));
  });
  afterAll(async () => {
    await service?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a burst of answers survives SIGKILL: every acknowledged answer exactly once, nothing half-written', async () => {
    const started = Date.now();
    service = await startService({ DATA_DIR: dataDir });
    const port = new URL(service.url).port;
    const token = await mintToken(service.url, 'bengt');
    const me = (path: string, init: RequestInit = {}) =>
      fetch(`${service!.url}${path}`, { ...init, headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });

    const plans = (await (await me('/api/me/plans')).json()) as { items: { planId: string }[] };
    expect(plans.items.length).toBeGreaterThan(0);
    const planId = plans.items[0]!.planId;
    const readPart = async () => {
      const res = await me(`/api/me/plans/${planId}`);
      expect(res.status).toBe(200);
      return (await res.json()) as MyPart;
    };
    const before = markersIn(await readPart());
    expect(before.requests).toEqual([]);
    expect(before.homeConsent).toEqual([]);

    const answers: Answer[] = Array.from({ length: BURST }, (_, i) => {
      const marker = `burst-${i}`;
      return i % 2 === 0
        ? { i, marker, where: 'requests', path: `/api/me/plans/${planId}/requests`, body: { kind: i % 4 === 0 ? 'contact-consultant' : 'needs-assessment', note: marker } }
        : { i, marker, where: 'home-consent', path: `/api/me/plans/${planId}/home-consent`, body: { consent: i % 3 !== 0, comment: marker } };
    });
    const send = (a: Answer) => me(a.path, { method: 'POST', headers: { 'Idempotency-Key': a.marker }, body: JSON.stringify(a.body) });

    // The burst: IN_FLIGHT workers pull answers off one queue; the one that sees the
    // threshold of acknowledgements kills the service while the others are in flight.
    const outcomes = new Map<number, Outcome>();
    let next = 0;
    let acked = 0;
    let killed = false;
    let killedWithInFlight = 0;
    let inFlight = 0;
    const burstStarted = Date.now();
    const kill = () => {
      if (killed) return;
      killed = true;
      killedWithInFlight = inFlight;
      service!.child.kill('SIGKILL');
    };
    const worker = async () => {
      while (next < answers.length) {
        const a = answers[next++]!;
        if (killed) {
          outcomes.set(a.i, { kind: 'unsent' });
          continue;
        }
        inFlight++;
        try {
          const res = await send(a);
          if (res.status >= 200 && res.status < 300) {
            outcomes.set(a.i, { kind: 'acknowledged', status: res.status, body: await res.json() });
            acked++;
          } else {
            outcomes.set(a.i, { kind: 'answered', status: res.status, body: await res.text() });
          }
        } catch (error) {
          outcomes.set(a.i, { kind: 'no-answer', error: String(error) });
        } finally {
          inFlight--;
        }
        if (acked >= KILL_AT_ACKS || (acked > 0 && Date.now() - burstStarted > KILL_AFTER_MS)) kill();
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    expect(killed).toBe(true);
    expect(await service.exited).toBeNull();

    const byKind = (kind: Outcome['kind']) => answers.filter((a) => outcomes.get(a.i)?.kind === kind);
    const acknowledged = byKind('acknowledged');
    const unacknowledged = answers.filter((a) => outcomes.get(a.i)?.kind !== 'acknowledged');
    // Anything answered but not 2xx would be a bug in the service, not the crash.
    expect(byKind('answered').map((a) => ({ marker: a.marker, ...outcomes.get(a.i) }))).toEqual([]);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(acknowledged.length + byKind('no-answer').length + byKind('unsent').length).toBe(BURST);
    console.info(
      `burst: ${acknowledged.length} acknowledged, ${byKind('no-answer').length} without an answer (${killedWithInFlight} in flight at the kill), ` +
        `${byKind('unsent').length} unsent, kill after ${Date.now() - burstStarted} ms`,
    );

    // Restart on the same data and port; the token minted before still verifies.
    service = await startService({ DATA_DIR: dataDir, PORT: port });
    const afterCrash = markersIn(await readPart());
    const listOf = (a: Answer, m: { requests: string[]; homeConsent: string[] }) => (a.where === 'requests' ? m.requests : m.homeConsent);
    const other = (a: Answer, m: { requests: string[]; homeConsent: string[] }) => (a.where === 'requests' ? m.homeConsent : m.requests);

    // Every acknowledged answer exactly once, in the right place; no marker twice, none misplaced.
    for (const a of acknowledged) expect(count(listOf(a, afterCrash), a.marker), a.marker).toBe(1);
    for (const a of answers) {
      expect(count(listOf(a, afterCrash), a.marker), a.marker).toBeLessThanOrEqual(1);
      expect(count(other(a, afterCrash), a.marker), a.marker).toBe(0);
    }
    // Nothing is there that was not sent.
    for (const a of byKind('unsent')) expect(count(listOf(a, afterCrash), a.marker), a.marker).toBe(0);
    const committedUnacknowledged = new Set(unacknowledged.filter((a) => count(listOf(a, afterCrash), a.marker) === 1).map((a) => a.i));

    // Replay every acknowledged answer: the same status and body, marked as replayed, nothing written.
    const stateAfterCrash = await readPart();
    const replayAll = async (list: Answer[]) => {
      const results: { a: Answer; status: number; replayed: string | null; body: unknown }[] = [];
      for (let k = 0; k < list.length; k += IN_FLIGHT) {
        results.push(
          ...(await Promise.all(
            list.slice(k, k + IN_FLIGHT).map(async (a) => {
              const res = await send(a);
              return { a, status: res.status, replayed: res.headers.get('idempotent-replayed'), body: await res.json() };
            }),
          )),
        );
      }
      return results;
    };
    for (const r of await replayAll(acknowledged)) {
      const first = outcomes.get(r.a.i) as Extract<Outcome, { kind: 'acknowledged' }>;
      expect({ marker: r.a.marker, status: r.status, replayed: r.replayed }).toEqual({ marker: r.a.marker, status: first.status, replayed: 'true' });
      expect(r.body).toEqual(first.body);
    }
    expect(await readPart()).toEqual(stateAfterCrash);

    // Replay the rest: those that committed before the kill replay, the others are written now.
    for (const r of await replayAll(unacknowledged)) {
      expect(r.status, r.a.marker).toBe(r.a.where === 'requests' ? 201 : 200);
      expect({ marker: r.a.marker, replayed: r.replayed }).toEqual({ marker: r.a.marker, replayed: committedUnacknowledged.has(r.a.i) ? 'true' : null });
    }
    const final = markersIn(await readPart());
    for (const a of answers) {
      expect(count(listOf(a, final), a.marker), a.marker).toBe(1);
      expect(count(other(a, final), a.marker), a.marker).toBe(0);
    }
    expect(final.requests).toHaveLength(BURST / 2);
    expect(final.homeConsent).toHaveLength(BURST / 2);

    // The access log's hash chain is intact across the crash.
    const auditor = await mintToken(service.url, 'region-auditor');
    const verify = await fetch(`${service.url}/api/access-log/verify`, { headers: { Authorization: `Bearer ${auditor}` } });
    expect(verify.status).toBe(200);
    expect(await verify.json()).toMatchObject({ ok: true });
    console.info(
      `answers-durability: ${committedUnacknowledged.size} committed without an answer, ${unacknowledged.length - committedUnacknowledged.size} written on replay; ${Date.now() - started} ms in all`,
    );
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
