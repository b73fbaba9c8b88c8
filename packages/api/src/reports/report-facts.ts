/**
 * The summary tables the relatives-support report reads (`report_status_spans`, `report_items`,
 * `report_facts`), kept by the database function `sip_report_refresh` (migration
 * `0014_report_facts`): set-based, from the plans' own rows, in the caller's transaction.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';

/**
 * Brings the report's summary of the given plans up to date with their status, follow-up date
 * and relatives section as they now stand. Called by the change pipeline after a change to any
 * of those; a change to a principal's own part leaves them as they are.
 */
export async function refreshReportFacts(tx: Db, planIds: readonly string[]): Promise<void> {
  if (planIds.length === 0) return;
  await tx.execute(sql`select sip_report_refresh(array[${sql.join(planIds.map((id) => sql`${id}`), sql`, `)}]::uuid[])`);
}

/** Whether a change touches what the report summarises: plan-level changes and the relatives section. */
export function changeTouchesReport(change: { partId: string | null }, relativesPartId: string | undefined): boolean {
  return change.partId === null || change.partId === relativesPartId;
}
