import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CompactSign, compactVerify, importJWK, type JWK } from 'jose';
import postgres from 'postgres';
import type { Db } from '../db/database.ts';
import type { Logger } from '../logger.ts';
import { chainAccessLog, newestAccessEntry, verifyAccessLog, type ChainVerdict, type Checkpoint } from './access-log.ts';

/**
 * Checkpoints of the access log, kept outside its database: every so often the newest entry's
 * number and hash. Whoever can rewrite the database can recompute the whole hash chain, or
 * delete its newest entries, and the chain still verifies; a checkpoint they cannot reach
 * shows it. Kept in a file (`file:<path>`, one JSON line per checkpoint) or in a second
 * Postgres store (`postgres://…`, a table of its own), optionally signed (a compact JWS), so
 * that whoever can write the store but does not hold the key cannot forge one.
 */
export interface CheckpointStore {
  /** Where the checkpoints are kept, for messages: never a password. */
  readonly where: string;
  /** Every checkpoint, oldest first; throws CheckpointStoreError when one is unreadable or its signature does not verify. */
  all(): Promise<Checkpoint[]>;
  newest(): Promise<Checkpoint | null>;
  append(checkpoint: Checkpoint): Promise<void>;
  close(): Promise<void>;
}

export class CheckpointStoreError extends Error {
  override name = 'CheckpointStoreError';
}

/** The checkpoint store setting: `file:<path>` or a Postgres URL, and the optional signing key. */
export interface CheckpointSettings {
  location: { kind: 'file'; path: string } | { kind: 'postgres'; url: string };
  /** A private JWK (EdDSA, ES256 or ES384): each checkpoint is signed with it, and only signed ones are taken. */
  key?: JWK & { alg: string };
}

const SIGNED_TYPE = 'sip-access-log-checkpoint';

interface Signer {
  sign(checkpoint: Checkpoint): Promise<string>;
  /** The checkpoint a JWS holds, when its signature verifies; else null. */
  open(jws: string): Promise<Checkpoint | null>;
}

async function signerOf(key: JWK & { alg: string }): Promise<Signer> {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = key;
  const privateKey = await importJWK(key, key.alg);
  const publicKey = await importJWK(publicJwk, key.alg);
  return {
    sign: (c) =>
      new CompactSign(new TextEncoder().encode(JSON.stringify({ seq: c.seq, hash: c.hash, writtenAt: c.writtenAt })))
        .setProtectedHeader({ alg: key.alg, typ: SIGNED_TYPE, ...(key.kid ? { kid: key.kid } : {}) })
        .sign(privateKey),
    open: async (jws) => {
      try {
        const { payload, protectedHeader } = await compactVerify(jws, publicKey, { algorithms: [key.alg] });
        if (protectedHeader.typ !== SIGNED_TYPE) return null;
        return parseCheckpoint(JSON.parse(new TextDecoder().decode(payload)));
      } catch {
        return null;
      }
    },
  };
}

function parseCheckpoint(value: unknown): Checkpoint | null {
  if (typeof value !== 'object' || value === null) return null;
  const { seq, hash, writtenAt } = value as Record<string, unknown>;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return null;
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) return null;
  if (typeof writtenAt !== 'string' || Number.isNaN(Date.parse(writtenAt))) return null;
  return { seq, hash, writtenAt };
}

/**
 * What a stored checkpoint says: with a key, only what its signature covers (a checkpoint
 * without one, or whose signature does not verify, is refused); without, its fields.
 */
async function readCheckpoint(stored: Record<string, unknown>, signer: Signer | undefined, where: string): Promise<Checkpoint> {
  const plain = parseCheckpoint({ seq: stored.seq, hash: stored.hash, writtenAt: stored.writtenAt });
  if (!plain) throw new CheckpointStoreError(`a checkpoint in ${where} cannot be read`);
  if (!signer) return plain;
  const signed = typeof stored.jws === 'string' ? await signer.open(stored.jws) : null;
  if (!signed || signed.seq !== plain.seq || signed.hash !== plain.hash || signed.writtenAt !== plain.writtenAt) {
    throw new CheckpointStoreError(`the checkpoint of entry ${plain.seq} in ${where} is not signed with the checkpoint key`);
  }
  return signed;
}

function fileStore(path: string, signer: Signer | undefined): CheckpointStore {
  const where = `the file ${path}`;
  const all = async () => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const checkpoints: Checkpoint[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let stored: unknown;
      try {
        stored = JSON.parse(line);
      } catch {
        throw new CheckpointStoreError(`a line of ${where} is not a checkpoint`);
      }
      checkpoints.push(await readCheckpoint((stored ?? {}) as Record<string, unknown>, signer, where));
    }
    return checkpoints;
  };
  return {
    where,
    all,
    newest: async () => (await all()).reduce<Checkpoint | null>((newest, c) => (!newest || c.seq >= newest.seq ? c : newest), null),
    append: async (c) => {
      await mkdir(dirname(path), { recursive: true });
      const line = { seq: c.seq, hash: c.hash, writtenAt: c.writtenAt, ...(signer ? { jws: await signer.sign(c) } : {}) };
      // One short line per append: appends from several processes do not interleave.
      await appendFile(path, `${JSON.stringify(line)}\n`, { encoding: 'utf8', mode: 0o600 });
    },
    close: async () => {},
  };
}

