import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.ts';
import { rowsOf } from '../db/rows.ts';
import { accessEntry, buildTestApp, describeEachDatabase, staffClient, type TestApp, usePeers } from '../test-support/index.ts';
import { chainAccessLog, recordAccess, verifyAccessLog, type AccessEntry } from './access-log.ts';
import { verifyAccessLogCommand } from './verify-command.ts';

const peers = usePeers({ seed: false });

const entry = accessEntry;

type Entry = { seq: number; userId: string; organisationId: string; individualId: string | null; planId: string | null; action: string; purpose: string; requestId: string | null };

describeEachDatabase('the access log', (ctx) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ database: ctx.database, peers: peers.urls });
  });

  it('records every read and write of a plan: who, which organisation, individual, plan, action, purpose, request', async () => {
    const coordinator = await staffClient(t, 'region-coordinator');
    const physician = await staffClient(t, 'region-physician');
    const auditor = await staffClient(t, 'region-auditor');
    const plan = await coordinator.createPlan({ individual: { personId: '195202149836' } });
    const read = await physician.request(`/api/plans/${plan.id}`);
    await physician.request(`/api/plans/${plan.id}/versions`);
    await physician.request('/api/plans?limit=100');

    const res = await auditor.request('/api/access-log/search', { method: 'POST', body: { individual: '195202149836' } });
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: Entry[] };
    expect(items.map((i) => [i.userId, i.action])).toEqual([
      ['SE2321000099-7P01', 'plan.create'],
      // Creating a plan fills it from the upstreams: a sync, logged even though the peers hold nothing.
      ['SE2321000099-7P01', 'plan.sync'],
      ['SE2321000099-7P02', 'plan.read'],
      ['SE2321000099-7P02', 'versions.read'],
      ['SE2321000099-7P02', 'plan.list'],
    ]);
    const readEntry = items[2]!;
    expect(readEntry).toMatchObject({
      organisationId: 'SE2321000099-7RG1',
      individualId: '195202149836',
      planId: plan.id,
      purpose: 'care-coordination',
      requestId: read.headers.get('x-request-id'),
    });
  });

  it("shows an organisation only its own users' entries, filtered by user and time", async () => {
    const regionCoordinator = await staffClient(t, 'region-coordinator');
    const homecare = await staffClient(t, 'municipality-homecare');
    // Shared with the municipality, so that its staff can read it and be logged.
    const plan = await regionCoordinator.createSharedPlan({ individual: { personId: '198304179859' } });
    expect((await homecare.request(`/api/plans/${plan.id}`)).status).toBe(200);
    const theirs = rowsOf<{ organisation_id: string; action: string }>(
      await ctx.database.db.execute(sql`select organisation_id, action from access_log where individual_id = '198304179859' and organisation_id <> 'SE2321000099-7RG1'`),
    );
    expect(theirs).toEqual([{ organisation_id: 'SE2120000099-7KM1', action: 'plan.read' }]);
    const regionAuditor = await staffClient(t, 'region-auditor');
    const mine = (await (await regionAuditor.request('/api/access-log/search', { method: 'POST', body: { individual: '198304179859' } })).json()) as { items: Entry[] };
    expect(mine.items.every((i) => i.organisationId === 'SE2321000099-7RG1')).toBe(true);
    expect(mine.items.map((i) => i.action)).toEqual(['plan.create', 'plan.sync', 'consent.update', 'plan.sync']);

    const byUser = (await (await regionAuditor.request('/api/access-log/search', { method: 'POST', body: { userId: 'SE2321000099-7P01', from: '2000-01-01T00:00:00Z' } })).json()) as { items: Entry[] };
    expect(byUser.items.length).toBeGreaterThan(0);
    expect(byUser.items.every((i) => i.userId === 'SE2321000099-7P01')).toBe(true);
    const future = (await (await regionAuditor.request('/api/access-log/search', { method: 'POST', body: { from: '2999-01-01T00:00:00Z' } })).json()) as { items: Entry[] };
    expect(future.items).toEqual([]);
  });

  it('logs every sync for the caller, even one that changes nothing', async () => {
    const coordinator = await staffClient(t, 'region-coordinator');
    const physician = await staffClient(t, 'region-physician');
    const auditor = await staffClient(t, 'region-auditor');
    const plan = await coordinator.createPlan({ individual: { personId: '195811129849' } });

    // The peers hold nothing for this individual: the sync leaves the plan as it was.
    const res = await physician.request(`/api/plans/${plan.id}/sync`, { method: 'POST' });
    expect(res.status).toBe(200);
    const synced = (await res.json()) as { version: number; revision: number };
    expect([synced.version, synced.revision]).toEqual([plan.version, plan.revision]);

    const { items } = (await (await auditor.request('/api/access-log/search', { method: 'POST', body: { individual: '195811129849' } })).json()) as { items: Entry[] };
    const byPhysician = items.filter((i) => i.userId === 'SE2321000099-7P02');
    expect(byPhysician.map((i) => i.action)).toEqual(['plan.sync']);
    expect(byPhysician[0]).toMatchObject({
      organisationId: 'SE2321000099-7RG1',
      individualId: '195811129849',
      planId: plan.id,
      purpose: 'care-coordination',
      requestId: res.headers.get('x-request-id'),
    });
  });

  it("filters by plan: only that plan's entries of the organisation, and a plan id that is no UUID is refused", async () => {
    const coordinator = await staffClient(t, 'region-coordinator');
    const physician = await staffClient(t, 'region-physician');
    const auditor = await staffClient(t, 'region-auditor');
    const plan = await coordinator.createPlan({ individual: { personId: '197109259858' } });
    const other = await coordinator.createPlan({ individual: { personId: '197203149831' } });
    await physician.request(`/api/plans/${plan.id}`);
    await physician.request(`/api/plans/${other.id}`);
    const search = (body: object) => auditor.request('/api/access-log/search', { method: 'POST', body });
    const res = await search({ planId: plan.id.toUpperCase(), from: '2000-01-01T00:00:00Z' });
    expect(res.status).toBe(200);
    const { items, total } = (await res.json()) as { items: Entry[]; total: number };
    expect(items.map((i) => [i.userId, i.action])).toEqual([
      ['SE2321000099-7P01', 'plan.create'],
      ['SE2321000099-7P01', 'plan.sync'],
      ['SE2321000099-7P02', 'plan.read'],
    ]);
    expect(total).toBe(3);
    expect(items.every((i) => i.planId === plan.id)).toBe(true);
    // With the other filters: the plan's entries by that user.
    const byUser = (await (await search({ planId: plan.id, userId: 'SE2321000099-7P02' })).json()) as { items: Entry[] };
    expect(byUser.items.map((i) => i.action)).toEqual(['plan.read']);
    // A plan of no entries: none.
    expect(((await (await search({ planId: '00000000-0000-4000-8000-000000000000' })).json()) as { items: Entry[] }).items).toEqual([]);
    for (const planId of ['not-a-uuid', '', 5, null, `${plan.id}x`]) {
      const bad = await search({ planId });
      expect(bad.status).toBe(422);
      expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await bad.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe('/planId');
    }
    // Auditors only, as every search of the log.
    expect((await physician.request('/api/access-log/search', { method: 'POST', body: { planId: plan.id } })).status).toBe(403);
  });

  it("produces an individual's extract, and logs that it was produced", async () => {
    const regionCoordinator = await staffClient(t, 'region-coordinator');
    const auditor = await staffClient(t, 'region-auditor');
    await regionCoordinator.createPlan({ individual: { personId: '196807059826' } });
    const res = await auditor.request('/api/access-log/extract', { method: 'POST', body: { individual: '19680705-9826' } });
    const { items } = (await res.json()) as { items: Entry[] };
    expect(items.every((i) => i.individualId === '196807059826')).toBe(true);
    expect(items.map((i) => i.action)).toContain('plan.create');
    const again = (await (await auditor.request('/api/access-log/extract', { method: 'POST', body: { individual: '196807059826' } })).json()) as { items: Entry[] };
    expect(again.items.map((i) => i.action)).toContain('access-log.extract');
  });

  it('is for auditors only, and takes the individual in the body, validated', async () => {
    const physician = await staffClient(t, 'region-physician');
    const auditor = await staffClient(t, 'region-auditor');
    expect((await physician.request('/api/access-log/search', { method: 'POST', body: {} })).status).toBe(403);
    const bad = await auditor.request('/api/access-log/search', { method: 'POST', body: { individual: '194003019802' } });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe('/individual');
  });

  it('refuses updates, deletes and truncation in the database itself', async () => {
    await recordAccess(ctx.database.db, [entry()]);
    for (const statement of [
      sql`update access_log set user_id = 'someone-else'`,
      sql`delete from access_log`,
      sql`truncate access_log`,
    ]) {
      await expect(ctx.database.db.execute(statement)).rejects.toThrow();
    }
    expect((await verifyAccessLog(ctx.database.db)).ok).toBe(true);
  });

  it('chains each entry to the one before, so verification finds the first broken link', async () => {
    await recordAccess(ctx.database.db, [entry({ requestId: 'a' }), entry({ requestId: 'b' }), entry({ requestId: 'c' })]);
    await chainAccessLog(ctx.database.db);
    const intact = await verifyAccessLog(ctx.database.db);
    expect(intact.ok).toBe(true);

    // Someone with the power to switch off the guard edits a row: the chain shows it.
    const db = ctx.database.db;
    const [target] = rowsOf<{ seq: string | number }>(
      await db.execute(sql`select seq from access_log where request_id = 'b' order by seq desc limit 1`),
    );
    const seq = Number(target!.seq);
    await ctx.asOwner(async (owner) => {
      await owner.execute(sql`alter table access_log disable trigger access_log_refuse_update_delete`);
      await owner.execute(sql`update access_log set user_id = 'SE2321000099-7P99' where seq = ${seq}`);
      await owner.execute(sql`alter table access_log enable trigger access_log_refuse_update_delete`);
    });
    expect(await verifyAccessLog(db)).toMatchObject({ ok: false, brokenAt: seq, reason: 'hash' });
  });
});

