import { describe, expect, it } from 'vitest';
import { focusHeadingId, parseFocus } from './focus.ts';

describe('the focus attribute', () => {
  it('names a relative, a commitment, a request, a part or the follow-up', () => {
    expect(parseFocus('relative:r-1')).toEqual({ kind: 'relative', relativeId: 'r-1' });
    expect(parseFocus('relative:r-1:commitment:c.2')).toEqual({ kind: 'commitment', relativeId: 'r-1', commitmentId: 'c.2' });
    expect(parseFocus('relative:r-1:request:3')).toEqual({ kind: 'request', relativeId: 'r-1', index: 3 });
    expect(parseFocus('part:4f6e')).toEqual({ kind: 'part', partId: '4f6e' });
    expect(parseFocus('follow-up')).toEqual({ kind: 'follow-up' });
    expect(parseFocus(' follow-up ')).toEqual({ kind: 'follow-up' });
    expect(parseFocus('consent')).toEqual({ kind: 'consent' });
  });

  it('names nothing when it is anything else', () => {
    for (const value of [
      undefined,
      '',
      'relative',
      'relative:',
      'relative:a b',
      'relative:r:request:x',
      'relative:r:request:1234',
      'relative:r:commitment:',
      'relative:r:note:1',
      'part:p:extra',
      'follow-up:1',
      'consent:x',
      'plan:x',
      'relative:r:commitment:c:more',
      'relative:<script>',
    ]) {
      expect(parseFocus(value), String(value)).toBeUndefined();
    }
  });

  it('points at the heading the editor gives each item', () => {
    expect(focusHeadingId({ kind: 'relative', relativeId: 'r' })).toBe('relative-r');
    expect(focusHeadingId({ kind: 'commitment', relativeId: 'r', commitmentId: 'c' })).toBe('commitment-r-c');
    expect(focusHeadingId({ kind: 'request', relativeId: 'r', index: 0 })).toBe('request-r-0');
    expect(focusHeadingId({ kind: 'part', partId: 'p' })).toBe('part-p');
    expect(focusHeadingId({ kind: 'follow-up' })).toBe('section-follow-up');
    expect(focusHeadingId({ kind: 'consent' })).toBe('heading-consent');
  });
});
