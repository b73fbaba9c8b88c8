/**
 * The README's "Who sees what", written from the policy table: so what the documentation says
 * is what the service does. `npm run policy:doc` writes it; a test fails while they differ.
 */
import { actorKinds, policy, requirements, type ActorKind, type Operation, type Rule } from './policy.ts';

export const POLICY_DOC_START = '<!-- policy:start: written by `npm run policy:doc` from packages/shared/src/policy.ts -->';
export const POLICY_DOC_END = '<!-- policy:end -->';

const label: Record<ActorKind, string> = {
  staff: 'staff',
  coordinator: 'coordinator',
  auditor: 'auditor',
  broker: 'broker',
  relative: 'relative',
  individual: 'individual',
};

const cell = (text: string) => text.replaceAll('|', '\\|');

/** The table: each operation, who may ask, what must hold besides, how it is reached. */
export function policyMarkdown(): string {
  const header = `| operation | ${actorKinds.map((k) => label[k]).join(' | ')} | and only when | reached by |`;
  const rule = `| --- | ${actorKinds.map(() => ':-:').join(' | ')} | --- | --- |`;
  const rows = (Object.entries(policy) as [Operation, Rule][]).map(([name, r]) => {
    const who = actorKinds.map((k) => (r.actors.includes(k) ? '✓' : '–'));
    const when = r.requires.length ? r.requires.map((q) => requirements[q].says).join('; ') : '—';
    return `| ${cell(r.summary)} (\`${name}\`) | ${who.join(' | ')} | ${cell(when)} | ${cell(r.via)} |`;
  });
  const refusals = (Object.entries(requirements) as [string, (typeof requirements)[keyof typeof requirements]][]).map(
    ([, q]) => `- ${q.says}: otherwise **${q.refusal.status}** (${q.refusal.reason}).`,
  );
  return [
    header,
    rule,
    ...rows,
    '',
    'A caller the operation is not for gets **403**. Then each condition in turn:',
    '',
    ...refusals,
  ].join('\n');
}