describe('the verify command', () => {
  it('reports an intact log with exit 0, and the first broken link with exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sip-verify-'));
    // In this process, with the environment the command would start with; test/start.test.ts
    // runs the command itself, as a process.
    const run = async () => {
      let stdout = '';
      let stderr = '';
      const status = await verifyAccessLogCommand(
        { PATH: process.env.PATH, DATA_DIR: dir },
        (text) => (stdout += text),
        (text) => (stderr += text),
      );
      return { status, stdout, stderr };
    };
    try {
      const database = await openDatabase({ kind: 'pglite', dataDir: join(dir, 'pg') });
      await database.migrate();
      await recordAccess(database.db, [entry({ requestId: 'x' }), entry({ requestId: 'y' }), entry({ requestId: 'z' })]);
      await chainAccessLog(database.db);
      // Written a moment ago, not yet linked: reported as such, neither intact nor broken.
      await recordAccess(database.db, [entry({ requestId: 'new' })]);
      await database.close();

      let result = await run();
      expect(result.stdout).toContain('access log intact: 3 entries, every link verified, numbered without gaps');
      expect(result.stdout).toMatch(/1 entry written but not yet linked into the chain \(write order \d+\): not verified yet/);
      expect(result.stdout).toContain(`no checkpoint in the file ${join(dir, 'access-log-checkpoints.jsonl')} yet`);
      expect(result.status).toBe(0);

      const again = await openDatabase({ kind: 'pglite', dataDir: join(dir, 'pg') });
      await again.db.execute(sql`alter table access_log disable trigger access_log_refuse_update_delete`);
      await again.db.execute(sql`delete from access_log where request_id = 'y'`);
      await again.close();

      result = await run();
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/access log BROKEN at entry 2: it is missing: the entries are numbered without gaps/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
