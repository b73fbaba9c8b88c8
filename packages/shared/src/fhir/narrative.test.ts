import { describe, expect, it } from 'vitest';
import { dateText, escapeXhtml, generatedNarrative, narrativeIssues, periodText } from './narrative.ts';

const div = (inner: string) => ({ status: 'generated' as const, div: `<div xmlns="http://www.w3.org/1999/xhtml">${inner}</div>` });

describe('the narrative of a published resource', () => {
  it('escapes & < > " \' and drops what XML forbids, so user text is never markup', () => {
    expect(escapeXhtml(`<img src=x onerror="alert('x')"> & co`)).toBe('&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; co');
    expect(escapeXhtml('a\u0000b\u0007c\td\ne\uFFFEf\uD800g')).toBe('abc\td\nefg');
    expect(escapeXhtml('Åsa 😀')).toBe('Åsa 😀');
  });

  it('is a generated <div> of the XHTML namespace: title, facts with a value, lists with items', () => {
    const narrative = generatedNarrative('Plan <1>', [
      ['Status', 'Aktiv'],
      ['Tom', undefined],
      ['Blank', ' '],
    ], [
      { heading: 'Mål', items: ['Bo hemma', ''] },
      { heading: 'Inget', items: [] },
    ]);
    expect(narrative).toEqual(div('<p><b>Plan &lt;1&gt;</b></p><p><b>Status:</b> Aktiv</p><p><b>Mål</b></p><ul><li>Bo hemma</li></ul>'));
    expect(narrativeIssues(narrative)).toEqual([]);
  });

  it('writes instants as Swedish local time whatever the machine’s zone, dates as they are', () => {
    expect(dateText('2026-11-20T09:00:00Z')).toBe('2026-11-20 10:00');
    expect(dateText('2026-07-01T22:30:00.000Z')).toBe('2026-07-02 00:30');
    expect(dateText('2026-12-01')).toBe('2026-12-01');
    expect(periodText({ start: '2026-10-31T23:30:00Z', end: '2027-06-30' })).toBe('från 2026-11-01 till 2027-06-30');
    expect(periodText({ end: '2027-06-30' })).toBe('till 2027-06-30');
    expect(periodText(undefined)).toBeUndefined();
  });

  it('holds to FHIR’s rules for narrative, and its check finds what breaks them', () => {
    expect(narrativeIssues(undefined)).toEqual(['no narrative']);
    expect(narrativeIssues({ status: 'generated', div: '<div>x</div>' })).toEqual(['must be one <div xmlns="http://www.w3.org/1999/xhtml"> element']);
    expect(narrativeIssues(div('<script>alert(1)</script>'))).toContain('<script> is not allowed');
    expect(narrativeIssues(div('<p onclick="x()">x</p>'))).toContain('<p onclick="x()"> is not an allowed tag');
    expect(narrativeIssues(div('<p>a & b</p>'))).toEqual([expect.stringContaining('a bare &')]);
    expect(narrativeIssues(div('<p>a &nbsp; b</p>'))).toEqual([expect.stringContaining('a bare &')]);
    expect(narrativeIssues(div('<p>x</b>'))).toEqual(expect.arrayContaining(['</b> closes nothing open']));
    expect(narrativeIssues(div('<p> </p>'))).toEqual(['holds no text (txt-2)']);
    expect(narrativeIssues(div('<p>a\u0001</p>'))).toEqual(['holds characters XML does not allow']);
    expect(narrativeIssues(div('<p>&amp;&lt;&gt;&quot;&#39;&#x1F600;</p>'))).toEqual([]);
  });
});
