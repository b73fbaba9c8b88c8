-- The EHR id tokens already exchanged for a staff token (POST /token): each id token is
-- exchanged once. Rows expire with the id token and are removed by any instance. sip_service is
-- granted its rights on it by sip_grant_service_role(), which runs after every migration.
CREATE TABLE "exchanged_id_tokens" (
	"digest" text PRIMARY KEY NOT NULL,
	"exchanged_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "exchanged_id_tokens_expires_idx" ON "exchanged_id_tokens" USING btree ("expires_at");