-- The access log is append-only and tamper-evident, enforced by the database itself.
-- Each row gets its sequence number and hash on insert, under a lock, so the chain follows
-- the sequence; each hash covers the previous row's hash and the row's own fields.
CREATE SEQUENCE IF NOT EXISTS access_log_seq;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION access_log_digest(prev_hash text, r access_log) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(jsonb_build_array(
    prev_hash,
    r.seq,
    to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    r.user_id,
    r.organisation_id,
    r.individual_id,
    r.plan_id,
    r.action,
    r.purpose,
    r.request_id
  )::text, 'UTF8')), 'hex')
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION access_log_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  last_hash text;
BEGIN
  -- One writer at a time extends the chain; the lock is held until the transaction ends.
  PERFORM pg_advisory_xact_lock(hashtext('access_log_chain'));
  NEW.seq := nextval('access_log_seq');
  SELECT hash INTO last_hash FROM access_log ORDER BY seq DESC LIMIT 1;
  NEW.prev_hash := coalesce(last_hash, 'genesis');
  NEW.hash := access_log_digest(NEW.prev_hash, NEW);
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION access_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'access_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER access_log_chain_before_insert BEFORE INSERT ON access_log
  FOR EACH ROW EXECUTE FUNCTION access_log_chain();
--> statement-breakpoint
CREATE TRIGGER access_log_refuse_update_delete BEFORE UPDATE OR DELETE ON access_log
  FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change();
--> statement-breakpoint
CREATE TRIGGER access_log_refuse_truncate BEFORE TRUNCATE ON access_log
  FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change();
