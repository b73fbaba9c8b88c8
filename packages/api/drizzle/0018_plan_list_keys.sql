-- The list of plans is paged by its key, most recently changed first (updated_at, id), and the
-- follow-up list reads the plans in force by their follow-up date: a page costs what its plans
-- cost, not a sort of every plan the organisation takes part in.
CREATE INDEX "plans_changed_idx" ON "plans" USING btree ("updated_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "plans_follow_up_due_idx" ON "plans" USING btree ("follow_up_date","updated_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "plans"."status" in ('active', 'followed_up');