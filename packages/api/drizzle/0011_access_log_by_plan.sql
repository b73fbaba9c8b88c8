-- The access log by plan: an auditor follows up every access to one plan.
CREATE INDEX "access_log_plan_idx" ON "access_log" USING btree ("plan_id","at");