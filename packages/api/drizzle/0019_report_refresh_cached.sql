-- The report's facts are refreshed with every change of a relatives section, in its transaction.
-- As a SQL function its statements were planned again on every call (about 4.5 ms of the 7.5 ms
-- one plan's refresh took); in PL/pgSQL each connection plans them once and keeps the plans.
-- The statements are those of 0017, unchanged.
CREATE OR REPLACE FUNCTION sip_report_refresh(plan_ids uuid[]) RETURNS void
LANGUAGE plpgsql SET jit = off AS $$
BEGIN
  -- The status in force: a span closed when the plan left it, a new one opened when it entered one.
  UPDATE report_status_spans s SET until_at = p.updated_at
    FROM plans p
    WHERE p.id = ANY(plan_ids) AND s.plan_id = p.id AND s.until_at IS NULL AND s.status <> p.status;
  INSERT INTO report_status_spans (plan_id, status, from_at, due_on)
    SELECT p.id, p.status, p.updated_at, CASE WHEN p.status = 'followed_up' THEN p.follow_up_date END
    FROM plans p
    WHERE p.id = ANY(plan_ids) AND NOT EXISTS (SELECT 1 FROM report_status_spans s WHERE s.plan_id = p.id AND s.until_at IS NULL)
    ON CONFLICT DO NOTHING;
  -- Relatives and the support offered to them, first seen when the section last changed.
  INSERT INTO report_items (plan_id, item, kind, first_at, child)
    SELECT DISTINCT ON (plan_id, item) plan_id, item, kind, first_at, child FROM (
      SELECT pp.plan_id, r.value->>'id' AS item, 'relative' AS kind, pp.updated_at AS first_at, coalesce(r.value->>'child' = 'true', false) AS child
        FROM plan_parts pp, jsonb_array_elements(CASE WHEN jsonb_typeof(pp.content->'relatives') = 'array' THEN pp.content->'relatives' ELSE '[]'::jsonb END) r
        WHERE pp.plan_id = ANY(plan_ids) AND pp.kind = 'relatives' AND r.value->>'id' IS NOT NULL
      UNION ALL
      SELECT pp.plan_id, (r.value->>'id') || '/support/' || o.value, 'support.' || o.value, pp.updated_at, false
        FROM plan_parts pp, jsonb_array_elements(CASE WHEN jsonb_typeof(pp.content->'relatives') = 'array' THEN pp.content->'relatives' ELSE '[]'::jsonb END) r,
          jsonb_array_elements_text(CASE WHEN jsonb_typeof(r.value->'support'->'offered') = 'array' THEN r.value->'support'->'offered' ELSE '[]'::jsonb END) o
        WHERE pp.plan_id = ANY(plan_ids) AND pp.kind = 'relatives' AND r.value->>'id' IS NOT NULL
    ) seen
    ORDER BY plan_id, item
    ON CONFLICT (plan_id, item) DO UPDATE SET child = excluded.child;
  -- The section's dated events, rebuilt.
  DELETE FROM report_facts WHERE plan_id = ANY(plan_ids);
  INSERT INTO report_facts (plan_id, kind, on_day, days)
  WITH rel AS (
    SELECT pp.plan_id, r.n AS rn, r.value AS r
      FROM plan_parts pp, jsonb_array_elements(CASE WHEN jsonb_typeof(pp.content->'relatives') = 'array' THEN pp.content->'relatives' ELSE '[]'::jsonb END) WITH ORDINALITY r(value, n)
      WHERE pp.plan_id = ANY(plan_ids) AND pp.kind = 'relatives'
  ), ev AS (
    -- Each event of each commitment: the plan, the relative's place, the commitment's, the event's.
    SELECT rel.plan_id, rel.rn, c.n AS cn, e.n, e.value->>'status' AS status, e.value->>'by' AS actor, sip_report_day(e.value->>'at') AS day,
      coalesce(c.value->>'kind', 'unspecified') AS ckind
      FROM rel,
        jsonb_array_elements(CASE WHEN jsonb_typeof(rel.r->'commitments') = 'array' THEN rel.r->'commitments' ELSE '[]'::jsonb END) WITH ORDINALITY c(value, n),
        jsonb_array_elements(CASE WHEN jsonb_typeof(c.value->'history') = 'array' THEN c.value->'history' ELSE '[]'::jsonb END) WITH ORDINALITY e(value, n)
  ), req AS (
    SELECT rel.plan_id, q.value->>'kind' AS kind, sip_report_day(q.value->>'at') AS day,
      coalesce(sip_report_day(q.value->>'handledAt'),
        CASE WHEN q.value->>'kind' = 'contact-consultant' AND (rel.r->'support'->>'referredToConsultantAt') >= (q.value->>'at')
          THEN sip_report_day(rel.r->'support'->>'referredToConsultantAt') END) AS handled
      FROM rel, jsonb_array_elements(CASE WHEN jsonb_typeof(rel.r->'support'->'requests') = 'array' THEN rel.r->'support'->'requests' ELSE '[]'::jsonb END) q
  ), home AS (
    SELECT rel.plan_id, h.value->>'consent' AS consent, sip_report_day(h.value->>'at') AS day
      FROM rel, jsonb_array_elements(CASE
        WHEN jsonb_typeof(rel.r->'homeConsent'->'history') = 'array' THEN rel.r->'homeConsent'->'history'
        WHEN jsonb_typeof(rel.r->'homeConsent') = 'object' THEN jsonb_build_array(rel.r->'homeConsent')
        ELSE '[]'::jsonb END) h
  ), taken AS (
    SELECT rel.plan_id, t.value->>'kind' AS kind,
      CASE WHEN t.value->>'at' ~ '^\d{4}-\d{2}-\d{2}$' THEN (t.value->>'at')::date END AS day
      FROM rel, jsonb_array_elements(CASE WHEN jsonb_typeof(rel.r->'support'->'takenUp') = 'array' THEN rel.r->'support'->'takenUp' ELSE '[]'::jsonb END) t
  ), answered AS (
    -- For each proposal, the relative's answers after it on the same commitment, the first kept.
    SELECT DISTINCT ON (r.plan_id, r.rn, r.cn, r.n) r.plan_id, a.day, a.day - r.day AS days
      FROM ev r JOIN ev a ON a.plan_id = r.plan_id AND a.rn = r.rn AND a.cn = r.cn AND a.n > r.n
      WHERE r.status = 'requested' AND a.actor = 'relative' AND a.status <> 'requested'
      ORDER BY r.plan_id, r.rn, r.cn, r.n, a.n
  ), facts AS (
    -- Each event of a commitment with the commitment's kind: commitment.<status>.<kind>.
    SELECT plan_id, 'commitment.' || status || '.' || ckind AS kind, day, NULL::integer AS days FROM ev
    UNION ALL
    -- The relative's first answer to each proposal, and the days it took.
    SELECT plan_id, 'commitment.answered', day, days FROM answered
    UNION ALL
    -- Whatever staff did next after a withdrawal: the re-planning, and the days until it.
    SELECT w.plan_id, 'withdrawal.replanned', nx.day, nx.day - w.day FROM ev w
      JOIN ev nx ON nx.plan_id = w.plan_id AND nx.rn = w.rn AND nx.cn = w.cn AND nx.n = w.n + 1
      WHERE w.status = 'withdrawn'
    UNION ALL
    SELECT plan_id, 'request.' || kind, day, NULL FROM req
    UNION ALL
    SELECT plan_id, 'request.' || kind || '.handled', handled, handled - day FROM req WHERE handled IS NOT NULL
    UNION ALL
    SELECT plan_id, CASE WHEN consent = 'true' THEN 'home-consent.given' ELSE 'home-consent.refused' END, day, NULL FROM home
    UNION ALL
    -- Support the relative took up, on the day staff recorded for it.
    SELECT plan_id, 'support.taken-up.' || kind, day, NULL FROM taken WHERE kind IS NOT NULL
  )
  SELECT plan_id, kind, day, days FROM facts WHERE day IS NOT NULL;
END;
$$;
