CREATE TABLE "access_log_numbering" (
	"gap_free_after" bigint NOT NULL
);
--> statement-breakpoint
-- Entries up to here were numbered from a sequence, where a rolled-back insert left a hole;
-- from here on every entry is numbered one more than the entry before it.
INSERT INTO "access_log_numbering" ("gap_free_after") SELECT coalesce(max("seq"), 0) FROM "access_log";
--> statement-breakpoint
CREATE TRIGGER access_log_numbering_refuse_update_delete BEFORE UPDATE OR DELETE ON access_log_numbering
  FOR EACH ROW EXECUTE FUNCTION access_log_refuse_change();
--> statement-breakpoint
CREATE TRIGGER access_log_numbering_refuse_truncate BEFORE TRUNCATE ON access_log_numbering
  FOR EACH STATEMENT EXECUTE FUNCTION access_log_refuse_change();
--> statement-breakpoint
-- Gap-free numbering: the next number is taken under the chain lock from the newest entry
-- committed, so an insert that is rolled back leaves no hole, and a hole is a deleted entry.
CREATE OR REPLACE FUNCTION access_log_chain() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  last_seq bigint;
  last_hash text;
BEGIN
  -- One writer at a time extends the chain; the lock is held until the transaction ends.
  PERFORM pg_advisory_xact_lock(hashtext('access_log_chain'));
  SELECT seq, hash INTO last_seq, last_hash FROM access_log ORDER BY seq DESC LIMIT 1;
  NEW.seq := coalesce(last_seq, 0) + 1;
  NEW.prev_hash := coalesce(last_hash, 'genesis');
  NEW.hash := access_log_digest(NEW.prev_hash, NEW);
  RETURN NEW;
END
$$;
--> statement-breakpoint
DROP SEQUENCE IF EXISTS access_log_seq;
--> statement-breakpoint
-- The service's own role, sip_service: everything it needs, and of the access log only to
-- insert and read. Whoever owns the tables (and runs the migrations) keeps the rest. Run after
-- every migration, so tables added later are granted too. Without the right to create roles
-- and with no sip_service role made by an administrator, it grants nothing and says so.
CREATE OR REPLACE FUNCTION sip_grant_service_role() RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sip_service') THEN
    IF NOT (SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user) THEN
      RETURN 'no role sip_service, and no right to create it';
    END IF;
    BEGIN
      CREATE ROLE sip_service NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- made at the same moment by a migration of another database on the server
    END;
  END IF;
  GRANT USAGE ON SCHEMA public TO sip_service;
  GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO sip_service;
  GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO sip_service;
  REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON access_log, access_log_numbering FROM sip_service;
  REVOKE INSERT ON access_log_numbering FROM sip_service;
  RETURN 'granted';
END
$$;
