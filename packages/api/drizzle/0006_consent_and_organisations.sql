CREATE TABLE "organisations" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"upstream" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "outcome" text;--> statement-breakpoint
UPDATE "outbox" SET "outcome" = 'delivered' WHERE "delivered_at" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "plan_organisations" ADD COLUMN "access" text DEFAULT 'member' NOT NULL;--> statement-breakpoint
ALTER TABLE "plans" ADD COLUMN "initiator" text DEFAULT 'region' NOT NULL;--> statement-breakpoint
-- A plan's initiator: the principal whose organisation recorded its first revision.
UPDATE "plans" p SET "initiator" = po."principal"
FROM "plan_revisions" r
JOIN "plan_organisations" po ON po."organisation_id" = r."changed_by_organisation"
WHERE r."plan_id" = p."id" AND r."revision" = 1 AND po."plan_id" = p."id";--> statement-breakpoint
ALTER TABLE "plans" ALTER COLUMN "initiator" DROP DEFAULT;--> statement-breakpoint
-- The initiator sees its plan; the other principal only once a consent has been recorded.
UPDATE "plan_organisations" po SET "access" = CASE
  WHEN po."principal" = p."initiator" THEN 'initiator'
  WHEN p."consent" IS NOT NULL THEN 'member'
  ELSE 'pending' END
FROM "plans" p WHERE p."id" = po."plan_id";--> statement-breakpoint
ALTER TABLE "plans" ADD COLUMN "protected_identity" boolean DEFAULT false NOT NULL;
