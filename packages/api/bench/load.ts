/**
 * The load generator of the plans benchmark: autocannon in a process of its own, so that
 * the client's work does not share the servers' event loop. Driven over IPC by
 * plans.bench.ts: one `init` with the seeded ids and the token, then one `run` per scenario.
 */
import autocannon from 'autocannon';
import type { SeededPart } from './seed.ts';

/** A commitment proposed to the relative, answered in turn: decline, accept, withdraw. */
export interface SeededCommitment {
  planId: string;
  commitmentId: string;
}

export type Scenario =
  | { kind: 'baseline-read'; url: string }
  | { kind: 'plan-read'; url: string }
  | { kind: 'part-update'; url: string }
  /** The bare optimistic single-row update: PATCH /parts/:id with If-Match, on parts of their own. */
  | { kind: 'baseline-update'; url: string }
  /** A relative's answer on a commitment: decline, accept, withdraw, each with its own Idempotency-Key. */
  | { kind: 'relative-answer'; url: string }
  /** The bare insert: POST /inserts, one row in one transaction, no auth, no logging (HTTP's own ceiling beside pgbench). */
  | { kind: 'baseline-insert'; url: string };

export interface RunSummary {
  seconds: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  completed: number;
  sent: number;
  ok: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** Socket errors, timeouts included. */
  errors: number;
  timeouts: number;
}

export type LoadRequest =
  | {
      type: 'init';
      planIds: string[];
      regionParts: SeededPart[];
      token: string;
      /** For the write benchmark: parts the baseline updates, and commitments a relative answers. */
      baselineParts?: SeededPart[];
      commitments?: SeededCommitment[];
      citizenToken?: string;
    }
  | { type: 'run'; scenario: Scenario; seconds: number; warmupSeconds: number; connections: number };

export type LoadReply =
  | { type: 'ready' }
  | { type: 'result'; warmup: RunSummary | null; measured: RunSummary }
  | { type: 'failed'; message: string };

let planIds: string[] = [];
let parts: SeededPart[] = [];
let token = '';
/** Parts whose update was in flight when a run stopped: their version is not known here. */
const unknownVersion = new Set<number>();
const inFlight = new Set<number>();
let order: number[] = [];
let cursor = 0;
let edits = 0;
let baselineParts: SeededPart[] = [];
let baselineOrder: number[] = [];
let baselineCursor = 0;
const baselineInFlight = new Set<number>();
let commitments: (SeededCommitment & { answered: number })[] = [];
let citizenToken = '';
/** Plans with an answer in flight: one answer per plan at a time, as one relative answers. */
const answering = new Set<string>();
let commitmentCursor = 0;
let keys = 0;
const ANSWERS = ['decline', 'accept', 'withdraw'] as const;

function shuffled(n: number): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const randomPlanId = () => planIds[Math.floor(Math.random() * planIds.length)]!;

function headerValue(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? String(value[0]) : String(value);
  }
  return undefined;
}

/** The next part to edit: round the shuffled plans, skipping any already in flight or of unknown version. */
function nextPart(): number {
  for (let tries = 0; tries < order.length; tries++) {
    const index = order[cursor++ % order.length]!;
    if (!inFlight.has(index) && !unknownVersion.has(index)) return index;
  }
  throw new Error('no part left to edit');
}

/** The next bare-update part, as {@link nextPart}. */
function nextBaselinePart(): number {
  for (let tries = 0; tries < baselineOrder.length; tries++) {
    const index = baselineOrder[baselineCursor++ % baselineOrder.length]!;
    if (!baselineInFlight.has(index)) return index;
  }
  throw new Error('no baseline part left to edit');
}

/** The next commitment with an answer left, on a plan with no answer in flight. */
function nextCommitment(): number {
  for (let tries = 0; tries < commitments.length; tries++) {
    const index = commitmentCursor++ % commitments.length;
    const c = commitments[index]!;
    if (c.answered < ANSWERS.length && !answering.has(c.planId)) return index;
  }
  throw new Error('no commitment left to answer');
}

/**
 * The n-th edit's body: a change every time (the edit's number is in it), since a change that
 * leaves the part as it is writes nothing.
 */
function partPatchBody(n: number): string {
  return JSON.stringify({
    contactPerson: { name: 'Omar Haddad', title: 'Specialist i allmänmedicin', unit: 'Vårdcentralen Norrvik', phone: '+46701740606' },
    interventions: [
      { id: 'hemsjukvard', title: 'Hemsjukvård: insulin morgon och kväll', status: 'decided', performedBy: 'Distriktssköterska', when: 'Morgon och kväll' },
      { id: 'fysioterapi', title: 'Fysioterapi efter höftfraktur', status: n % 2 === 0 ? 'planned' : 'decided', when: `${1 + (n % 3)} gånger i veckan (ändring ${n})` },
    ],
  });
}