function postgresStore(url: string, signer: Signer | undefined): CheckpointStore {
  const parsed = new URL(url);
  const where = `the store at ${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname}`;
  const client = postgres(url, { max: 1, onnotice: () => {}, fetch_types: false });
  let ready: Promise<unknown> | undefined;
  const table = () =>
    (ready ??= client`create table if not exists access_log_checkpoints (
      seq bigint not null, hash text not null, written_at text not null, jws text, primary key (seq, hash))`);
  const read = async (rows: { seq: string; hash: string; written_at: string; jws: string | null }[]) =>
    Promise.all(rows.map((r) => readCheckpoint({ seq: Number(r.seq), hash: r.hash, writtenAt: r.written_at, jws: r.jws ?? undefined }, signer, where)));
  return {
    where,
    all: async () => {
      await table();
      return read(await client`select seq, hash, written_at, jws from access_log_checkpoints order by seq`);
    },
    newest: async () => {
      await table();
      return (await read(await client`select seq, hash, written_at, jws from access_log_checkpoints order by seq desc limit 1`))[0] ?? null;
    },
    append: async (c) => {
      await table();
      const jws = signer ? await signer.sign(c) : null;
      await client`insert into access_log_checkpoints (seq, hash, written_at, jws) values (${c.seq}, ${c.hash}, ${c.writtenAt}, ${jws}) on conflict do nothing`;
    },
    close: () => client.end({ timeout: 5 }),
  };
}

export async function openCheckpointStore(settings: CheckpointSettings): Promise<CheckpointStore> {
  const signer = settings.key ? await signerOf(settings.key) : undefined;
  return settings.location.kind === 'file' ? fileStore(settings.location.path, signer) : postgresStore(settings.location.url, signer);
}

/** The verdict on the whole log: the chain's, or that the checkpoints themselves cannot be trusted. */
export type LogVerdict = (ChainVerdict | { ok: false; rows: number; reason: 'checkpoints'; detail: string; checkpoint: null }) & {
  /** Whether checkpoints are kept at all: without, deleting or rewriting the newest entries cannot be detected. */
  checkpointsKept: boolean;
};

/** Verifies the chain against the checkpoints of the store (none configured: the chain alone). */
export async function verifyWithCheckpoints(db: Db, store: CheckpointStore | undefined): Promise<LogVerdict> {
  let checkpoints: Checkpoint[] = [];
  try {
    checkpoints = store ? await store.all() : [];
  } catch (error) {
    if (!(error instanceof CheckpointStoreError)) throw error;
    return { ok: false, rows: 0, reason: 'checkpoints', detail: error.message, checkpoint: null, checkpointsKept: true };
  }
  return { ...(await verifyAccessLog(db, { checkpoints })), checkpointsKept: Boolean(store) };
}

export type CheckpointOutcome =
  | { written: true; checkpoint: Checkpoint }
  | { written: false; reason: 'empty' | 'unchanged' }
  /** The log no longer agrees with its checkpoints: nothing is written, and the operator is told. */
  | { written: false; reason: 'broken'; verdict: ChainVerdict & { ok: false } };

/**
 * Writes a checkpoint of the newest entry, once the entries since the last checkpoint verify
 * and the entry it names is still as it recorded; a log that no longer agrees with it gets
 * none (a checkpoint must never vouch for a rewritten log).
 */
export async function writeCheckpoint(db: Db, store: CheckpointStore, now: Date): Promise<CheckpointOutcome> {
  // What has committed is linked first: the checkpoint vouches for the chain up to now.
  await chainAccessLog(db);
  const newest = await newestAccessEntry(db);
  if (!newest) return { written: false, reason: 'empty' };
  const last = await store.newest();
  if (last && last.seq === newest.seq && last.hash === newest.hash) return { written: false, reason: 'unchanged' };
  // What came after the last checkpoint (the whole log, before the first): the verify command checks all of it.
  const verdict = await verifyAccessLog(db, last ? { from: last, checkpoints: [last] } : {});
  if (!verdict.ok) return { written: false, reason: 'broken', verdict };
  const checkpoint = { seq: newest.seq, hash: newest.hash, writtenAt: now.toISOString() };
  await store.append(checkpoint);
  return { written: true, checkpoint };
}

/**
 * Writes a checkpoint every interval while the log grows, and a last one on stop. A broken log
 * or an unreachable store is logged as an error (numbers and reasons only) and tried again at
 * the next interval.
 */
export class CheckpointWriter {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly store: CheckpointStore,
    private readonly logger: Logger,
    private readonly intervalMs: number,
    private readonly now: () => Date,
  ) {}

  start(): Promise<void> {
    const tick = () => {
      this.running = this.running.then(() => this.once());
      return this.running;
    };
    this.timer = setInterval(() => void tick(), this.intervalMs);
    this.timer.unref();
    return tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
    await this.once();
    await this.store.close();
  }

  private async once(): Promise<void> {
    try {
      const outcome = await writeCheckpoint(this.db, this.store, this.now());
      if (outcome.written) this.logger.debug({ seq: outcome.checkpoint.seq }, 'access log checkpoint written');
      else if (outcome.reason === 'broken') {
        const { brokenAt, reason } = outcome.verdict;
        this.logger.error({ event: 'access-log.broken', brokenAt, reason }, 'the access log does not agree with its checkpoints: no checkpoint written');
      }
    } catch (error) {
      this.logger.error({ event: 'access-log.checkpoint-failed', error: error instanceof CheckpointStoreError ? error.message : (error as Error).name }, 'access log checkpoint not written');
    }
  }
}
