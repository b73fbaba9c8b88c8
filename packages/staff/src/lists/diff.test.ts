import { describe, expect, it } from 'vitest';
import { diffInWords, parsePointer, valueInWords } from './diff.ts';

const before = {
  status: 'draft',
  version: 3,
  revision: 5,
  updatedAt: '2026-01-01T10:00:00Z',
  fields: { title: 'SIP för Astrid', individualGoals: [{ id: 'g1', text: 'Bo kvar hemma' }], followUp: { date: '2026-03-01', by: { name: 'Karin Ek' } } },
  consent: null,
  parts: [
    { id: 'x', principal: 'region', version: 1, content: { goals: [] } },
    { id: 'y', principal: 'municipality', version: 1, content: { interventions: [{ id: 'i1', text: 'Hemtjänst' }] } },
  ],
  relativesSection: { version: 1, relatives: [{ id: 'r1', name: 'Maria Nilsson', commitments: [{ id: 'c1', what: 'Handla', history: [{ status: 'requested' }] }] }] },
};

describe('a diff in words', () => {
  it('says per section and field what was added, removed and changed, with the value before and after', () => {
    const after = structuredClone(before) as typeof before & { fields: { outOfHours?: string } };
    const ops = [
      { op: 'replace', path: '/status', value: 'active' },
      { op: 'replace', path: '/version', value: 4 },
      { op: 'replace', path: '/updatedAt', value: '2026-01-02T10:00:00Z' },
      { op: 'replace', path: '/fields/title', value: 'SIP för Astrid Nilsson' },
      { op: 'add', path: '/fields/individualGoals/1', value: { id: 'g2', text: 'Träffa vänner' } },
      { op: 'replace', path: '/fields/followUp/date', value: '2026-04-01' },
      { op: 'add', path: '/fields/outOfHours', value: 'Ring 1177' },
      { op: 'remove', path: '/parts/1/content/interventions/0' },
      { op: 'replace', path: '/parts/1/version', value: 2 },
      { op: 'add', path: '/relativesSection/relatives/0/commitments/0/history/1', value: { status: 'declined', at: '2026-01-02T10:00:00Z' } },
    ];
    const sv = diffInWords(ops, before, after, 'sv');
    expect(sv).toEqual([
      {
        section: 'Planen',
        changes: [
          { kind: 'changed', field: 'Status', before: 'Utkast', after: 'Aktiv' },
          { kind: 'changed', field: 'Titel', before: 'SIP för Astrid', after: 'SIP för Astrid Nilsson' },
          { kind: 'added', field: 'Utanför kontorstid', after: 'Ring 1177' },
        ],
      },
      { section: 'Den enskildes mål', changes: [{ kind: 'added', field: 'Mål 2', after: 'Träffa vänner' }] },
      { section: 'Uppföljning', changes: [{ kind: 'changed', field: 'Uppföljning › Datum', before: '1 mars 2026', after: '1 april 2026' }] },
      { section: 'Kommunens del', changes: [{ kind: 'removed', field: 'Insatser 1', before: 'Hemtjänst' }] },
      { section: 'Närstående', changes: [{ kind: 'added', field: 'Maria Nilsson › Åtagande 1 › Svar 2', after: expect.stringMatching(/^Status: avböjt, Tidpunkt: 2 jan\.? 2026/) }] },
    ]);
    const en = diffInWords(ops, before, after, 'en');
    expect(en.map((s) => s.section)).toEqual(['The plan', 'The individual’s goals', 'Follow-up', 'The municipality’s part', 'Relatives']);
    expect(en[0]!.changes[0]).toEqual({ kind: 'changed', field: 'Status', before: 'Draft', after: 'Active' });
  });

  it('a value that appears where there was none is added; one that goes is removed', () => {
    const consent = { given: true, form: 'oral', scope: { information: ['goals', 'follow-up'], actors: ['Region Norrvik'] } };
    const [section] = diffInWords([{ op: 'replace', path: '/consent', value: consent }], before, { ...before, consent }, 'sv');
    expect(section).toEqual({
      section: 'Samtycke',
      changes: [{ kind: 'added', field: 'Samtycke', after: 'Givet: ja, Form: muntligt, Omfattning: Information: mål; uppföljning, Aktörer: Region Norrvik' }],
    });
    const [gone] = diffInWords([{ op: 'replace', path: '/consent', value: null }], { ...before, consent }, before, 'sv');
    expect(gone!.changes[0]!.kind).toBe('removed');
  });

  it('names a relative added by the value, and an appended item without a place', () => {
    const after = { ...before, relativesSection: { version: 2, relatives: [...before.relativesSection.relatives, { id: 'r2', name: 'Bengt Nilsson' }] } };
    expect(diffInWords([{ op: 'add', path: '/relativesSection/relatives/-', value: { id: 'r2', name: 'Bengt Nilsson' } }], before, after, 'sv')).toEqual([
      { section: 'Närstående', changes: [{ kind: 'added', field: 'Närstående', after: 'Bengt Nilsson' }] },
    ]);
    expect(diffInWords([{ op: 'add', path: '/fields/needs/-', value: { text: 'Hjälp' } }], before, before, 'en')).toEqual([
      { section: 'Needs', changes: [{ kind: 'added', field: 'Need', after: 'Hjälp' }] },
    ]);
  });

  it('leaves out bookkeeping: versions, times, sync status', () => {
    expect(
      diffInWords(
        [
          { op: 'replace', path: '/revision', value: 6 },
          { op: 'replace', path: '/sources/region/lastAttemptAt', value: 'x' },
          { op: 'replace', path: '/relativesSection/version', value: 2 },
          { op: 'replace', path: '/parts/0/updatedAt', value: 'x' },
        ],
        before,
        before,
        'sv',
      ),
    ).toEqual([]);
  });

  it('reads JSON pointers with escapes, and values as words', () => {
    expect(parsePointer('/a~1b/c~0d/0')).toEqual(['a/b', 'c~d', '0']);
    expect(parsePointer('')).toEqual([]);
    expect(valueInWords(true, 'sv')).toBe('ja');
    expect(valueInWords(false, 'en')).toBe('no');
    expect(valueInWords('accompanying', 'sv', 'kind')).toBe('Ledsagning och resor');
    expect(valueInWords('contact-consultant', 'en', 'kind')).toBe('contact-consultant');
    expect(valueInWords(null, 'sv')).toBe('(tomt)');
    expect(valueInWords([], 'en')).toBe('(empty)');
    expect(valueInWords('municipality', 'sv', 'overallResponsibility')).toBe('Kommunen');
    expect(valueInWords({ what: 'Handla', howOften: 'Varje vecka' }, 'sv')).toBe('Handla (Varje vecka)');
  });
});
