CREATE TABLE "access_log" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"user_id" text NOT NULL,
	"organisation_id" text NOT NULL,
	"individual_id" text,
	"plan_id" uuid,
	"action" text NOT NULL,
	"purpose" text NOT NULL,
	"request_id" text,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plan_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"plan_id" uuid NOT NULL,
	"type" text NOT NULL,
	"part_id" uuid,
	"version" integer NOT NULL,
	"revision" integer NOT NULL,
	"organisation_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plan_organisations" (
	"plan_id" uuid NOT NULL,
	"organisation_id" text NOT NULL,
	"principal" text NOT NULL,
	CONSTRAINT "plan_organisations_plan_id_organisation_id_pk" PRIMARY KEY("plan_id","organisation_id")
);
--> statement-breakpoint
CREATE TABLE "plan_parts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"plan_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"organisation_id" text,
	"organisation_name" text,
	"content" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plan_revisions" (
	"plan_id" uuid NOT NULL,
	"revision" integer NOT NULL,
	"change" text NOT NULL,
	"part_id" uuid,
	"changed_by_user" text NOT NULL,
	"changed_by_organisation" text NOT NULL,
	"changed_at" timestamp with time zone NOT NULL,
	"snapshot" jsonb NOT NULL,
	CONSTRAINT "plan_revisions_plan_id_revision_pk" PRIMARY KEY("plan_id","revision")
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"id" uuid PRIMARY KEY NOT NULL,
	"individual_id" text NOT NULL,
	"individual_id_kind" text NOT NULL,
	"individual_name" text,
	"status" text NOT NULL,
	"fields" jsonb NOT NULL,
	"consent" jsonb,
	"participants" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"revision" integer DEFAULT 1 NOT NULL,
	"follow_up_date" date,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "plan_organisations" ADD CONSTRAINT "plan_organisations_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_parts" ADD CONSTRAINT "plan_parts_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_revisions" ADD CONSTRAINT "plan_revisions_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_log_org_at_idx" ON "access_log" USING btree ("organisation_id","at");--> statement-breakpoint
CREATE INDEX "access_log_individual_idx" ON "access_log" USING btree ("individual_id","at");--> statement-breakpoint
CREATE INDEX "plan_events_plan_idx" ON "plan_events" USING btree ("plan_id","id");--> statement-breakpoint
CREATE INDEX "plan_organisations_org_idx" ON "plan_organisations" USING btree ("organisation_id","plan_id");--> statement-breakpoint
CREATE UNIQUE INDEX "plan_parts_plan_kind_idx" ON "plan_parts" USING btree ("plan_id","kind");--> statement-breakpoint
CREATE INDEX "plans_individual_idx" ON "plans" USING btree ("individual_id");--> statement-breakpoint
CREATE INDEX "plans_follow_up_idx" ON "plans" USING btree ("follow_up_date");