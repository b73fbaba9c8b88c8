CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"plan_id" uuid NOT NULL,
	"side" text NOT NULL,
	"revision" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"delivered_at" timestamp with time zone,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "plan_sources" (
	"plan_id" uuid NOT NULL,
	"side" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"last_attempt_at" timestamp with time zone NOT NULL,
	"last_success_at" timestamp with time zone,
	"patient_id" text,
	"demographics" jsonb,
	CONSTRAINT "plan_sources_plan_id_side_pk" PRIMARY KEY("plan_id","side")
);
--> statement-breakpoint
ALTER TABLE "plan_sources" ADD CONSTRAINT "plan_sources_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("side","plan_id","id") WHERE delivered_at is null;