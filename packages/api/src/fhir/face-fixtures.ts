import type { PlanView } from '@sip/shared';
import { etagVersion, MARIA_RELATIVE, type staffClient, type TestApp } from '../test-support/index.ts';

type Client = Awaited<ReturnType<typeof staffClient>>;

let keyNo = 0;

/**
 * Fills the plan's relatives section through the staff and relatives' APIs: Maria as a relative,
 * two commitments proposed to her, one she accepts and one she declines (which puts it on the
 * responsible principal's work list). Returns the plan as the staff member now reads it.
 */
export async function addRelativeWithCommitments(t: TestApp, staff: Client, plan: PlanView): Promise<PlanView> {
  const write = async (path: string, body: unknown) => {
    const version = etagVersion(await staff.request(`/api/plans/${plan.id}/relatives`));
    const res = await staff.request(`/api/plans/${plan.id}/relatives${path}`, { method: 'POST', ifMatch: version, body });
    if (res.status >= 300) throw new Error(`relatives${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string };
  };
  const known = plan.relativesSection.relatives.find((r) => r.personId === MARIA_RELATIVE.personId);
  const relative = known ?? (await write('', MARIA_RELATIVE));
  const shopping = await write(`/${relative.id}/commitments`, {
    what: 'Handla mat varje vecka',
    howOften: 'En gång i veckan',
    from: '2026-12-01',
    until: '2027-11-30',
    reviewDate: '2027-06-01',
  });
  const appointments = await write(`/${relative.id}/commitments`, {
    what: 'Följa med till vårdcentralen',
    howOften: 'Vid behov',
    from: '2026-12-01',
    reviewDate: '2027-06-01',
  });
  const maria = await t.tokenFor('maria');
  for (const [commitment, answer] of [
    [shopping.id, 'accept'],
    [appointments.id, 'decline'],
  ] as const) {
    const res = await t.app.request(`/api/me/plans/${plan.id}/commitments/${commitment}/answer`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${maria}`, 'content-type': 'application/json', 'Idempotency-Key': `face-${process.pid}-${++keyNo}` },
      body: JSON.stringify({ answer }),
    });
    if (res.status !== 200) throw new Error(`answer ${answer}: HTTP ${res.status} ${await res.text()}`);
  }
  const res = await staff.request(`/api/plans/${plan.id}`);
  if (res.status !== 200) throw new Error(`read plan: HTTP ${res.status}`);
  return (await res.json()) as PlanView;
}
