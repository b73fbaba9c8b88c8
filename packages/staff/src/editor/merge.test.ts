import { describe, expect, it } from 'vitest';
import { compareDrafts, hasCollision, linesAgainst, mergeMine, sameValue, textOf } from './merge.ts';

describe('comparing my version with the current one', () => {
  const base = { title: 'SIP för Karl', needs: 'Stöd med mat', 'coordinator.name': 'Sara Lind', info: ['goals'] };

  it('marks, field by field, what I changed, what they changed, and where we differ', () => {
    const mine = { ...base, needs: 'Stöd med mat\nHjälp med post', 'coordinator.name': 'Sara Lind' };
    const current = { ...base, title: 'SIP för Karl Johansson', needs: 'Stöd med mat och städ' };
    const byKey = Object.fromEntries(compareDrafts(base, mine, current).map((c) => [c.key, c]));
    expect(byKey.title).toMatchObject({ mineChanged: false, theirsChanged: true, differs: true });
    expect(byKey.needs).toMatchObject({ mineChanged: true, theirsChanged: true, differs: true, mine: 'Stöd med mat\nHjälp med post', current: 'Stöd med mat och städ' });
    expect(byKey['coordinator.name']).toMatchObject({ mineChanged: false, theirsChanged: false, differs: false });
    expect(hasCollision(compareDrafts(base, mine, current))).toBe(true);
    expect(hasCollision(compareDrafts(base, { ...base, title: 'x' }, { ...base, needs: 'y' }))).toBe(false);
  });

  it('puts what I changed on top of the current version, and takes theirs everywhere else', () => {
    const mine = { ...base, needs: 'Mina behov' };
    const current = { ...base, title: 'Ny rubrik', needs: 'Deras behov', info: ['goals', 'needs'] };
    expect(mergeMine(base, mine, current)).toEqual({ title: 'Ny rubrik', needs: 'Mina behov', 'coordinator.name': 'Sara Lind', info: ['goals', 'needs'] });
  });

  it('keeps a field I emptied empty', () => {
    expect(mergeMine(base, { ...base, title: '' }, { ...base, title: 'Deras' }).title).toBe('');
  });

  it('loses nothing I typed: every field I changed is mine in the result', () => {
    const mine = { title: 'A', needs: 'B', 'coordinator.name': 'C', info: ['needs'] };
    const current = { title: 'X', needs: 'Y', 'coordinator.name': 'Z', info: ['meetings'] };
    expect(mergeMine(base, mine, current)).toEqual(mine);
  });

  it('compares choices as sets and text without surrounding space or CR', () => {
    expect(sameValue(['b', 'a'], ['a', 'b'])).toBe(true);
    expect(sameValue(' a\r\nb ', 'a\nb')).toBe(true);
    expect(sameValue('a', undefined)).toBe(false);
    expect(textOf(['needs', 'goals'])).toBe('goals, needs');
    expect(textOf(undefined)).toBe('');
  });
});

describe('the lines that differ', () => {
  it('marks each line of one version the other lacks', () => {
    expect(linesAgainst('Mat\nPost', 'Mat\nStäd')).toEqual([
      { text: 'Mat', changed: false },
      { text: 'Post', changed: true },
    ]);
    expect(linesAgainst(['needs', 'goals'], ['goals'])).toEqual([
      { text: 'goals', changed: false },
      { text: 'needs', changed: true },
    ]);
    expect(linesAgainst('', 'x')).toEqual([]);
  });
});
