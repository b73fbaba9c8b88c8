CREATE TABLE "idempotency_keys" (
	"principal_key" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer NOT NULL,
	"body" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "idempotency_keys_principal_key_key_pk" PRIMARY KEY("principal_key","key")
);
