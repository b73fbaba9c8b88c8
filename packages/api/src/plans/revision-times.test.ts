/**
 * A plan's revisions are made one at a time, under the plan's lock, and each one's time is
 * taken after the lock: their times strictly increase with their numbers, however the two
 * principals' edits interleave and however coarse or unkind the clock.
 */
import type { PlanView } from '@sip/shared';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rowsOf } from '../db/rows.ts';
import type { Clock } from '../http/context.ts';
import { revisionTime } from './plans.service.ts';
import { buildTestApp, describeEachDatabase, etagVersion, staffClient, usePeers } from '../test-support/index.ts';

const peers = usePeers();

interface Version {
  revision: number;
  change: string;
  changedBy: { organisationId: string };
  changedAt: string;
}

const clocks: [string, Clock][] = [
  ['the system clock', { now: () => new Date() }],
  // Whole seconds, as some hosts give: many revisions share a reading.
  ['a clock that reads whole seconds', { now: () => new Date(Math.floor(Date.now() / 1000) * 1000) }],
  // Set back by a second now and then, as a clock being corrected is.
  ['a clock that is set back now and then', { now: () => new Date(Date.now() - (Math.floor(Date.now() / 50) % 3 === 0 ? 1000 : 0)) }],
  // Stopped, as a test's clock is: every revision after the first is ahead of it.
  ['a clock that stands still', { now: () => new Date('2026-12-01T10:00:00.000Z') }],
];

describe('the time of a revision', () => {
  it('is the clock’s, unless that is not after the previous revision’s: then a millisecond after it', () => {
    const previous = new Date('2026-12-01T10:00:00.000Z');
    expect(revisionTime(new Date('2026-12-01T10:00:00.005Z'), previous).toISOString()).toBe('2026-12-01T10:00:00.005Z');
    expect(revisionTime(new Date('2026-12-01T10:00:00.000Z'), previous).toISOString()).toBe('2026-12-01T10:00:00.001Z');
    expect(revisionTime(new Date('2026-12-01T09:59:59.000Z'), previous).toISOString()).toBe('2026-12-01T10:00:00.001Z');
    expect(revisionTime(new Date('2026-12-01T09:59:59.000Z'), undefined).toISOString()).toBe('2026-12-01T09:59:59.000Z');
  });
});

describeEachDatabase('revisions of one plan edited by both principals at once', (ctx) => {
  for (const [name, clock] of clocks) {
    it(`with ${name}: revision times strictly increase with the revision number`, async () => {
      const t = await buildTestApp({ database: ctx.database, peers: peers.urls, clock });
      const coordinator = await staffClient(t, 'region-coordinator');
      const plan = await coordinator.createSharedPlan();
      const editors = {
        region: await staffClient(t, 'region-physician'),
        municipality: await staffClient(t, 'municipality-homecare'),
      };
      const EDITS = 15;

      // Each principal edits its own part, one edit after another; the two run side by side.
      const edit = async (principal: 'region' | 'municipality') => {
        const part = plan.parts.find((p) => p.principal === principal)!;
        let version = part.version;
        for (let i = 0; i < EDITS; i++) {
          const res = await editors[principal].request(`/api/plans/${plan.id}/parts/${part.id}`, {
            method: 'PATCH',
            ifMatch: version,
            body: { goals: [{ text: `${principal} mål ${i}` }] },
          });
          expect(res.status, await res.clone().text()).toBe(200);
          version = etagVersion(res);
        }
      };
      await Promise.all([edit('region'), edit('municipality')]);

      const res = await coordinator.request(`/api/plans/${plan.id}/versions`);
      expect(res.status).toBe(200);
      const { versions } = (await res.json()) as { versions: Version[] };
      const edits = versions.filter((v) => v.change === 'part.updated');
      expect(edits).toHaveLength(2 * EDITS);
      expect(new Set(edits.map((v) => v.changedBy.organisationId)).size).toBe(2);
      expect(versions.map((v) => v.revision)).toEqual(versions.map((_, i) => i + 1));
      for (let i = 1; i < versions.length; i++) {
        const [before, after] = [versions[i - 1]!, versions[i]!];
        expect(Date.parse(after.changedAt), `revision ${after.revision} (${after.changedAt}) after revision ${before.revision} (${before.changedAt})`).toBeGreaterThan(
          Date.parse(before.changedAt),
        );
      }
      const current = (await (await coordinator.request(`/api/plans/${plan.id}`)).json()) as PlanView;
      expect(current.updatedAt).toBe(versions[versions.length - 1]!.changedAt);

      // A revision ahead of the clock is still due for publication by the clock: none is left
      // waiting (a clock set back holds an item back only until it reads its time again).
      const waiting = async () =>
        Number(
          rowsOf<{ n: number | string }>(
            await ctx.database.db.execute(sql`select count(*) as n from outbox where plan_id = ${plan.id} and delivered_at is null and set_aside_at is null`),
          )[0]?.n,
        );
      for (let tries = 0; tries < 10; tries++) {
        await t.outbox.drain();
        if ((await waiting()) === 0) break;
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(await waiting()).toBe(0);
      await t.events.close();
    });
  }
});
