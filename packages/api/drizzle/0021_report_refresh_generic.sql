-- sip_report_refresh planned its statements again on every call: PL/pgSQL keeps a generic plan
-- only when it does not look dearer than the plans made for each call, and for `= ANY(plan_ids)`
-- over JSON arrays the planner's guesses always made it look dearer. Planning was nearly all of
-- a refresh (0.9 ms of a one-plan refresh, 0.08 ms with the generic plan kept); over every plan
-- at once the generic plan is no slower. What the function writes is unchanged.
ALTER FUNCTION sip_report_refresh(uuid[]) SET plan_cache_mode = force_generic_plan;
