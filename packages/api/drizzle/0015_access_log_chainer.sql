-- The access log's hash chain, out of the writing transaction. An entry is written unchained:
-- numbered in write order by `id` (a sequence, so a rolled-back insert leaves a hole there, and
-- that hole means nothing), with `seq`, `prev_hash` and `hash` empty. A single chainer,
-- access_log_chain_pending(), then takes the committed unchained entries in `id` order under
-- the chain lock and gives each the next `seq` (one more than the newest chained entry's), the
-- newest hash as its `prev_hash`, and its own hash. A transaction that rolls back leaves no row,
-- so it takes no number and no link: `seq` stays gap-free, and a hole in it is a removed entry.
-- The chain lock is held only by the chainer, for one batch, never by a request's transaction.
ALTER TABLE "access_log" ADD COLUMN "id" bigserial NOT NULL;--> statement-breakpoint
ALTER TABLE "access_log" DROP CONSTRAINT "access_log_pkey";--> statement-breakpoint
ALTER TABLE "access_log" ADD CONSTRAINT "access_log_pkey" PRIMARY KEY ("id");--> statement-breakpoint
ALTER TABLE "access_log" ALTER COLUMN "seq" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "access_log" ALTER COLUMN "prev_hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "access_log" ALTER COLUMN "hash" DROP NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "access_log_seq_idx" ON "access_log" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "access_log_unchained_idx" ON "access_log" USING btree ("id") WHERE "access_log"."seq" is null;--> statement-breakpoint
-- Whatever an insert says of the chain, the entry is written unchained: only the chainer links.
CREATE OR REPLACE FUNCTION access_log_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.seq := NULL;
  NEW.prev_hash := NULL;
  NEW.hash := NULL;
  RETURN NEW;
END
$$;
--> statement-breakpoint
-- The one change an entry takes: from unchained to chained, by the chainer, with its content
-- unchanged and a hash that matches it. Anything else is refused, as before.
CREATE OR REPLACE FUNCTION access_log_refuse_change_but_chaining() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
    AND current_setting('sip.access_log_chaining', true) = 'on'
    AND OLD.seq IS NULL AND OLD.prev_hash IS NULL AND OLD.hash IS NULL
    AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL
    AND (NEW.id, NEW.at, NEW.user_id, NEW.organisation_id, NEW.individual_id, NEW.plan_id, NEW.action, NEW.purpose, NEW.request_id)
      IS NOT DISTINCT FROM (OLD.id, OLD.at, OLD.user_id, OLD.organisation_id, OLD.individual_id, OLD.plan_id, OLD.action, OLD.purpose, OLD.request_id)
    AND NEW.hash = access_log_digest(NEW.prev_hash, NEW)
  THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'access_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
DROP TRIGGER IF EXISTS access_log_refuse_update_delete ON access_log;--> statement-breakpoint
CREATE TRIGGER access_log_refuse_update_delete BEFORE UPDATE OR DELETE ON access_log
  FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change_but_chaining();
--> statement-breakpoint
-- The chainer: links up to `batch_size` committed unchained entries, oldest written first, and
-- says how many. One at a time (the chain lock, until its transaction ends); run it in a
-- transaction of its own. It runs as the log's owner, so the service's role, which may only
-- insert into and read the log, can have its entries chained without the right to change any.
CREATE OR REPLACE FUNCTION access_log_chain_pending(batch_size integer DEFAULT 5000) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  last_seq bigint;
  last_hash text;
  r access_log;
  chained integer := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('access_log_chain'));
  SELECT seq, hash INTO last_seq, last_hash FROM access_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
  last_seq := coalesce(last_seq, 0);
  last_hash := coalesce(last_hash, 'genesis');
  PERFORM set_config('sip.access_log_chaining', 'on', true);
  FOR r IN SELECT * FROM access_log WHERE seq IS NULL ORDER BY id LIMIT batch_size LOOP
    r.seq := last_seq + 1;
    r.prev_hash := last_hash;
    r.hash := access_log_digest(r.prev_hash, r);
    UPDATE access_log SET seq = r.seq, prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
    last_seq := r.seq;
    last_hash := r.hash;
    chained := chained + 1;
  END LOOP;
  PERFORM set_config('sip.access_log_chaining', 'off', true);
  RETURN chained;
END
$$;
--> statement-breakpoint
SELECT access_log_chain_pending(2147483647);
