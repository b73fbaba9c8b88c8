-- Who made each change, by name: the staff member's name as their token gave it and their
-- organisation's name as the service knew it, kept with the version when it is made.
ALTER TABLE "plan_revisions" ADD COLUMN "changed_by_name" text;--> statement-breakpoint
ALTER TABLE "plan_revisions" ADD COLUMN "changed_by_organisation_name" text;