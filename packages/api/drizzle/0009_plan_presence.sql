-- Presence: the open live event streams of each plan, by organisation, renewed by the instance
-- serving them and expiring when it stops. sip_service is granted its rights on it by
-- sip_grant_service_role(), which runs after every migration.
CREATE TABLE "plan_presence" (
	"stream_id" uuid PRIMARY KEY NOT NULL,
	"plan_id" uuid NOT NULL,
	"organisation_id" text NOT NULL,
	"instance_id" uuid NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"seen_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "plan_presence_plan_idx" ON "plan_presence" USING btree ("plan_id","expires_at");--> statement-breakpoint
CREATE INDEX "plan_presence_instance_idx" ON "plan_presence" USING btree ("instance_id");--> statement-breakpoint
CREATE INDEX "plan_presence_expires_idx" ON "plan_presence" USING btree ("expires_at");