CREATE TABLE "worklist_notices" (
	"plan_id" uuid NOT NULL,
	"item_key" text NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	CONSTRAINT "worklist_notices_plan_id_item_key_pk" PRIMARY KEY("plan_id","item_key")
);
