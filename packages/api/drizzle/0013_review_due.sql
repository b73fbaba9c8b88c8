-- The review-due watcher by index: each plan keeps the earliest review date among its relatives'
-- commitments in force, written with every change. Plans made before this have it set to the
-- earliest day, so the watcher looks at each of them once and writes the real date.
ALTER TABLE "plans" ADD COLUMN "review_due_on" date;--> statement-breakpoint
CREATE INDEX "plans_review_due_idx" ON "plans" USING btree ("review_due_on") WHERE "plans"."review_due_on" is not null and "plans"."status" <> 'closed';--> statement-breakpoint
UPDATE "plans" SET "review_due_on" = DATE '0001-01-01' WHERE "status" <> 'closed' AND EXISTS (SELECT 1 FROM "plan_parts" WHERE "plan_parts"."plan_id" = "plans"."id" AND "plan_parts"."kind" = 'relatives');