function requestsFor(scenario: Scenario): autocannon.Request[] {
  const auth = { authorization: `Bearer ${token}` };
  switch (scenario.kind) {
    case 'baseline-read':
      return [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/plans/${randomPlanId()}` }) }];
    case 'plan-read':
      return [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/api/plans/${randomPlanId()}`, headers: { ...req.headers, ...auth } }) }];
    case 'part-update':
      return [
        {
          method: 'PATCH',
          setupRequest: (req, context) => {
            const index = nextPart();
            const part = parts[index]!;
            (context as { index?: number }).index = index;
            inFlight.add(index);
            return {
              ...req,
              path: `/api/plans/${part.planId}/parts/${part.partId}`,
              headers: { ...req.headers, ...auth, 'content-type': 'application/json', 'if-match': `W/"${part.version}"` },
              body: partPatchBody(edits++),
            };
          },
          onResponse: (_status, _body, context, headers) => {
            const index = (context as { index?: number }).index;
            if (index === undefined) return;
            inFlight.delete(index);
            // A 200 carries the part's new ETag; a 412 carries its current one.
            const match = /"(\d+)"/.exec(headerValue(headers as Record<string, unknown>, 'etag') ?? '');
            if (match) parts[index]!.version = Number(match[1]);
          },
        },
      ];
    case 'baseline-update':
      return [
        {
          method: 'PATCH',
          setupRequest: (req, context) => {
            const index = nextBaselinePart();
            const part = baselineParts[index]!;
            (context as { index?: number }).index = index;
            baselineInFlight.add(index);
            return {
              ...req,
              path: `/parts/${part.partId}`,
              headers: { ...req.headers, 'content-type': 'application/json', 'if-match': `W/"${part.version}"` },
              body: partPatchBody(edits++),
            };
          },
          onResponse: (_status, _body, context, headers) => {
            const index = (context as { index?: number }).index;
            if (index === undefined) return;
            baselineInFlight.delete(index);
            const match = /"(\d+)"/.exec(headerValue(headers as Record<string, unknown>, 'etag') ?? '');
            if (match) baselineParts[index]!.version = Number(match[1]);
          },
        },
      ];
    case 'relative-answer':
      return [
        {
          method: 'POST',
          setupRequest: (req, context) => {
            const index = nextCommitment();
            const c = commitments[index]!;
            (context as { index?: number }).index = index;
            answering.add(c.planId);
            return {
              ...req,
              path: `/api/me/plans/${c.planId}/commitments/${c.commitmentId}/answer`,
              headers: {
                ...req.headers,
                authorization: `Bearer ${citizenToken}`,
                'content-type': 'application/json',
                'idempotency-key': `bench-${process.pid}-${keys++}`,
              },
              body: JSON.stringify({ answer: ANSWERS[c.answered]! }),
            };
          },
          onResponse: (status, _body, context) => {
            const index = (context as { index?: number }).index;
            if (index === undefined) return;
            const c = commitments[index]!;
            answering.delete(c.planId);
            if (status === 200) c.answered += 1;
            // Anything else: the answer is unknown (409 after a timeout's retry, say); leave the commitment.
            else c.answered = ANSWERS.length;
          },
        },
      ];
    case 'baseline-insert':
      return [
        {
          method: 'POST',
          path: '/inserts',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ body: 'an answer of about this length' }),
        },
      ];
  }
}

function summarise(result: autocannon.Result): RunSummary {
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0;
  return {
    seconds: result.duration,
    requestsPerSecond: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    completed: result.requests.total,
    sent: result.requests.sent,
    ok: result['2xx'],
    non2xx: result.non2xx,
    statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

async function fire(scenario: Scenario, seconds: number, connections: number): Promise<RunSummary> {
  const result = await autocannon({
    url: scenario.url,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 30,
    requests: requestsFor(scenario),
  });
  // Whatever was still in flight when the run stopped may or may not have been applied.
  for (const index of inFlight) unknownVersion.add(index);
  inFlight.clear();
  // Bare parts and answers still in flight: left alone from now on.
  for (const index of baselineInFlight) baselineOrder = baselineOrder.filter((i) => i !== index);
  baselineInFlight.clear();
  for (const c of commitments) if (answering.has(c.planId)) c.answered = ANSWERS.length;
  answering.clear();
  return summarise(result);
}

function reply(message: LoadReply) {
  process.send?.(message);
}

process.on('message', (message: LoadRequest) => {
  void (async () => {
    try {
      if (message.type === 'init') {
        planIds = message.planIds;
        parts = message.regionParts.map((p) => ({ ...p }));
        token = message.token;
        order = shuffled(parts.length);
        baselineParts = (message.baselineParts ?? []).map((p) => ({ ...p }));
        baselineOrder = shuffled(baselineParts.length);
        commitments = shuffled((message.commitments ?? []).length).map((i) => ({ ...message.commitments![i]!, answered: 0 }));
        citizenToken = message.citizenToken ?? '';
        reply({ type: 'ready' });
        return;
      }
      const warmup = message.warmupSeconds > 0 ? await fire(message.scenario, message.warmupSeconds, message.connections) : null;
      const measured = await fire(message.scenario, message.seconds, message.connections);
      reply({ type: 'result', warmup, measured });
    } catch (error) {
      reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  })();
});

process.on('disconnect', () => process.exit(0));
