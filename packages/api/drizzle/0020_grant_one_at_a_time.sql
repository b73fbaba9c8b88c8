-- Every start of the service grants its role what it needs (sip_grant_service_role). Instances
-- that start at the same moment ran it at once, and one could fail to start. It now takes a lock
-- for its transaction first; what it grants is unchanged.
CREATE OR REPLACE FUNCTION sip_grant_service_role() RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
  -- One at a time: instances starting together each run this, and two GRANTs on the same object
  -- at once fail with "tuple concurrently updated".
  PERFORM pg_advisory_xact_lock(hashtext('sip_grant_service_role'));
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
