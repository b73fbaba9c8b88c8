import { attentionItems, decide, reviewDueOn, SYSTEM_PREFIX, type PlanFields, type PlanStatus } from '@sip/shared';
import { and, asc, eq, gt, inArray, isNotNull, lt, ne } from 'drizzle-orm';
import type { Database, Db } from '../db/database.ts';
import { planOrganisations, planParts, plans, worklistNotices } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import { PlansService, type Recorder } from '../plans/plans.service.ts';
import { relativesOf, type StoredRelative } from './relatives.service.ts';

/** Plans read at a time. */
const PAGE = 500;

/** The broker, recording on its own that a review date has passed. */
export const REVIEW_DUE_USER = `${SYSTEM_PREFIX}review-due`;

export interface ReviewDueOptions {
  /** How often to look for review dates that have passed (default: every 15 minutes). */
  intervalMs: number;
  /** Told of each run's outcome (for the metrics). */
  onRun?: (outcome: 'ok' | 'failed') => void;
}

/**
 * Raises the work-list items that arise only because time passes: a relative's commitment
 * past its review date. Nothing else changes the plan then, so without this no event would
 * reach the live stream and no Task the responsible principal. Each item is raised once
 * (a row in `worklist_notices`, claimed in the raising transaction), as a plan change of
 * its own: a revision, a `worklist.commitment-review-due` event, and publication upstream,
 * where it becomes a Task to the principal responsible for the plan.
 */
export class ReviewDueWatcher {
  private readonly plans: PlansService;
  private readonly options: ReviewDueOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly database: Database,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
    options: Partial<ReviewDueOptions> = {},
  ) {
    this.plans = new PlansService(database.db, now);
    this.options = { intervalMs: 15 * 60_000, ...options };
  }

  /**
   * Looks once; resolves with the number of plans in which something was raised. Only the plans
   * whose earliest review date in force has passed are read (by index, a page at a time), so the
   * cost follows the due items, not the number of plans. Items already raised are skipped
   * without a write.
   */
  async tick(): Promise<number> {
    const today = this.now().toISOString().slice(0, 10);
    let raised = 0;
    let after: string | null = null;
    for (;;) {
      const page = await this.database.db
        .select({ id: plans.id, revision: plans.revision, status: plans.status, fields: plans.fields, reviewDueOn: plans.reviewDueOn, content: planParts.content })
        .from(plans)
        .innerJoin(planParts, and(eq(planParts.planId, plans.id), eq(planParts.kind, 'relatives')))
        .where(and(isNotNull(plans.reviewDueOn), lt(plans.reviewDueOn, today), ne(plans.status, 'closed'), after === null ? undefined : gt(plans.id, after)))
        .orderBy(asc(plans.id))
        .limit(PAGE);
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      const noticed = await this.noticed(page.map((row) => row.id));
      for (const row of page) {
        const relatives = relativesOf(row.content);
        const earliest = reviewDueOn(relatives);
        // Written before the date was kept with the plan: set it right, unless a change came
        // in between (which kept its own).
        if (earliest !== row.reviewDueOn) {
          await this.database.db
            .update(plans)
            .set({ reviewDueOn: earliest })
            .where(and(eq(plans.id, row.id), eq(plans.revision, row.revision)));
        }
        if (!decide('worklist.raise', 'broker', { status: row.status as PlanStatus }).allowed) continue;
        const due = this.dueKeys(relatives, today).filter((key) => !noticed.has(`${row.id} ${key}`));
        if (due.length === 0) continue;
        if (await this.raise(row.id, row.fields as PlanFields, due)) raised++;
      }
      if (page.length < PAGE) break;
    }
    return raised;
  }

  /** The items already raised in these plans, as `<plan id> <item key>`. */
  private async noticed(planIds: string[]): Promise<Set<string>> {
    const rows = await this.database.db
      .select({ planId: worklistNotices.planId, itemKey: worklistNotices.itemKey })
      .from(worklistNotices)
      .where(inArray(worklistNotices.planId, planIds));
    return new Set(rows.map((r) => `${r.planId} ${r.itemKey}`));
  }

  /** The passed review dates on the section's work list, as the staff work list shows them. */
  private dueKeys(relatives: StoredRelative[], today: string): string[] {
    return attentionItems(relatives, today)
      .filter((item) => item.open && item.kind === 'commitment-review-due')
      .map((item) => item.key);
  }

  /** Claims the notices and records the change, in one transaction; false when another instance was first. */
  private async raise(planId: string, fields: PlanFields, keys: string[]): Promise<boolean> {
    return this.database.db.transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      const at = this.now();
      const claimed = await tx
        .insert(worklistNotices)
        .values(keys.map((itemKey) => ({ planId, itemKey, raisedAt: at })))
        .onConflictDoNothing()
        .returning({ itemKey: worklistNotices.itemKey });
      if (claimed.length === 0) return false;
      const [part] = await tx
        .select({ id: planParts.id, version: planParts.version })
        .from(planParts)
        .where(and(eq(planParts.planId, planId), eq(planParts.kind, 'relatives')));
      const organisations = await tx.select().from(planOrganisations).where(eq(planOrganisations.planId, planId));
      const responsible = organisations.find((o) => o.principal === fields.overallResponsibility) ?? organisations[0];
      if (!part || !responsible) return false;
      const recorder: Recorder = { principal: { userId: REVIEW_DUE_USER, organisationId: responsible.organisationId }, requestId: null };
      await this.plans.commitChange(tx, recorder, planId, {
        type: 'worklist.commitment-review-due',
        partId: part.id,
        version: part.version,
        action: 'worklist.raise',
      });
      return true;
    });
  }

  /** Looks now, then at every interval, until stopped. Failures are logged and tried again next time. */
  start(): void {
    const run = () => {
      this.running = this.tick().then(
        () => this.options.onRun?.('ok'),
        (error: unknown) => {
          this.options.onRun?.('failed');
          // Name and code only: a database message may quote values.
          const { name, code } = error as { name?: string; code?: string };
          this.logger.error({ err: { name, code } }, 'review-due watcher failed; will try again');
        },
      );
    };
    run();
    this.timer = setInterval(run, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
