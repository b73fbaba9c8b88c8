import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { executePrepared } from '../db/prepared.ts';
import type { Logger } from '../logger.ts';

/** A notification to send once a change has committed: a channel and a payload of ids only. */
export interface Announcement {
  channel: string;
  payload: string;
}

/** Most notifications one statement sends. */
const BATCH = 500;

/**
 * Sends the notifications of committed changes (LISTEN/NOTIFY), batched: those queued while a
 * statement is under way go together in the next one. The notifications only wake listeners,
 * who read what changed from the database themselves (live editors on their heartbeat, the
 * outbox worker on its poll), so one lost with a failed statement delays, and drops nothing.
 * A statement that fails is logged, with its count and the error's type only.
 *
 * The statement commits without waiting for its WAL to reach the disk
 * (`synchronous_commit = off` for that statement's transaction only): a notification carries
 * nothing that must survive a crash, and every change it announces has committed durably
 * before it is queued.
 */
class Announcer {
  private queue: { announcements: Announcement[]; logger: Logger | undefined; done: () => void }[] = [];
  private flushing = false;

  constructor(private readonly db: Db) {}

  send(announcements: Announcement[], logger: Logger | undefined): Promise<void> {
    if (announcements.length === 0) return Promise.resolve();
    return new Promise((done) => {
      this.queue.push({ announcements, logger, done });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush() {
    this.flushing = true;
    while (this.queue.length > 0) {
      const batch: typeof this.queue = [];
      let size = 0;
      while (this.queue.length > 0 && (batch.length === 0 || size + this.queue[0]!.announcements.length <= BATCH)) {
        const next = this.queue.shift()!;
        batch.push(next);
        size += next.announcements.length;
      }
      const unique = new Map<string, Announcement>();
      for (const a of batch.flatMap((b) => b.announcements)) unique.set(`${a.channel}\n${a.payload}`, a);
      try {
        await executePrepared(
          this.db,
          'announce',
          sql`select set_config('synchronous_commit', 'off', true), pg_notify(n->>0, n->>1)
            from json_array_elements(${JSON.stringify([...unique.values()].map((a) => [a.channel, a.payload]))}::json) n`,
        );
      } catch (error) {
        const logger = batch.find((b) => b.logger)?.logger;
        logger?.warn(
          { event: 'plan-change.notify-failed', notifications: unique.size, err: error },
          'committed changes not announced: listeners catch up on their next heartbeat or poll',
        );
      } finally {
        for (const b of batch) b.done();
      }
    }
    this.flushing = false;
  }
}

const announcers = new WeakMap<Db, Announcer>();

/**
 * Queues notifications of changes that have committed, to be sent on `db` in the next batch.
 * Resolves once they were sent or their failure logged: it never rejects, and a change does not
 * wait for it to be answered.
 */
export function announce(db: Db, announcements: Announcement[], logger?: Logger): Promise<void> {
  let announcer = announcers.get(db);
  if (!announcer) {
    announcer = new Announcer(db);
    announcers.set(db, announcer);
  }
  return announcer.send(announcements, logger);
}
